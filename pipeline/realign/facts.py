"""Body rows of a fiscal table → fiscal_facts records (SPEC, and its v2 fields).

Entry points: `read_code` (a row's full classification code), `row_facts` (one row within one
column group), `annotate_facts` (row_index order, `is_total`, `parent_code`, `value_yuan` once
the whole table is read)."""
from __future__ import annotations

import re

from pipeline import catalog
from pipeline.catalog import TableSpec, subjects
from pipeline.model import Finding, RawTable
from pipeline.numbers import as_json_number, clean_text, is_null_marker, parse_number
from pipeline.realign.header import Column

# a classification code printed before its name in one cell (`2010301行政运行`); not a year
# (`2026年度…`, `2025年`) nor a serial number, and only a code the classification has
_CODE_AND_LABEL = re.compile(r"^(\d{3}|\d{5}|\d{7})(?![\d年])\s*([^\d、.，,].*)$")
# enumerator depth: 一、 > （一） > 1. / 1、 > （1）
_ENUMERATOR_LEVELS = (
    re.compile(r"^[一二三四五六七八九十百]+[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十百]+[)）]"),
    re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))"),
    re.compile(r"^[（(]\d{1,2}[)）]"),
)
YUAN_PER = {"元": 1, "万元": 10_000}
STRAY_TEXT = 3  # characters: a header's wrapped last glyphs printed into the first body cell


def enumerator_level(label: str) -> int | None:
    return next((depth for depth, pattern in enumerate(_ENUMERATOR_LEVELS) if pattern.match(label)), None)


def code_columns(group: list[Column]) -> list[Column]:
    """The code columns of the group's first classification: its first run of adjacent code
    columns (a table may print a second classification, 政府预算经济分类 beside 部门预算经济分类,
    or a 部门预算 and a 政府预算 economic code side by side)."""
    run: list[Column] = []
    for col in group:
        if col.role == "code" and (not run or col.index == run[-1].index + 1):
            run.append(col)
        elif run:
            break
    return run


def read_code(cells: list[str], group: list[Column], above: list[str]) -> tuple[str | None, list[str]]:
    """The row's full classification code, and the code parts the next row continues from.
    Codes split over 类/款/项 columns are joined; a row printing only its 款 or 项 part
    (`| 08 |`, `| | 03`) continues the code of the row above."""
    cols = code_columns(group)
    parts = [text if (text := clean_text(cells[c.index])).isdigit() else "" for c in cols]
    first = next((i for i, p in enumerate(parts) if p), None)
    if first is None:
        return None, above
    if first > 0 and len(above) == len(parts) and all(above[:first]):
        parts[:first] = above[:first]
    return "".join(parts), parts


def row_label(cells: list[str], group: list[Column]) -> str:
    """The row's name; a total row often prints 合计 in a cell merged over the code columns. A
    table without a name column (`预算单位 | 年度 | 合计 …`) is named by its last column of words."""
    for role in ("label", "code"):
        for c in group:
            text = clean_text(cells[c.index])
            if c.role == role and text and not text.isdigit():
                return text
    words = [clean_text(cells[c.index]) for c in group if c.role == "text" and clean_text(cells[c.index])]
    return words[-1] if words else ""


def amount_in(text: str) -> tuple[float | None, str | None]:
    """A cell's amount, and the stray text dropped to read it: a header's wrapped last glyph
    printed above the figure (`入` + `0.00` under `对附属单位上缴收`) is not part of it."""
    value = parse_number(text)
    if value is not None:
        return value, None
    lines = [clean_text(line) for line in text.split("\n") if clean_text(line)]
    numbers = [n for line in lines if (n := parse_number(line)) is not None]
    stray = [line for line in lines if parse_number(line) is None]
    if len(numbers) == 1 and stray and all(len(t) <= STRAY_TEXT and not re.search(r"\d", t) for t in stray):
        return numbers[0], "".join(stray)
    return None, None


def row_facts(spec: TableSpec, raw: RawTable, table_id: int, r: int, cells: list[str], names: list[str],
              group: list[Column], code: str | None, findings: list[Finding]) -> list[dict]:
    """Facts of one row within one column group. Names and codes are read with merged cells
    spread over the columns they cover (`公用经费合计` merged across two groups' name columns)."""
    label = row_label(names, group)
    if code is None and not any(c.role == "code" for c in group):
        m = _CODE_AND_LABEL.match(label)
        if m and subjects.is_known(m.group(1)):  # code and name in one cell (`95128助老服务热线` is a name)
            code, label = m.group(1), clean_text(m.group(2))
    level = enumerator_level(label) if label else None
    label = catalog.strip_enumerator(label) if label else label
    repaired = repair_ocr_label(spec, raw, table_id, r, label, code) if raw.source == "ocr" and label else None
    if repaired:
        label = repaired.row_label or ""  # the corrected name
    out = []
    for col in group:
        if col.role != "value":
            continue
        text = cells[col.index]
        if not clean_text(text) or is_null_marker(text):
            continue
        value, stray = amount_in(text)
        if value is None:
            findings.append(Finding("warning", "unparsed_number", f"text in an amount column: {clean_text(text)!r}",
                                    raw.page_of_row(r), table_id, label or None, col.name, None, clean_text(text)))
            continue
        if stray:
            findings.append(Finding("info", "realign", f"stray text {stray!r} above the amount {value:g} dropped",
                                    raw.page_of_row(r), table_id, label or None, col.name))
        section = (col.section or catalog.section_for_code(spec, code) or catalog.section_for_label(spec, label)
                   or spec.default_section)
        out.append({
            "table_id": table_id, "table_key": spec.key, "section": section, "row_label": label or None,
            "subject_code": code, "column": col.name or "", "value": as_json_number(value), "unit": raw.unit,
            "page": raw.page_of_row(r), "row_index": r, "column_index": col.index, "_level": level,
        })
    if repaired and out:
        findings.append(repaired)
    return out


def repair_ocr_label(spec: TableSpec, raw: RawTable, table_id: int, r: int, label: str,
                     code: str | None) -> Finding | None:
    """An OCR-read label a few edits from the name its code (or, without a code, its table's row
    vocabulary) gives is that name (`、一般公共预算财政拨款收入`, `·般公共服务支出`): replaced, and
    the repair logged with the label as read and as corrected (`catalog.subjects`). Native and
    text labels are never touched (the caller reads OCR tables only). Returns the repair's finding
    (its `row_label` the corrected label, `expected` / `actual` the label as corrected / as read),
    or None."""
    fixed = subjects.repair_ocr_label(label, code, spec.key)
    if fixed is None or fixed == label:
        return None
    towards = f"the name of subject {code}" if code else f"a row name of {spec.key}"
    return Finding("info", "realign", f"OCR label {label!r} corrected to {fixed!r} ({towards})",
                   raw.page_of_row(r), table_id, fixed, None, fixed, label)


def broken_down_rows(facts: list[dict]) -> set[tuple[str, int]]:
    """(section, row_index) of rows whose next rows break them down by items named earlier in
    the section: `年初财政拨款结转和结余` followed by `一般公共预算财政拨款`, `政府性基金预算财政拨款`
    (the 一、/二、 items above it), which sum to it. Only rows that the parts add up to count:
    a label met again is no proof of a breakdown on its own."""
    cells: dict[tuple[str, int], dict[int, float]] = {}  # by column_index: two groups may share a name
    labels: dict[tuple[str, int], str] = {}
    for f in facts:
        key = (f["section"] or "", f["row_index"])
        labels[key] = f["row_label"] or ""
        if f["value"] is not None:
            cells.setdefault(key, {})[f["column_index"]] = f["value"]
    order = sorted(labels)
    found = set()
    named_before: set[str] = set()
    for i, key in enumerate(order):
        if i and order[i - 1][0] != key[0]:
            named_before = set()
        elif i:
            named_before.add(labels[order[i - 1]])
        parts = []
        for nxt in order[i + 1:]:
            if nxt[0] != key[0] or labels[nxt] not in named_before or catalog.TOTAL_LABEL.search(labels[nxt]):
                break
            parts.append(cells.get(nxt, {}))
        own = {c: v for c, v in cells.get(key, {}).items() if v}
        if parts and own and all(abs(sum(p.get(c) or 0 for p in parts) - v) <= 0.005 * len(parts) for c, v in own.items()):
            found.add(key)
    return found


def annotate_facts(facts: list[dict]) -> None:
    """SPEC v2 fields over a whole table: `parent_code` (`2010350` → `20103`), `is_total` (a
    合计 / 总计 / 小计 row, a class row whose 款 / 项 rows also appear, a `一、` row whose `1.`
    rows follow: summing the others counts nothing twice) and `value_yuan`."""
    parents = {(f["section"], f["subject_code"][:n]) for f in facts if f["subject_code"]
               for n in range(3, len(f["subject_code"]), 2)}
    rows = sorted({(f["section"] or "", f["row_index"], -1 if f["_level"] is None else f["_level"]) for f in facts})
    headed = {(s, r) for (s, r, lvl), (s2, _, nxt) in zip(rows, rows[1:])
              if s == s2 and lvl >= 0 and nxt > lvl} | broken_down_rows(facts)
    for f in facts:
        code = f["subject_code"]
        f["parent_code"] = code[:-2] if code and len(code) > 3 else None
        f["is_total"] = bool(catalog.TOTAL_LABEL.search(f["row_label"] or "")) or (f["section"], code) in parents \
            or (f["section"] or "", f["row_index"]) in headed
        per = YUAN_PER.get(f["unit"] or "")
        f["value_yuan"] = as_json_number(round(f["value"] * per, 2)) if per and f["value"] is not None else None
        del f["_level"]
