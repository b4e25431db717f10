"""Whose disclosure a document is, and of which year: the department and year from the
cover's heading, a caption field or a form row — checked to read like an organisation's name.

Entry point: `document_identity(page_texts, tables)`."""
from __future__ import annotations

import re

from pipeline import catalog
from pipeline.catalog import compact
from pipeline.model import PageText, RawTable

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
