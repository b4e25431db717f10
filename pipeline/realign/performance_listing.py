"""A 绩效目标表 printed as one list of projects: `序号 | 项目名称 | 预算金额 | 绩效目标 | 指标名称 |
指标性质 | 指标值 | 计量单位 | 指标权重`, a project's cells merged over its indicator rows.

Each row whose 项目名称 cell starts there (the cell's own row, not a merged cell's later rows)
opens a project; its amount columns are its funding rows, its goal column its goal, and the
indicator columns of every row up to the next project its indicators."""
from __future__ import annotations

from pipeline.catalog import performance as vocab
from pipeline.model import RawTable
from pipeline.numbers import parse_number
from pipeline.realign.align import Token
from pipeline.realign.performance_form import PerfState, compact, header_roles, is_indicator_header, match_role, unit_in
from pipeline.realign.performance_funds import fund_record
from pipeline.realign.performance_indicators import indicator_roles, read_indicator_row

LEVELS = ("level1", "level2", "indicator")


def listing_header(rows: list[tuple[int, list[Token]]]) -> int | None:
    """The index of a header row naming both a 项目名称 column and the indicator columns."""
    for i, (_, tokens) in enumerate(rows[:3]):
        listing = header_roles(tokens, vocab.PERF_LISTING_COLUMNS)
        if any(role == "project_name" for _, role in listing) and is_indicator_header([t.text for t in tokens]):
            return i
    return None


def read_listing(raw: RawTable, rows: list[tuple[int, list[Token]]], at: int) -> list[PerfState]:
    """One state per project of the list whose header is `rows[at]`."""
    header = rows[at][1]
    first = min(t.col for t in header if match_role(vocab.PERF_INDICATOR_COLUMNS, t.text) in LEVELS)
    roles = indicator_roles([t for t in header if t.col >= first])
    columns = [(c, role, t.text) for t in header if t.col < first
               for c, role in header_roles([t], vocab.PERF_LISTING_COLUMNS)]
    anchors = raw.grid()
    states: list[PerfState] = []
    levels: dict = {}
    for r, tokens in rows[at + 1:]:
        own = {c: compact(anchors[r][c]) for c, _, _ in columns}
        if any(role == "project_name" and own[c] for c, role, _ in columns):
            states.append(project_of(own, columns, raw.page_of_row(r), raw.unit))
            levels = {}
        if states:
            read_indicator_row([t for t in tokens if t.col >= first], roles, states[-1], levels, raw.page_of_row(r))
    return states


def project_of(cells: dict[int, str], columns: list[tuple[int, str, str]], page: int, unit: str | None) -> PerfState:
    """A project's fields and funding rows from the cells of the row that opens it."""
    state = PerfState(unit=unit, page=page)
    for col, role, header in columns:
        text = cells.get(col) or None
        if role == "amount":
            state.unit = state.unit or unit_in(header)
            state.funds.append(fund_record(header, page, budget_full_year=parse_number(text)))
        elif text:
            state.fields.setdefault(role, text)
    return state
