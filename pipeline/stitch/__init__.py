"""Stitch: tables continued on the next page without a title become one table.

Entry point: `stitch_continued_tables(tables)`. A table is a continuation when it is the first
table of its page, no title stands above it, the previous table is the last of the page before,
and both have the same columns (same count, edges within a tolerance of the table width)."""
from __future__ import annotations

import re

from pipeline.extract.context import has_heading
from pipeline.model import Cell, RawTable
from pipeline.numbers import clean_text, is_figure

_CODE = re.compile(r"^\d{3,7}$")

EDGE_TOLERANCE = 0.03  # share of the table width


def same_columns(a: RawTable, b: RawTable) -> bool:
    if a.n_cols != b.n_cols:
        return False
    if len(a.col_edges) == len(b.col_edges) == a.n_cols + 1:
        width = max(a.col_edges[-1] - a.col_edges[0], 1.0)
        wa = [x - a.col_edges[0] for x in a.col_edges]
        wb = [x - b.col_edges[0] for x in b.col_edges]
        return max(abs(x - y) for x, y in zip(wa, wb)) <= EDGE_TOLERANCE * width
    return True


def drop_repeated_header(head: RawTable, tail: RawTable) -> int:
    """Rows at the top of `tail` that repeat `head`'s first rows (a header printed again)."""
    hg, tg = head.grid(), tail.grid()
    n = 0
    while n < min(len(hg), len(tg)) and tg[n] == hg[n] and any(tg[n]):
        n += 1
    return n


def append_rows(head: RawTable, tail: RawTable) -> None:
    skip = drop_repeated_header(head, tail)
    offset = head.n_rows - skip
    for cell in tail.cells:
        if cell.row >= skip:
            head.cells.append(Cell(cell.row + offset, cell.col, cell.text, cell.bbox, cell.row_span,
                                   cell.col_span, cell.confidence, cell.page))
    head.row_pages = (head.row_pages or [head.page] * head.n_rows) + (tail.row_pages or [tail.page] * tail.n_rows)[skip:]
    head.n_rows += tail.n_rows - skip
    head.page_end = tail.page_end or tail.page


def starts_with_body_row(table: RawTable) -> bool:
    """Its first row holds figures or a classification code: no header of its own."""
    first = table.grid()[0] if table.n_rows else []
    return any(is_figure(t) for t in first) or bool(first and _CODE.match(clean_text(first[0])))


def continues(prev: RawTable, table: RawTable, first_on_page: bool) -> bool:
    """Whether `table` is the rest of `prev`. In a PDF: the first table of the next page; in a
    text dump, where pages are gone: the next table, starting with a body row."""
    if has_heading(table) or not same_columns(prev, table):
        return False
    if table.source == "text":
        return starts_with_body_row(table)
    return first_on_page and (prev.page_end or prev.page) == table.page - 1


def stitch_continued_tables(tables: list[RawTable]) -> list[RawTable]:
    """`tables` in document order; a continuation is appended to the table before it."""
    out: list[RawTable] = []
    for i, table in enumerate(tables):
        first_on_page = i == 0 or tables[i - 1].page != table.page
        if out and continues(out[-1], table, first_on_page):
            append_rows(out[-1], table)
            continue
        out.append(table)
    return out
