"""The indicator block of a 绩效 form → `perf_indicators` rows.

Each row's tokens are aligned to the header's roles (`align_tokens`); 一级/二级指标 are filled
down from merged cells and lose their score notes (`产出指标（50分）`, `产出指标50分`); a target
printed over three columns (指标性质 `≥` | 指标值 `4` | 计量单位 `次`) is one target text."""
from __future__ import annotations

from pipeline.catalog import performance as vocab
from pipeline.numbers import as_json_number, parse_number
from pipeline.realign.align import Token, align_tokens, fits_in_place
from pipeline.realign.performance_form import PerfState, header_roles, perf_fit, perf_fit_in_place

LEVEL_KIN = {"level1": "level", "level2": "level"}  # a category may move between 一级 and 二级
VALUE_ROLES = ("target", "actual", "weight", "score", "deviation_note", "criteria", "category", "target_op",
               "target_unit")


def indicator_roles(tokens: list[Token]) -> list[tuple[int, str]]:
    roles = header_roles(tokens, vocab.PERF_INDICATOR_COLUMNS)
    if not any(role == "level1" for _, role in roles) and vocab.PERF_INDICATOR_BLOCK_AS_LEVEL1.match(tokens[0].text):
        roles.insert(0, (tokens[0].col, "level1"))
    return roles


def header_over_body(roles: list[tuple[int, str]], body: list[list[Token]], state: PerfState) -> list[tuple[int, str]]:
    """The header's columns as its rows have them. A doubled separator or a lost cell in the
    header row alone moves its names off their columns; each way of undoing that (a gap in
    the header closed, the header slid) is tried, and the one under which most rows sit in
    place wins — the header as printed on ties."""
    if not roles or not body:
        return roles
    cols = [c for c, _ in roles]
    variants = [("as printed", roles)]
    for gap in range(min(cols), max(cols)):
        if gap not in cols:
            variants.append((f"gap at column {gap + 1} closed", [(c - 1 if c > gap else c, r) for c, r in roles]))
    for shift in (-2, -1, 1, 2):
        variants.append((f"slid {shift:+d}", [(c + shift, r) for c, r in roles]))

    def in_place(variant: list[tuple[int, str]]) -> int:
        return sum(1 for row in body if row and fits_in_place(row, variant, perf_fit_in_place))

    scores = [(in_place(v), -k) for k, (_, v) in enumerate(variants)]
    best = max(range(len(variants)), key=lambda k: scores[k])
    # rows shift one by one too (that is for `align_tokens`): only a header that fits few of
    # its rows, replaced by one that fits most, is taken to have moved
    if scores[0][0] * 3 > len(body) or scores[best][0] * 3 < len(body) * 2:
        best = 0
    if best:
        state.actions.append(f"indicator header realigned over its rows ({variants[best][0]}): "
                             f"{scores[best][0]} of {len(body)} rows in place, {scores[0][0]} as printed")
    return variants[best][1]


def strip_score_note(text: str | None) -> str | None:
    return vocab.SCORE_NOTE.sub("", text) if text else text


def fill_levels(text: dict, levels: dict, state: PerfState) -> None:
    """一级/二级指标 carried down from the row that printed them (merged cells)."""
    level1, level2 = strip_score_note(text.get("level1")), strip_score_note(text.get("level2"))
    if level1:
        levels["level1"], levels["level2"] = level1, None  # a new 一级 starts its own 二级 run
    if level2:
        levels["level2"] = level2
        parent = vocab.LEVEL2_PARENT.get(level2)
        filled = levels.get("level1")
        if not level1 and parent and (filled is None or filled in vocab.LEVEL1_WORDS) and filled != parent:
            # the 一级 cell merged over these rows printed its text further down (or on the
            # next page): the 二级 names its 一级 where the templates agree
            levels["level1"] = parent
            state.actions.append(f"{level2} under {filled or 'no 一级指标'}: 一级指标 taken as {parent}")


def target_text(text: dict) -> str | None:
    """The target as published; one printed over 指标性质 | 指标值 | 计量单位 joined (`≥4次`)."""
    value = text.get("target")
    if value is None or not (text.get("target_op") or text.get("target_unit")):
        return value
    unit = text.get("target_unit", "")
    return text.get("target_op", "") + value + ("" if value.endswith(unit) else unit)


def read_indicator_row(tokens: list[Token], roles: list[tuple[int, str]], state: PerfState, levels: dict,
                       page: int) -> None:
    tokens = [t for t in tokens if not vocab.PERF_BLOCK_LABELS.match(t.text)]
    if not tokens:
        return
    assigned, dropped, moved = align_tokens(tokens, roles, perf_fit, perf_fit_in_place, LEVEL_KIN)
    text = {roles[k][1]: tok.text for k, tok in assigned.items()}
    fill_levels(text, levels, state)
    if "indicator" not in text:
        return
    if not any(k in text for k in VALUE_ROLES):
        # a cell's text carried over a page break onto a row of its own: no indicator
        state.actions.append(f"row fragment {' | '.join(t.text for t in tokens)!r} without values dropped")
        return
    if moved:
        state.actions.append(f"indicator row {text['indicator']!r}: cells realigned to {'/'.join(text)}")
    for tok in dropped:
        state.actions.append(f"indicator row {text['indicator']!r}: surplus cell {tok.text!r} left out")
    state.indicators.append({
        "level1": levels.get("level1"), "level2": levels.get("level2"), "indicator": text["indicator"],
        "target": target_text(text), "actual": text.get("actual"),
        "weight": as_json_number(parse_number(text.get("weight"))), "score": as_json_number(parse_number(text.get("score"))),
        "deviation_note": text.get("deviation_note"), "page": page,
    })


def drop_repeated_indicators(state: PerfState) -> None:
    """An indicator row printed again word for word (a converter repeating rows at a page
    break) is one indicator."""
    seen, kept = set(), []
    for ind in state.indicators:
        key = tuple((k, v) for k, v in ind.items() if k != "page")
        if key in seen:
            state.actions.append(f"indicator row {ind['indicator']!r} repeated word for word: kept once")
            continue
        seen.add(key)
        kept.append(ind)
    state.indicators = kept
