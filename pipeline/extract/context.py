"""The text around tables: titles, units, department and year."""
from __future__ import annotations

import re

from pipeline import catalog
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


_DEPARTMENT_KEY = re.compile(r"^(部门|单位)([(（](单位|部门)[)）])?名称[:：]?$")
# the cover's heading: `某某局2024年度部门决算`, `2026年某某局（本级）部门预算`, `某某局2022年部门综合预算`
_COVER = re.compile(r"^(?:(?P<y1>(?:19|20)\d{2})年度?)?(?P<name>.{2,40}?)(?:(?P<y2>(?:19|20)\d{2})年度?)?"
                    r"(?:部门|单位)(?:综合)?(?:预算|决算)")
# an organisation's name ends in what it is (局, 委员会, 办公厅 …), a scope note after it
_ORGANISATION = re.compile(r"(局|委员会|委|办公室|办公厅|厅|院|中心|所|站|队|部|会|馆|校|学院|大学|处|室|社|团|台|场|园|署|宫|办|单位)"
                           r"([（(][^)）]{1,24}[)）])?$")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")
_LEADING_JUNK = re.compile(r"^[^\u4e00-\u9fff（(]+")
_TRAILING_JUNK = re.compile(r"(金额|单位|部门)$")


def organisation(name: str | None) -> str | None:
    """`name` cleaned of what stuck to it (`.长春市信访局` → 长春市信访局, `…（汇总）金额` → `…（汇总）`)
    when it reads like an organisation's name, else None (`拟变动情况`, `万元`, `上海市`)."""
    if not name:
        return None
    name = _LEADING_JUNK.sub("", compact(name))
    stripped = _TRAILING_JUNK.sub("", name)
    if stripped != name and _ORGANISATION.search(stripped):
        name = stripped
    return name if 3 <= len(name) <= 40 and _ORGANISATION.search(name) and "万元" not in name else None


def compact(text: str) -> str:
    return "".join(text.split())


def department_in_cells(tables: list[RawTable]) -> str | None:
    """`部门名称 | 某某局` printed as a form row inside a table (绩效自评表)."""
    for table in tables:
        for row in table.grid()[:4]:
            texts = [compact(t) for t in row if t.strip()]
            for key, value in zip(texts, texts[1:]):
                if _DEPARTMENT_KEY.match(key) and (name := organisation(value)):
                    return name
    return None


def cover_identity(page_texts: list[PageText]) -> tuple[str | None, int | None]:
    """Department and year from the first page's heading, a line or the first lines joined."""
    lines = [compact(t) for _, t in page_texts[0].lines[:12]] if page_texts else []
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    for text in ["".join(lines[:2]), *lines[:8], "".join(lines[:3])]:
        m = _COVER.search(text)
        if m and (name := organisation(m.group("name"))):
            year = m.group("y1") or m.group("y2")
            return name, int(year) if year else None
    if lines and catalog.heading_kind(lines) and (name := organisation(lines[0])):
        return name, None  # the organisation's name on a line of its own above the heading
    return None, None


def document_identity(page_texts: list[PageText], tables: list[RawTable]) -> tuple[str | None, int | None]:
    """Department and year: the cover's heading (`某某局2024年度部门决算`), else a caption field
    (`部门名称：` / `预算单位：` / `编制部门：`) around the first pages and tables, else a form
    row; never a header fragment. The year likewise: the heading's, else the first one printed."""
    department, year = cover_identity(page_texts)
    lines = [text for pt in page_texts[:3] for _, text in pt.lines]
    lines += [line for t in tables for line in t.context]
    for line in lines:
        compacted = compact(line)
        if department is None:
            m = catalog.DEPARTMENT.search(compacted + " ")
            department = organisation(m.group(1)) if m else None
        if year is None and (y := catalog.YEAR.search(compacted)):
            year = int(y.group(1))
    return department or department_in_cells(tables), year
