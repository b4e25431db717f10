"""Stitch: tables continued on the next page without a title become one table.

Entry point: `stitch_continued_tables(tables)`. A table is a continuation when it is the first
table of its page, the previous table is the last of the page before, both have the same
columns (same count, edges within a tolerance of the table width), and either no title stands
above it or it repeats the previous table's title over a repeated header (Shenzhen and Yantai
print `表1 收支总表` on every page of it) — unless the previous table already ended on its
totals row, or the title is a performance form's (each form is a table of its own). A performance
form continued on the next page is joined whatever its grid (`continues_form`)."""
from __future__ import annotations

import re

from pipeline import catalog
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
    hg = [[clean_text(t) for t in row] for row in head.grid()]
    tg = [[clean_text(t) for t in row] for row in tail.grid()]
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
    head.n_cols = max(head.n_cols, tail.n_cols)
    head.page_end = tail.page_end or tail.page
    head.continued += [(tail.page, tail.bbox), *tail.continued]  # the report shows each page's piece


def starts_with_body_row(table: RawTable) -> bool:
    """Its first row holds figures or a classification code: no header of its own."""
    first = table.grid()[0] if table.n_rows else []
    return any(is_figure(t) for t in first) or bool(first and _CODE.match(clean_text(first[0])))


def ends_with_totals(table: RawTable) -> bool:
    """Its last filled row is a grand total (`合计`, `收入总计 … 支出总计`): nothing follows."""
    rows = [row for row in table.grid() if any(clean_text(t) for t in row)]
    first = next((clean_text(t) for t in rows[-1] if clean_text(t)), "") if rows else ""
    return bool(catalog.TOTAL_LABEL.search(first)) and not first.startswith("本年")


def repeats_title(prev: RawTable, table: RawTable) -> bool:
    """The same title printed again over the rest of a table, its header repeated too."""
    if not (prev.title and table.title and clean_text(prev.title) == clean_text(table.title)):
        return False
    spec = catalog.match_title(table.title)
    return (spec is None or spec.kind != "performance") and drop_repeated_header(prev, table) > 0 \
        and not ends_with_totals(prev)


def is_form(table: RawTable) -> bool:
    spec = catalog.match_title(table.title or "")
    return spec is not None and spec.kind == "performance"


def starts_a_form(table: RawTable) -> bool:
    """Its first rows name a project or department (项目名称 | …), or a caption above it does
    (`单位名称：某某局`): a form of its own."""
    keys = [pattern for field, pattern in catalog.PERF_KEYS
            if field in ("project_name", "department", "competent_department")]
    in_rows = any(re.fullmatch(p, clean_text(t)) for row in table.grid()[:2] for t in row for p in keys)
    captions = [clean_text(line) for line in table.context]
    return in_rows or any(re.match(f"(?:{p})[:：].", line) for line in captions for p in keys)


_CONTINUED = re.compile(r"^[（(]?续表?\d*[)）]?$|[（(]续表?[)）]$")


def heads_a_continuation(prev: RawTable, table: RawTable) -> bool:
    """No heading, `续表`, or the form's own title printed again at the top of each page
    (Yantai's 政策和项目预算绩效目标表): nothing that names another table."""
    if not has_heading(table):
        return True
    title = clean_text(table.title)
    if _CONTINUED.search(title):
        return True
    spec, prev_spec = catalog.match_title(title), catalog.match_title(prev.title or "")
    return spec is not None and prev_spec is not None and spec.key == prev_spec.key


def continues_form(prev: RawTable, table: RawTable, first_on_page: bool) -> bool:
    """The rest of a performance form on the next page, ruled anew (other columns): forms are
    read as token rows, so the rows join whatever their grid. A page that opens with its own
    项目名称 / 部门（单位）名称 row is a new form, whatever its heading."""
    return (table.source != "text" and first_on_page and is_form(prev) and heads_a_continuation(prev, table)
            and (prev.page_end or prev.page) == table.page - 1 and not starts_a_form(table))


def onto_columns(head: RawTable, tail: RawTable) -> None:
    """A form continued on a page ruled anew: the tail's cells moved onto the head's columns
    by where they stand, so that a column keeps its meaning across the page break."""
    edges = head.col_edges
    if same_columns(head, tail) or len(edges) != head.n_cols + 1 or not all(c.bbox for c in tail.cells):
        return
    for c in tail.cells:
        box = c.bbox
        assert box is not None  # every tail cell has one (checked above)
        first = min(range(head.n_cols), key=lambda k: abs(edges[k] - box[0]))
        last = min(range(head.n_cols), key=lambda k: abs(edges[k + 1] - box[2]))
        c.col, c.col_span = first, max(1, last - first + 1)
    tail.n_cols, tail.col_edges = head.n_cols, list(edges)


def continues(prev: RawTable, table: RawTable, first_on_page: bool) -> bool:
    """Whether `table` is the rest of `prev`. In a PDF: the first table of the next page; in a
    text dump, where pages are gone: the next table, starting with a body row."""
    if continues_form(prev, table, first_on_page):
        return True
    if not same_columns(prev, table) or (has_heading(table) and not repeats_title(prev, table)):
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
            if continues_form(out[-1], table, first_on_page):
                onto_columns(out[-1], table)
            append_rows(out[-1], table)
            continue
        out.append(table)
    return out
