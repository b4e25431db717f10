"""The text around tables: their titles and units, and captions lifted out of their rows."""
from __future__ import annotations

import re

from pipeline import catalog
from pipeline.catalog import compact
from pipeline.model import PageText, RawTable

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
    """Leading rows that hold nothing but captions — a title, the unit, the department, a
    statement number, or nothing at all (an outer frame drawn around title and table, a
    spreadsheet's ruled title rows) — become context, not table rows."""
    lifted: list[str] = []
    while table.n_rows > 2:
        first = [c for c in table.cells if c.row == 0]
        if any(c.row_span > 1 for c in first) or not all(is_caption_text(c.text) for c in first):
            break
        lifted += [line for c in sorted(first, key=lambda c: c.col) for line in c.text.split("\n") if line.strip()]
        table.cells = [c for c in table.cells if c.row != 0]
        for c in table.cells:
            c.row -= 1
        table.n_rows -= 1
        table.row_pages = table.row_pages[1:]
        boxes = [c.bbox for c in first if c.bbox]
        if table.bbox and boxes:
            table.bbox = (table.bbox[0], max(b[3] for b in boxes), table.bbox[2], table.bbox[3])
    return lifted


def is_caption_text(text: str) -> bool:
    """Nothing, or what is printed around a table rather than in it."""
    lines = [compact(line) for line in text.split("\n") if line.strip()]
    return all(catalog.CAPTION.match(line) or catalog.UNIT.search(line) or _TITLE_LIKE.search(line)
               or catalog.match_title(line) for line in lines)


def read_title_and_unit(table: RawTable) -> None:
    """Title: the nearest context line naming a catalog table — joined with the line or two
    above it where the title was printed over several lines, and with a qualifier line under it
    (`（按支出经济分类科目）`) — else the nearest line that reads like a title (ends in 表), never a
    caption (unit, department, 公开02表) or a contents entry."""
    lines = [compact(line) for line in table.context if not _CONTENTS_ENTRY.search(line) and line.strip()]
    for line in reversed(lines):
        m = catalog.UNIT.search(line)
        if m:
            table.unit = m.group(1)
            break
    title = named_title(lines)
    if title is None:
        loose = [line for line in reversed(lines) if _TITLE_LIKE.search(line) and not catalog.STATEMENT_NO.fullmatch(line)]
        title = loose[0] if loose else None
    if title:
        table.title = catalog.UNIT.sub("", title) or None
    if table.unit is None:
        table.unit = first_unit_in_rows(table)


_QUALIFIER = re.compile(r"^[（(][^)）]{2,40}[)）]$")


def named_title(lines: list[str]) -> str | None:
    """The nearest title a catalog entry recognises, over one to three lines, with its qualifier."""
    for j in reversed(range(len(lines))):
        best: tuple[int, str] | None = None
        for k in range(3):
            part = lines[max(0, j - k): j + 1]
            if k > j or any(catalog.CAPTION.match(line) or _QUALIFIER.match(line) for line in part):
                break
            found = catalog.title_candidates("".join(part))
            if found and (best is None or found[0][0] > best[0]):
                best = (found[0][0], "".join(part))
        if best:
            after = lines[j + 1] if j + 1 < len(lines) else ""
            return best[1] + (after if _QUALIFIER.match(after) else "")
    return None


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
