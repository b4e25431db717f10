"""Realign 绩效自评表 (project and department-wide): a form, not a grid.

A performance table is a stack of blocks — form fields (项目名称 | value), the funding block,
the goal block, the indicator block, the total — each with its own header. Converters break
its columns in every way (doubled separators, rows missing their leading blanks, surplus
cells, a label and its value in one cell), so each row is read as a sequence of typed tokens
and aligned to its block's header roles: by position when every token fits the role above
it, otherwise by the best monotone alignment of token types to roles (`align_tokens`).
Entry point: `realign_performance(raw, spec, table_id)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import catalog
from pipeline.model import Finding, RawTable
from pipeline.numbers import as_json_number, is_null_marker, parse_number
from pipeline.realign.align import Token, align_tokens, fits_in_place

_TAG = re.compile(r"<[^>]+>")
_LABEL_THEN_NUMBER = re.compile(r"^(.*?\D)\s+(-?[\d,]+(?:\.\d+)?%?)$")
_STRAY_NUMBER = re.compile(r"\s+\d+$")
_PERCENT = re.compile(r"%$")
_PROJECT_IN_TITLE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(.{2,}?)(?:项目支出|项目)?绩效(?:目标)?自评")
_GENERIC_TITLE_WORDS = re.compile(r"^[一二三四五六七八九十]+、|^部门|整体")
_LOOKS_LIKE_VALUE = re.compile(r"^([≥≤<>=＞＜]+.*|-?[\d.,]+\s*(%|‰|[^\d\s]{1,2})?)$")
_FUND_PREFIX = re.compile(r"^(其中|资金来源|含)[:：]")
_SENTENCE = re.compile(r"^.{25,}$|是否|[；？]|[（(][^)）]*[/／×]|[×x]100%")
LEVEL_KIN = {"level1": "level", "level2": "level"}  # a category may move between 一级 and 二级
HEADER_CELL_MAX = 12  # characters
_GOAL_WORDS = r"(年度总体目标|年度履职目标|总体目标|年度目标|预期目标|\*?实际完成情况)"


@dataclass
class PerfState:
    fields: dict = field(default_factory=dict)
    funds: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    unit: str | None = None
    total_score: float | None = None
    other_scores: float = 0.0  # 得分 outside funds and indicators (资金管理情况), for the 总分 check
    actions: list[str] = field(default_factory=list)


def compact(text: str) -> str:
    return "".join(_TAG.sub(" ", text or "").split())


def grid_with_row_spans(raw: RawTable) -> list[list[str]]:
    """Cell texts with a vertically merged cell repeated down its rows (一级指标 over several
    indicators), a horizontally merged one kept once (a project name across the form)."""
    grid = [["" for _ in range(raw.n_cols)] for _ in range(raw.n_rows)]
    for c in raw.cells:
        for r in range(c.row, min(c.row + c.row_span, raw.n_rows)):
            if c.col < raw.n_cols:
                grid[r][c.col] = c.text
    return grid


def tokens_of(row: list[str]) -> list[Token]:
    return [Token(i, compact(t), t) for i, t in enumerate(row) if compact(t)]


def match_role(columns: tuple[tuple[str, str], ...], text: str) -> str | None:
    for role, pattern in columns:
        if re.search(pattern, text):
            return role
    return None


def header_roles(tokens: list[Token], columns) -> list[tuple[int, str]]:
    """(column, role) for every header cell naming a role, first naming wins."""
    out, seen = [], set()
    for tok in tokens:
        role = match_role(columns, tok.text)
        if role and role not in seen:
            out.append((tok.col, role))
            seen.add(role)
    return out


# ── token types against roles ──────────────────────────────────────────────────────────────

def _is_level(text: str, words: set[str]) -> bool:
    return catalog.SCORE_NOTE.sub("", text) in words


def perf_fit_in_place(text: str, role: str) -> float:
    """A token under its own header: an 一级/二级 category the vocabulary does not know
    (`公用经费控制`) fits there, as long as it reads like a category."""
    if role in ("level1", "level2") and not _is_level(text, catalog.LEVEL1_WORDS | catalog.LEVEL2_WORDS):
        plain_text = parse_number(text) is None and not is_null_marker(text) and not _LOOKS_LIKE_VALUE.match(text)
        return 0.5 if plain_text else -6.0
    return perf_fit(text, role)


def perf_fit(text: str, role: str) -> float:
    """How well a token's text suits a role: > 0 fits, < 0 does not."""
    if catalog.PERF_CATEGORY_VALUE.match(text):
        return 3.0 if role == "category" else -3.0
    number = parse_number(text)
    null = is_null_marker(text)
    percent = bool(_PERCENT.search(text)) and number is not None
    if role in ("level1", "level2"):
        words = catalog.LEVEL1_WORDS if role == "level1" else catalog.LEVEL2_WORDS
        if _is_level(text, words):
            return 4.0
        if number is not None or null or _LOOKS_LIKE_VALUE.match(text):
            return -6.0
        return -6.0  # the other level's word, or no category word at all
    if role == "indicator":
        if _is_level(text, catalog.LEVEL1_WORDS | catalog.LEVEL2_WORDS) or _LOOKS_LIKE_VALUE.match(text):
            return -2.0  # a category, or a target / completed value (`≥3次`, `100%`)
        if number is not None or null:
            return -1.0
        return 0.5 if _SENTENCE.search(text) else 2.0  # an indicator is a name, not an explanation
    if role in ("target", "actual"):
        return 1.5  # published as text: anything fits, nothing fits better
    if role in ("weight", "score"):
        if number is not None and not percent and 0 <= number <= 100:
            # a 分值 is set in whole points; a 得分 often is not
            return 2.0 if role == "score" or float(number).is_integer() else 1.0
        return 1.0 if null else -6.0
    if role == "deviation":
        return 2.0 if percent or null else -3.0
    if role == "deviation_note":
        return 1.0 if number is None else -5.0  # a bare figure is no explanation: rather a surplus cell
    if role == "criteria":
        return 1.5 if _SENTENCE.search(text) else 0.5
    if role == "category":
        return 0.5
    if role in ("budget_initial", "budget_full_year", "executed"):
        return 2.0 if number is not None and not percent else (0.5 if null else -6.0)
    if role == "execution_rate":
        return 3.0 if percent else (1.0 if (number is not None and 0 <= number <= 1000) or null else -6.0)
    return 0.0


# ── blocks ─────────────────────────────────────────────────────────────────────────────────

def block_of(tokens: list[Token]) -> str | None:
    texts = [t.text for t in tokens]
    # header cells are names, not sentences: a long cell mentioning 执行数 is an explanation
    names = [t for t in texts if len(t) <= HEADER_CELL_MAX]
    if len({match_role(catalog.PERF_INDICATOR_COLUMNS[:3], t) for t in names} - {None}) >= 2:
        return "indicator_header"
    if len({match_role(catalog.PERF_FUND_COLUMNS[:4], t) for t in names} - {None}) >= 2:
        return "funds_header"
    for name, pattern in catalog.PERF_BLOCKS:
        if texts and re.search(pattern, texts[0]) or (name == "goal" and any(re.search(pattern, t) for t in texts[:2])):
            return name
    return None


def _key_of(text: str) -> str | None:
    return next((k for k, p in catalog.PERF_KEYS if re.fullmatch(p, text)), None)


def _glued_field(text: str) -> tuple[str, str] | None:
    """`项目实施单位区政务服务和大数据管`: a form label and its value in one cell."""
    for key, pattern in catalog.PERF_KEYS:
        m = re.match(f"(?:{pattern})(?P<value>.+)", text)
        if m:
            return key, m.group("value")
    return None


def read_form_fields(tokens: list[Token], state: PerfState) -> bool:
    """`项目名称 | value | 项目金额 | value` → fields; True when the row is a form row."""
    if not (_key_of(tokens[0].text) or _glued_field(tokens[0].text)):
        return False
    i = 0
    while i < len(tokens):
        key = _key_of(tokens[i].text)
        if key:
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else None
            if nxt is not None and not _key_of(nxt) and not _glued_field(nxt):
                state.fields.setdefault(key, nxt)
                i += 2
                continue
        elif glued := _glued_field(tokens[i].text):
            state.fields.setdefault(*glued)
        i += 1
    return True


def value_tokens(tokens: list[Token]) -> tuple[str | None, list[Token], bool]:
    """A funding row: its label and its value tokens. A label printed with its first value in
    one cell (`资金总额 12`) is split."""
    split = False
    label = None
    values: list[Token] = []
    for tok in tokens:
        if catalog.PERF_BLOCK_LABELS.match(tok.text) and label is None and not values:
            continue
        if label is None and parse_number(tok.text) is None and not is_null_marker(tok.text):
            m = _LABEL_THEN_NUMBER.match(_TAG.sub("", tok.raw).strip())
            if m and parse_number(m.group(2)) is not None:
                label = compact(m.group(1))
                values.append(Token(tok.col, compact(m.group(2)), m.group(2)))
                split = True
            else:
                label = tok.text
            continue
        values.append(tok)
    return label, values, split


def funding_source(label: str) -> str:
    """The row label without unit notes, a trailing colon, or the structure words in front of
    it (`其中：`, `资金来源：(1)`), as row labels lose their enumerators."""
    label = re.sub(r"[(（](万元|元)[)）]", "", label)
    label = _FUND_PREFIX.sub("", label)
    return catalog.strip_enumerator(label).rstrip(":：")


def _unit_in(text: str) -> str | None:
    m = catalog.UNIT_IN_HEADER.search(text) or catalog.UNIT.search(text)
    return m.group(1) if m else None


def _repeats_a_neighbour(values: list[Token], tok: Token) -> bool:
    k = next(i for i, v in enumerate(values) if v is tok)
    return any(0 <= j < len(values) and values[j].text == tok.text for j in (k - 1, k + 1))


def funds_candidates(values: list[Token], roles: list[tuple[int, str]]):
    """Readings of a funding row's values: aligned to the header's roles; aligned in order to
    a published layout when the header names fewer columns than the row has values (a header
    cell lost); and, with one value too many, in order without each value in turn (a repeated
    or stray cell)."""
    assigned, dropped, moved = align_tokens(values, roles, perf_fit)
    yield {roles[k][1]: tok for k, tok in assigned.items()}, dropped, "realigned" if moved else None
    names = [r for _, r in roles]
    if len(values) > len(roles):
        ordered = [Token(k, t.text, t.raw) for k, t in enumerate(values)]
        for layout in catalog.PERF_FUND_LAYOUTS:
            if len(layout) >= len(values) and _is_subsequence(names, layout):
                layout_roles = list(enumerate(layout))
                assigned, dropped, _ = align_tokens(ordered, layout_roles, perf_fit)
                yield ({layout_roles[k][1]: values[t.col] for k, t in assigned.items()},
                       [values[t.col] for t in dropped], f"read as {'/'.join(layout)}")
    if len(values) == len(roles) + 1:
        for k in range(len(values)):
            rest = values[:k] + values[k + 1:]
            yield {role: tok for (_, role), tok in zip(roles, rest)}, [values[k]], None


def read_funds_row(tokens, roles, state, page) -> None:
    label, values, split = value_tokens(tokens)
    if not label or not values:
        return
    state.unit = state.unit or _unit_in(label)
    scored = []
    for order, (by_role, dropped, how) in enumerate(funds_candidates(values, roles)):
        record = {role: parse_number(tok.text) for role, tok in by_role.items()}
        fit_sum = sum(perf_fit(tok.text, role) for role, tok in by_role.items())
        fits = all(perf_fit(tok.text, role) > 0 for role, tok in by_role.items())
        holds, residual = fund_identity(record)
        repeated = all(_repeats_a_neighbour(values, tok) for tok in dropped)  # a cell printed twice
        scored.append(((holds, fits, -len(dropped), repeated, -round(residual, 6), fit_sum, -order), record, dropped, how))
    _, record, dropped, how = max(scored, key=lambda s: s[0])
    if split:
        state.actions.append(f"funding row {label!r}: label and first value split from one cell")
    if how:
        state.actions.append(f"funding row {label!r}: values {how}")
    for tok in dropped:
        state.actions.append(f"funding row {label!r}: surplus cell {tok.text!r} left out")
    state.funds.append({"funding_source": funding_source(label), **{r: record.get(r) for r, _ in catalog.PERF_FUND_COLUMNS}, "page": page})


def _is_subsequence(names: list[str], layout: tuple[str, ...]) -> bool:
    it = iter(layout)
    return all(any(n == x for x in it) for n in names)


def fund_identity(rec: dict) -> tuple[bool, float]:
    """(holds, residual) of 执行率 = 执行数 / 预算数 and 得分 ≤ 分值, where the figures are
    there. The tolerance is what rounding allows: a unit of the rate's last printed digit
    plus the effect of both amounts rounded to 0.01 (rates are rounded or cut)."""
    weight, score = rec.get("weight"), rec.get("score")
    if weight is not None and score is not None and score > weight + 0.01:
        return False, score - weight
    budget = rec.get("budget_full_year") or rec.get("budget_initial")
    executed, rate = rec.get("executed"), rec.get("execution_rate")
    if budget is None or executed is None or rate is None:
        return True, 0.0
    if budget == 0:
        return rate == 0 or executed == 0, 0.0
    residual = abs(executed / budget * 100 - rate)
    tolerance = (1.0 if float(rate).is_integer() else 0.01) + 100 * 0.01 / abs(budget) + 1e-9
    return residual <= tolerance, residual


def block_rows(rows: list[tuple[int, list[Token]]]) -> list[list[Token]]:
    """The data rows that follow a header, up to the next header or block."""
    out = []
    for _, tokens in rows:
        if block_of(tokens) is not None:
            break
        out.append([t for t in tokens if not catalog.PERF_BLOCK_LABELS.match(t.text)])
    return out


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

    def in_place(variant):
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


def indicator_roles(tokens: list[Token]) -> list[tuple[int, str]]:
    roles = header_roles(tokens, catalog.PERF_INDICATOR_COLUMNS)
    if not any(role == "level1" for _, role in roles) and catalog.PERF_INDICATOR_BLOCK_AS_LEVEL1.match(tokens[0].text):
        roles.insert(0, (tokens[0].col, "level1"))
    return roles


def read_indicator_row(tokens, roles, state, levels, page) -> None:
    tokens = [t for t in tokens if not catalog.PERF_BLOCK_LABELS.match(t.text)]
    if not tokens:
        return
    assigned, dropped, moved = align_tokens(tokens, roles, perf_fit, perf_fit_in_place, LEVEL_KIN)
    text = {roles[k][1]: tok.text for k, tok in assigned.items()}
    level1 = catalog.SCORE_NOTE.sub("", text["level1"]) if "level1" in text else None
    level2 = catalog.SCORE_NOTE.sub("", text["level2"]) if "level2" in text else None
    if level1:
        levels["level1"], levels["level2"] = level1, None  # a new 一级 starts its own 二级 run
    if level2:
        levels["level2"] = level2
        parent = catalog.LEVEL2_PARENT.get(level2)
        filled = levels.get("level1")
        if not level1 and parent and filled in catalog.LEVEL1_WORDS and filled != parent:
            # the 一级 cell merged over these rows printed its text further down
            levels["level1"] = parent
            state.actions.append(f"{level2} under {filled}: 一级指标 taken as {parent}")
    if "indicator" not in text:
        return
    if not any(k in text for k in ("target", "actual", "weight", "score", "deviation_note", "criteria", "category")):
        # a cell's text carried over a page break onto a row of its own: no indicator
        state.actions.append(f"row fragment {' | '.join(t.text for t in tokens)!r} without values dropped")
        return
    if moved:
        state.actions.append(f"indicator row {text['indicator']!r}: cells realigned to {'/'.join(text)}")
    for tok in dropped:
        state.actions.append(f"indicator row {text['indicator']!r}: surplus cell {tok.text!r} left out")
    state.indicators.append({
        "level1": levels.get("level1"), "level2": levels.get("level2"), "indicator": text["indicator"],
        "target": text.get("target"), "actual": text.get("actual"),
        "weight": as_json_number(parse_number(text.get("weight"))), "score": as_json_number(parse_number(text.get("score"))),
        "deviation_note": text.get("deviation_note"), "page": page,
    })


def detached_fields(raw: RawTable, state: PerfState) -> None:
    """Project name (and unit) printed above the table, not in it: the lines after the title
    (`某某项目`, or `某某项目 123` with a stray number), or the title itself
    (`2023年度某某专项经费项目绩效自评表`)."""
    lines = list(raw.context)
    after_title = []
    for line in reversed(lines):
        if catalog.match_title(line):
            break
        after_title.insert(0, line)
    names = [_STRAY_NUMBER.sub("", line).strip() for line in after_title
             if not catalog.CAPTION.match(compact(line)) and not line.startswith("注")]
    names = [compact(n) for n in names if n]
    if not state.fields.get("project_name") and names:
        state.fields["project_name"] = names[0]
        state.actions.append(f"project name {names[0]!r} taken from the line above the table")
        if len(names) > 1 and not state.fields.get("implementing_unit"):
            state.fields["implementing_unit"] = names[1]
    m = _PROJECT_IN_TITLE.match(compact(raw.title or ""))
    if not state.fields.get("project_name") and m and not _GENERIC_TITLE_WORDS.search(m.group(1)):
        state.fields["project_name"] = m.group(1)


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


def realign_performance(raw: RawTable, spec, table_id: int) -> tuple[dict[str, list[dict]], list[Finding], list[str]]:
    scope = "department" if spec.key.startswith("department") else "project"
    state = PerfState()
    grid = grid_with_row_spans(raw)
    block = None
    roles: list[tuple[int, str]] = []
    levels: dict = {}
    rows = [(r, tokens_of(row)) for r, row in enumerate(grid)]
    rows = [(r, tokens) for r, tokens in rows if tokens]
    for i, (r, tokens) in enumerate(rows):
        page = raw.page_of_row(r)
        kind = block_of(tokens)
        if kind == "funds_header":
            block, roles = "funds", header_roles(tokens, catalog.PERF_FUND_COLUMNS)
            state.unit = state.unit or next((u for t in tokens if (u := _unit_in(t.text))), None)
        elif kind == "indicator_header":
            block, levels = "indicators", {}
            roles = header_over_body(indicator_roles(tokens), block_rows(rows[i + 1:]), state)
        elif kind == "total":
            numbers = [parse_number(t.text) for t in tokens if parse_number(t.text) is not None]
            state.total_score = numbers[1] if len(numbers) >= 2 else (numbers[0] if numbers else None)
            block = None
        elif kind in ("goal", "management", "tasks", "closing"):
            block = kind
            if kind == "goal":
                _read_goal(tokens, state)
        elif block != "indicators" and read_form_fields(tokens, state):
            block = None
        elif block == "funds":
            read_funds_row(tokens, roles, state, page)
        elif block == "indicators":
            read_indicator_row(tokens, roles, state, levels, page)
        elif block == "goal":
            _read_goal(tokens, state)
        elif block == "management":
            small = [n for t in tokens if (n := parse_number(t.text)) is not None and 0 <= n <= 100]
            state.other_scores += small[-1] if small else 0.0
    detached_fields(raw, state)
    drop_repeated_indicators(state)
    unit = state.unit or raw.unit
    project = None if scope == "department" else state.fields.get("project_name")
    base = {"table_id": table_id, "scope": scope, "project_name": project}
    records = {
        "perf_projects": [{
            **base, "implementing_unit": state.fields.get("implementing_unit") or (
                state.fields.get("department") if scope == "department" else None),
            "competent_department": state.fields.get("competent_department"), "unit": unit,
            "goal_expected": state.fields.get("goal_expected"), "goal_actual": state.fields.get("goal_actual"),
            "total_score": as_json_number(state.total_score), "page": raw.page, "form": spec.form or None,
            "_other_scores": state.other_scores,  # internal: not a SPEC field, not stored
        }],
        "perf_funds": [{**base, **{k: as_json_number(v) if k not in ("funding_source", "page") else v
                                   for k, v in f.items() if k != "page"}, "unit": unit} for f in state.funds],
        "perf_indicators": [{**base, **ind} for ind in state.indicators],
    }
    return records, [], state.actions


def _read_goal(tokens: list[Token], state: PerfState) -> None:
    """Goal rows: the block's words (年度总体目标, 预期目标, 实际完成情况) are its header, whatever
    row they stand in (a merged label repeats down); the other two texts are the goals."""
    texts = [t.text for t in tokens if not re.fullmatch(_GOAL_WORDS, t.text)]
    if not texts:
        return
    state.fields.setdefault("goal_expected", texts[0])
    if len(texts) > 1:
        state.fields.setdefault("goal_actual", texts[1])
