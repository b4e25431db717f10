"""The funding block of a 绩效 form → `perf_funds` rows.

Three layouts: a self-evaluation's table under a header (`项目资金 | 年初预算数 | 全年预算数 |
全年执行数 | 分值 | 执行率 | 得分`), each row aligned to it with the accounting identities picking
among readings; a target form's amounts printed beside their labels (`年度资金总额： | 120`,
`其中：财政拨款 | 100`), in one or two columns side by side (实施期 | 年度); and a department target
form's 年度主要任务 block, whose 金额合计 row (总额 | 财政拨款 | 其他资金) is the department's
funding — its task rows are left out, with a finding, so that no amount is counted twice."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pipeline import catalog
from pipeline.catalog import performance as vocab
from pipeline.numbers import is_null_marker, parse_number
from pipeline.realign.align import Token, align_tokens
from pipeline.realign.performance_form import PerfState, compact, perf_fit, unit_in

_TAG = re.compile(r"<[^>]+>")
_LABEL_THEN_NUMBER = re.compile(r"^(.*?\D)\s+(-?[\d,]+(?:\.\d+)?%?)$")
_FUND_PREFIX = re.compile(r"^(其中|资金来源|含)[:：]")
FUND_FIELDS = tuple(role for role, _ in vocab.PERF_FUND_COLUMNS)


def funding_source(label: str) -> str:
    """The row label without unit notes, a trailing colon, or the structure words in front of
    it (`其中：`, `资金来源：(1)`), as row labels lose their enumerators."""
    label = re.sub(r"[(（](万元|元)[)）]", "", label)
    label = _FUND_PREFIX.sub("", label)
    return catalog.strip_enumerator(label).rstrip(":：")


def fund_record(label: str, page: int | None, **amounts: float | None) -> dict:
    return {"funding_source": funding_source(label), **{r: amounts.get(r) for r in FUND_FIELDS}, "page": page}


# ── a self-evaluation's funding table ─────────────────────────────────────────────────────

def value_tokens(tokens: list[Token]) -> tuple[str | None, list[Token], bool]:
    """A funding row: its label and its value tokens. A label printed with its first value in
    one cell (`资金总额 12`) is split."""
    split = False
    label = None
    values: list[Token] = []
    for tok in tokens:
        if vocab.PERF_BLOCK_LABELS.match(tok.text) and label is None and not values:
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


def _repeats_a_neighbour(values: list[Token], tok: Token) -> bool:
    k = next(i for i, v in enumerate(values) if v is tok)
    return any(0 <= j < len(values) and values[j].text == tok.text for j in (k - 1, k + 1))


def _is_subsequence(names: list[str], layout: tuple[str, ...]) -> bool:
    it = iter(layout)
    return all(any(n == x for x in it) for n in names)


def funds_candidates(values: list[Token], roles: list[tuple[int, str]]
                     ) -> Iterator[tuple[dict[str, Token], list[Token], str | None]]:
    """Readings of a funding row's values: aligned to the header's roles; aligned in order to
    a published layout when the header names fewer columns than the row has values (a header
    cell lost); and, with one value too many, in order without each value in turn (a repeated
    or stray cell)."""
    assigned, dropped, moved = align_tokens(values, roles, perf_fit)
    yield {roles[k][1]: tok for k, tok in assigned.items()}, dropped, "realigned" if moved else None
    names = [r for _, r in roles]
    if len(values) > len(roles):
        ordered = [Token(k, t.text, t.raw) for k, t in enumerate(values)]
        for layout in vocab.PERF_FUND_LAYOUTS:
            if len(layout) >= len(values) and _is_subsequence(names, layout):
                layout_roles = list(enumerate(layout))
                assigned, dropped, _ = align_tokens(ordered, layout_roles, perf_fit)
                yield ({layout_roles[k][1]: values[t.col] for k, t in assigned.items()},
                       [values[t.col] for t in dropped], f"read as {'/'.join(layout)}")
    if len(values) == len(roles) + 1:
        for k in range(len(values)):
            rest = values[:k] + values[k + 1:]
            yield {role: tok for (_, role), tok in zip(roles, rest)}, [values[k]], None


def read_funds_row(tokens: list[Token], roles: list[tuple[int, str]], state: PerfState, page: int) -> None:
    """One row under the funding header; the reading that keeps the identities wins."""
    label, values, split = value_tokens(tokens)
    if not label or not values:
        return
    state.unit = state.unit or unit_in(label)
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
    state.funds.append(fund_record(label, page, **record))


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


# ── a target form's amounts beside their labels ───────────────────────────────────────────

@dataclass
class LabelledAmounts:
    """`label | amount` pairs of a target form's funding block, by the column of their label:
    each column is one block of amounts (实施期 on the left, 年度 on the right)."""

    pairs: list[tuple[int, int, str, str | None]] = field(default_factory=list)  # (label col, row, label, amount)

    def read_row(self, tokens: list[Token], row: int, state: PerfState) -> bool:
        """Pairs of the row; True when it held one. A label without an amount (`其他资金 |`)
        is a pair with a blank amount."""
        found = False
        for k, tok in enumerate(tokens):
            if not vocab.TARGET_FUND_LABEL.match(tok.text):
                continue
            nxt, after = (tokens[j].text if j < len(tokens) else None for j in (k + 1, k + 2))
            if after is not None and parse_number(nxt) is not None and parse_number(after) is not None:
                continue  # a row of figures under a header, not an amount beside its label
            amount = nxt if nxt is not None and (parse_number(nxt) is not None or is_null_marker(nxt)) else None
            self.pairs.append((tok.col, row, tok.text, amount))
            state.unit = state.unit or unit_in(tok.text)
            found = True
        if found:
            state.unit = state.unit or next((u for t in tokens if (u := unit_in(t.text))), None)
        return found

    def records(self, page_of: Callable[[int], int]) -> list[dict]:
        """One funding row per pair, block by block; where a period block (实施期) stands beside
        another, its sub-rows are named with its total (`实施期资金总额/财政拨款`)."""
        blocks: dict[int, list] = {}
        for col, row, label, amount in sorted(self.pairs, key=lambda p: (p[0], p[1])):
            blocks.setdefault(col, []).append((row, label, amount))
        out = []
        for rows in blocks.values():
            head = funding_source(rows[0][1])
            qualify = len(blocks) > 1 and vocab.TARGET_FUND_PERIOD.search(head)
            for i, (row, label, amount) in enumerate(rows):
                name = funding_source(label)
                role = "budget_initial" if vocab.TARGET_FUND_INITIAL.search(label) else "budget_full_year"
                rec = fund_record(label, page_of(row), **{role: parse_number(amount)})
                if qualify and i > 0:
                    rec["funding_source"] = f"{head}/{name}"
                out.append(rec)
        return out


# ── a department target form's 年度主要任务 ────────────────────────────────────────────────

@dataclass
class TaskBlock:
    """年度主要任务 rows: the amount columns' headers, the tasks and the 金额合计 row."""

    columns: dict[int, str] = field(default_factory=dict)  # column → published header
    tasks: int = 0
    total: dict[str, float | None] | None = None

    def read_row(self, tokens: list[Token], state: PerfState) -> None:
        """A header row names the amount columns (a sub-header, 总额 | 财政拨款 | 其他资金, replaces
        its parent, 预算金额); a row of amounts is a task, or the total when its label says so."""
        names = [t for t in tokens if len(t.text) <= 12 and vocab.TASK_AMOUNT_COLUMN.match(t.text)]
        amounts = [t for t in tokens if parse_number(t.text) is not None or is_null_marker(t.text)]
        if names and not amounts:
            if len(names) >= len(self.columns):
                self.columns = {t.col: funding_source(t.text) for t in names}
            state.unit = state.unit or next((u for t in names if (u := unit_in(t.text))), None)
            return
        if not amounts or not self.columns:
            return
        label = next((t.text for t in tokens if t not in amounts and not vocab.PERF_BLOCK_LABELS.match(t.text)), "")
        if catalog.TOTAL_LABEL.search(label):
            self.total = dict.fromkeys(self.columns.values())
            self.total.update({self._column_of(t.col): parse_number(t.text) for t in amounts})
        else:
            self.tasks += 1

    def _column_of(self, col: int) -> str:
        """The amount column a cell stands in: its own header, else the nearest to its left."""
        left = [c for c in self.columns if c <= col]
        return self.columns[max(left) if left else min(self.columns)]

    def finish(self, state: PerfState, page: int) -> None:
        if self.total:
            for name, amount in self.total.items():
                state.funds.append(fund_record(name, page, budget_full_year=amount))
        if self.tasks:
            state.actions.append(f"年度主要任务: {self.tasks} task rows with amounts not kept as funding rows "
                                 f"({'their 合计 row is' if self.total else 'no 合计 row printed'})")
