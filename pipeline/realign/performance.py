"""Realign 绩效自评表 and 绩效目标表 (project and department-wide): a form, not a grid.

A performance table is a stack of blocks — form fields (项目名称 | value), the funding block,
the goal block, the indicator block, the total — each with its own header. Converters break
its columns in every way (doubled separators, rows missing their leading blanks, surplus
cells, a label and its value in one cell), so each row is read as a sequence of typed tokens
and aligned to its block's header roles: by position when every token fits the role above
it, otherwise by the best monotone alignment of token types to roles (`align_tokens`).

Both kinds of form are read alike; a target form (`spec.form == "targets"`) has no result, so
its records carry no `actual`, `score`, executed amounts or total score. A table holds one form,
or several where a second 项目名称 / 部门（单位）名称 row follows a form's indicators, or a list
of projects (`performance_listing`). The blocks are read by `performance_funds`,
`performance_goals` and `performance_indicators`; the vocabulary is `catalog.performance`.
Entry point: `realign_performance(raw, spec, table_id)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.catalog import TableSpec
from pipeline.catalog import performance as vocab
from pipeline.model import Finding, RawTable
from pipeline.numbers import as_json_number, parse_number
from pipeline.realign.align import Token
from pipeline.realign.performance_form import (
    PerfState,
    block_of,
    caption_fields,
    detached_fields,
    grid_with_row_spans,
    header_roles,
    is_goal_row,
    read_form_fields,
    starts_form,
    tokens_of,
    unit_in,
)
from pipeline.realign.performance_funds import LabelledAmounts, TaskBlock, read_funds_row
from pipeline.realign.performance_goals import GoalBlock
from pipeline.realign.performance_indicators import (
    drop_repeated_indicators,
    header_over_body,
    indicator_roles,
    read_indicator_row,
)
from pipeline.realign.performance_listing import listing_header, read_listing

Rows = list[tuple[int, list[Token]]]
_NUMBER_IN_LABEL = re.compile(r"(\d+(?:\.\d+)?)分?$")


@dataclass
class FormReader:
    """One form's rows, block by block."""

    raw: RawTable
    targets: bool
    state: PerfState = field(default_factory=PerfState)
    block: str | None = None
    roles: list[tuple[int, str]] = field(default_factory=list)
    label: str | None = None  # the label cell of the current block's header (`项目资金（万元）`)
    levels: dict = field(default_factory=dict)
    goal: GoalBlock = field(default_factory=GoalBlock)
    tasks: TaskBlock = field(default_factory=TaskBlock)
    amounts: LabelledAmounts = field(default_factory=LabelledAmounts)

    def read(self, rows: Rows) -> PerfState:
        self.state.page = self.raw.page_of_row(rows[0][0])
        for i, (r, tokens) in enumerate(rows):
            self.read_row(r, tokens, rows[i + 1:])
        self.finish()
        return self.state

    def read_row(self, r: int, tokens: list[Token], rest: Rows) -> None:
        kind = self.row_kind(tokens)
        if self.block in ("funds", "indicators") and kind is None:
            # the block's label, merged down its rows, is repeated in each of them: no value
            tokens = [t for t in tokens if t.text != self.label] or tokens
        if not self.open_block(kind, tokens, rest):
            self.read_body_row(r, tokens)

    def row_kind(self, tokens: list[Token]) -> str | None:
        """The block the row opens (`block_of`), or a goal row (`年度绩效目标 | a sentence`)."""
        kind = block_of(tokens) or ("goal" if is_goal_row(tokens) and self.block != "indicators" else None)
        if kind == "goal" and self.block == "indicators" and any(parse_number(t.text) is not None for t in tokens):
            return None  # an indicator row under a 二级 named like a goal label (`履职目标实现`): it has scores
        return kind

    def open_block(self, kind: str | None, tokens: list[Token], rest: Rows) -> bool:
        """Start the block a header row opens; False where the row opens none."""
        if kind == "funds_header":
            self.open_funds(tokens)
        elif kind == "indicator_header":
            self.open_indicators(tokens, rest)
        elif kind == "total" or (self.block == "indicators" and vocab.PERF_TOTAL_IN_INDICATORS.match(tokens[0].text)):
            self.state.total_score = total_score(tokens, rest)
            self.block = "total"
        elif kind in ("goal", "management", "tasks", "closing"):
            self.block = kind
            self.read_block_row(tokens)
        else:
            return False
        return True

    def open_funds(self, tokens: list[Token]) -> None:
        self.block, self.roles = "funds", header_roles(tokens, vocab.PERF_FUND_COLUMNS)
        self.label = tokens[0].text if not dict(self.roles).get(tokens[0].col) else None
        self.state.unit = self.state.unit or next((u for t in tokens if (u := unit_in(t.text))), None)

    def open_indicators(self, tokens: list[Token], rest: Rows) -> None:
        self.block, self.levels = "indicators", {}
        body = [[t for t in toks if not vocab.PERF_BLOCK_LABELS.match(t.text)] for _, toks in rest]
        self.roles = header_over_body(indicator_roles(tokens), body_rows(rest, body), self.state)
        self.label = tokens[0].text if not dict(self.roles).get(tokens[0].col) else None

    def read_body_row(self, r: int, tokens: list[Token]) -> None:
        """A row inside the current block: form fields, a target form's amounts, funds,
        indicators, or a goal / task / management row."""
        page = self.raw.page_of_row(r)
        if self.block != "indicators" and read_form_fields(tokens, self.state):
            self.block = None
        elif self.targets and self.block in (None, "amounts") and self.amounts.read_row(tokens, r, self.state):
            # only a target form prints its budget so; a self-evaluation's `基本支出总额 | 120.00`
            # may be what was spent
            self.block = "amounts"
        elif self.block == "funds":
            read_funds_row(tokens, self.roles, self.state, page)
        elif self.block == "indicators":
            read_indicator_row(tokens, self.roles, self.state, self.levels, page)
        else:
            self.read_block_row(tokens)

    def read_block_row(self, tokens: list[Token]) -> None:
        if self.block == "goal":
            self.goal.read_row(tokens)
        elif self.block == "tasks":
            self.tasks.read_row(tokens, self.state)
        elif self.block == "management":
            small = [n for t in tokens if (n := parse_number(t.text)) is not None and 0 <= n <= 100]
            self.state.other_scores += small[-1] if small else 0.0

    def finish(self) -> None:
        state = self.state
        state.funds = self.amounts.records(self.raw.page_of_row) + state.funds
        self.tasks.finish(state, self.raw.page)
        expected, actual = self.goal.goals(self.targets)
        state.fields.setdefault("goal_expected", expected)
        state.fields.setdefault("goal_actual", actual)
        drop_repeated_indicators(state)


def body_rows(rest: Rows, body: list[list[Token]]) -> list[list[Token]]:
    """The data rows that follow a header, up to the next header or block."""
    out = []
    for (_, tokens), row in zip(rest, body):
        if block_of(tokens) is not None:
            break
        out.append(row)
    return out


def total_score(tokens: list[Token], rest: Rows) -> float | None:
    """The form's total: the score after the full marks on its row (`总分 | 100 | 99.5`), the one
    figure printed (`自评得分 | 99.5`, `总分99.5分`), or the figures of the row under a label row."""
    numbers = [n for t in tokens[1:] if (n := parse_number(t.text)) is not None]
    if not numbers and (m := _NUMBER_IN_LABEL.search(tokens[0].text)):
        numbers = [float(m.group(1))]
    if not numbers and rest and all(parse_number(t.text) is not None for t in rest[0][1]):
        numbers = [n for t in rest[0][1] if (n := parse_number(t.text)) is not None]  # all are
    return numbers[1] if len(numbers) >= 2 else (numbers[0] if numbers else None)


def split_forms(rows: Rows) -> list[Rows]:
    """A table's rows, one list per form: a 项目名称 / 部门（单位）名称 row after a form's indicator
    header opens the next form."""
    forms: list[Rows] = [[]]
    indicators = False
    for r, tokens in rows:
        if starts_form(tokens) and indicators:
            forms.append([])
            indicators = False
        indicators = indicators or block_of(tokens) == "indicator_header"
        forms[-1].append((r, tokens))
    return forms


def realign_performance(raw: RawTable, spec: TableSpec, table_id: int
                        ) -> tuple[dict[str, list[dict]], list[Finding], list[str]]:
    scope = "department" if spec.key.startswith("department") else "project"
    targets = spec.form == "targets"
    records: dict[str, list[dict]] = {"perf_projects": [], "perf_funds": [], "perf_indicators": []}
    actions: list[str] = []
    for state in read_states(raw, targets) or [PerfState()]:
        for name, rows_out in form_records(state, raw, spec, table_id, scope, targets).items():
            records[name] += rows_out
        actions += state.actions
    names = [p["project_name"] for p in records["perf_projects"]]
    if len(names) != len(set(names)):
        for project in records["perf_projects"]:
            project["_other_scores"] = None  # the 总分 check sums a form's 得分 by its name: names must differ
    return records, [], actions


def read_states(raw: RawTable, targets: bool) -> list[PerfState]:
    """What the table's forms say, one state per form (or per project of a listing)."""
    rows = [(r, tokens) for r, row in enumerate(grid_with_row_spans(raw)) if (tokens := tokens_of(row))]
    at = listing_header(rows)
    if at is not None:
        states = read_listing(raw, rows, at)
        for state, line in ((s, line) for s in states for line in raw.context):
            caption_fields(line, state)  # `资金主管部门：某某局` above the list
        return states
    states = [FormReader(raw, targets).read(form) for form in split_forms(rows) if form]
    for state in states[:1]:
        detached_fields(raw, state)
    return states


def form_records(state: PerfState, raw: RawTable, spec: TableSpec, table_id: int, scope: str,
                 targets: bool) -> dict[str, list[dict]]:
    """The perf_* records of one form; a target form's results and scores are null."""
    unit = state.unit or raw.unit
    project = None if scope == "department" else state.fields.get("project_name")
    base = {"table_id": table_id, "scope": scope, "project_name": project}
    funds = [{**base, **{k: as_json_number(v) if k != "funding_source" else v for k, v in f.items() if k != "page"},
              "unit": unit} for f in state.funds]
    indicators = [{**base, **ind} for ind in state.indicators]
    if targets:
        for rec in funds + indicators:
            rec.update({k: None for k in ("actual", "score", "executed", "execution_rate") if k in rec})
    return {
        "perf_projects": [project_record(state, raw, spec, base, unit, targets)],
        "perf_funds": funds,
        "perf_indicators": indicators,
    }


def project_record(state: PerfState, raw: RawTable, spec: TableSpec, base: dict, unit: str | None,
                   targets: bool) -> dict:
    """The form's perf_projects record (a target form has no result: no goal_actual, no total)."""
    department = state.fields.get("department") if base["scope"] == "department" else None
    return {
        **base, "implementing_unit": state.fields.get("implementing_unit") or department,
        "competent_department": state.fields.get("competent_department"), "unit": unit,
        "goal_expected": state.fields.get("goal_expected"),
        "goal_actual": None if targets else state.fields.get("goal_actual"),
        "total_score": None if targets else as_json_number(state.total_score), "page": state.page or raw.page,
        "form": spec.form or None,
        "_other_scores": state.other_scores,  # internal: not a SPEC field, not stored
    }
