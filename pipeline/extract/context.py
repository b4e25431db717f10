"""The text around tables: titles, units, department and year."""
from __future__ import annotations

import re

from pipeline import catalog
from pipeline.model import PageText, RawTable

# the cover: `某某区财政局` + `2024年度部门决算`, possibly over several lines
_COVER = re.compile(r"(?:第[一二三四五六七八九十]+部分)?(.{2,40}?)(?:（汇总）|\(汇总\))?((?:19|20)\d{2})年度?部门(?:决算|预算)")
_CONTENTS_ENTRY = re.compile(r"(\.{3,}|…{2,}|·{3,})\s*\d*\s*$")
_TITLE_LIKE = re.compile(r"表(\s*[（(].{0,12}[)）])?$")


def attach_context(tables: list[RawTable], page_texts: list[PageText]) -> None:
    """Give each table the free text lines between the table above it (or the page top) and
    its own top, and read its title and unit from them."""
    by_page = {pt.page: pt.lines for pt in page_texts}
    prev_bottom: dict[int, float] = {}
    for table in sorted(tables, key=lambda t: (t.page, t.bbox[1] if t.bbox else 0)):
        lines = by_page.get(table.page, [])
        top = table.bbox[1] if table.bbox else float("inf")
        lo = prev_bottom.get(table.page, float("-inf"))
        table.context = [text for y, text in lines if lo <= y < top] + lift_caption_rows(table)
        if table.bbox:
            prev_bottom[table.page] = table.bbox[3]
        read_title_and_unit(table)


def lift_caption_rows(table: RawTable) -> list[str]:
    """Leading rows that are one cell across the whole width hold a caption (title, unit, or
    an outer frame drawn around title and table): they become context, not table rows."""
    lifted: list[str] = []
    while table.n_rows > 2:
        first = [c for c in table.cells if c.row == 0]
        if len(first) != 1 or first[0].col_span != table.n_cols or first[0].row_span != 1:
            break
        lifted += [line for line in first[0].text.split("\n") if line.strip()]
        table.cells = [c for c in table.cells if c.row != 0]
        for c in table.cells:
            c.row -= 1
        table.n_rows -= 1
        table.row_pages = table.row_pages[1:]
        if table.bbox and first[0].bbox:
            table.bbox = (table.bbox[0], first[0].bbox[3], table.bbox[2], table.bbox[3])
    return lifted


def read_title_and_unit(table: RawTable) -> None:
    """Title: the nearest context line naming a catalog table, else the nearest line that
    reads like a title (ends in 表), never a statement number (公开02表) or a contents entry."""
    lines = [line for line in reversed(table.context) if not _CONTENTS_ENTRY.search(line)]
    for line in lines:
        m = catalog.UNIT.search("".join(line.split()))
        if m:
            table.unit = m.group(1)
            break
    titled = [line for line in lines if catalog.match_title(line)]
    loose = [line for line in lines if _TITLE_LIKE.search(line.strip()) and not catalog.STATEMENT_NO.fullmatch("".join(line.split()))]
    pick = (titled or loose or [None])[0]
    if pick:
        table.title = catalog.UNIT.sub("", "".join(pick.split())) or None
    if table.unit is None:
        table.unit = first_unit_in_rows(table)


def first_unit_in_rows(table: RawTable) -> str | None:
    """A unit printed inside the table's own cells (`资金情况（万元）`, `项目资金(元)`)."""
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        compact = "".join(cell.text.split())
        m = catalog.UNIT.search(compact) or catalog.UNIT_IN_HEADER.search(compact)
        if m:
            return m.group(1)
    return None


def has_heading(table: RawTable) -> bool:
    """Whether text above the table names it (a continuation page carries none)."""
    return table.title is not None


_DEPARTMENT_KEY = re.compile(r"^(部门|单位)([(（](单位|部门)[)）])?名称[:：]?$")


def department_in_cells(tables: list[RawTable]) -> str | None:
    """`部门名称 | 某某局` printed as a form row inside a table (绩效自评表)."""
    for table in tables:
        for row in table.grid()[:4]:
            texts = ["".join(t.split()) for t in row if t.strip()]
            for key, value in zip(texts, texts[1:]):
                if _DEPARTMENT_KEY.match(key) and len(value) >= 5:  # a name, not a header word
                    return value
    return None


def document_identity(page_texts: list[PageText], tables: list[RawTable]) -> tuple[str | None, int | None]:
    """Department and year: a `部门名称：` line where there is one, else the cover title
    (`某某区财政局2024年度部门决算` → department before the year)."""
    lines = [text for pt in page_texts[:3] for _, text in pt.lines]
    lines += [line for t in tables for line in t.context]
    department = year = None
    for line in lines:
        compact = "".join(line.split())
        m = catalog.DEPARTMENT.search(compact + " ")
        if m and department is None:
            department = m.group(1)
        if year is None:
            y = catalog.YEAR.search(compact)
            if y:
                year = int(y.group(1))
    cover = "".join("".join(text.split()) for _, text in page_texts[0].lines[:8]) if page_texts else ""
    m = _COVER.search(cover)
    if m:
        department = department or m.group(1)
        year = year or int(m.group(2))
    department = department or department_in_cells(tables)
    return department, year
