"""Realign: a raw table → canonical records (SPEC fiscal_facts).

Entry point: `realign_table(raw, spec, table_id)`. The steps follow the table's anatomy:
split header from body, read each column's header path, give each column a role (code part,
label, row number, amount), split twin tables into column groups, then read every body row.
"""
from __future__ import annotations

import re
from pipeline import catalog
from pipeline.catalog import TableSpec
from pipeline.model import Finding, RawTable
from pipeline.numbers import as_json_number, clean_text, is_figure, is_null_marker, parse_number
from pipeline.realign.header import Column, column_role, find_body_start, header_paths, realign_header_to_body
from pipeline.realign.naming import figures_under_code_header, repair_names
from pipeline.realign.rows import join_split_numbers, realign_row

_CODE_AND_LABEL = re.compile(r"^(\d{3,9})\s*(\D.*)$")

def column_groups(columns: list[Column]) -> list[list[Column]]:
    """Twin tables side by side: a new group starts where a code or label column follows an
    amount column (收入 | 支出; 人员经费 | 公用经费 in three groups)."""
    groups: list[list[Column]] = []
    prev = None
    for col in columns:
        if not groups or (col.role in ("code", "label") and prev == "value"):
            groups.append([])
        groups[-1].append(col)
        prev = col.role
    return groups


def name_columns(spec: TableSpec, columns: list[Column]) -> list[str]:
    """Canonical name and section of each column. Twin tables name their halves in the top
    header row; when a converter spread that row over other columns (`支出` printed right of
    its half), the section words, in order, go to the column groups, in order."""
    for col in columns:
        rest = [p for p in col.path if p not in spec.sections]
        hits = [p for p in col.path if p in spec.sections]
        col.section = hits[-1] if hits else None
        if col.role == "value":
            col.name = catalog.canonical_column(spec, "/".join(rest)) if rest else ""
    groups = [g for g in column_groups(columns) if any(c.role == "value" and c.name for c in g)]
    words = list(dict.fromkeys(p for c in columns for p in c.path if p in spec.sections))
    per_group = [{c.section for c in g if c.role == "value" and c.name} for g in groups]
    consistent = all(len(s) == 1 and None not in s for s in per_group) and len({next(iter(s)) for s in per_group}) == len(groups)
    if len(groups) < 2 or len(words) != len(groups) or consistent or not any(c.section for c in columns):
        return []
    for group, word in zip(groups, words):
        for col in group:
            col.section = word
    return [f"sections {'/'.join(words)} given to the {len(groups)} column groups in order"]


def row_code(cells: list[str], group: list[Column]) -> str | None:
    parts = [clean_text(cells[c.index]) for c in group if c.role == "code"]
    code = "".join(p for p in parts if p.isdigit())
    return code or None


def row_label(cells: list[str], group: list[Column]) -> str:
    """The row's name; a total row often prints 合计 in a cell merged over the code columns."""
    for role in ("label", "code"):
        for c in group:
            text = clean_text(cells[c.index])
            if c.role == role and text and not text.isdigit():
                return text
    return ""


def hand_down_merged_labels(grid: list[list[str]], names: list[list[str]], skip_rows: set[int]) -> list[str]:
    """`栏次 合计 | | 1 | 2` followed by an unnamed row: the 合计 goes down to that row."""
    actions = []
    for r in sorted(skip_rows):
        for c, text in enumerate(grid[r]):
            m = catalog.COLUMN_NUMBER_WITH_LABEL.match(clean_text(text))
            below = next((b for b in range(r + 1, len(grid)) if b not in skip_rows), None)
            if m and below is not None and not clean_text(grid[below][c]):
                grid[below][c] = names[below][c] = m.group(1)
                actions.append(f"{m.group(1)!r} merged into the 栏次 cell handed down to the row below")
    return actions


def realign_table(raw: RawTable, spec: TableSpec, table_id: int) -> tuple[list[dict], list[Finding], list[str]]:
    """fiscal_facts records (without document_id) for one stitched raw table."""
    grid = raw.grid()
    names = raw.grid(fill_spans=True)
    body_start, has_figures = find_body_start(grid)
    paths, skip_rows, actions = header_paths(raw, body_start)
    findings: list[Finding] = []
    if body_start < len(grid):
        # 类 / 款 / 项 often sit in the first body row, beside 合计 (the 决算 template does this)
        first = grid[body_start]
        for c, text in enumerate(first):
            if clean_text(text) in catalog.HEADER_WORDS:
                paths[c].append(clean_text(text))
                first[c] = ""
                actions.append(f"header word {clean_text(text)!r} moved from the first body row")
    actions += hand_down_merged_labels(grid, names, skip_rows)
    body = [grid[r] for r in range(body_start, len(grid)) if r not in skip_rows]
    columns = [Column(c, paths[c], column_role(paths[c], [row[c] for row in body])) for c in range(raw.n_cols)]
    if raw.source == "text":
        actions += realign_header_to_body(columns, body)
    actions += figures_under_code_header(columns, body)
    actions += name_columns(spec, columns)
    actions += repair_names(spec, columns, body)
    facts: list[dict] = []
    if spec.kind != "fiscal" or not has_figures:
        return facts, findings, actions
    for r in range(body_start, len(grid)):
        if r in skip_rows:
            continue
        cells = grid[r]
        if raw.source == "text":  # cells of a ruled grid (native or OCR) cannot slide; a dump's can
            cells, joined = join_split_numbers(cells)
            cells, action = realign_row(cells, columns, spec)
            for done in (joined, action):
                if done:
                    names[r] = cells
                    actions.append(done)
        groups = column_groups(columns)
        borrowed = borrow_twin_label(spec, names[r], groups)
        if borrowed:
            actions.append(borrowed)
        for group in groups:
            facts += _group_facts(spec, raw, table_id, r, cells, names[r], group, findings)
    return facts, findings, actions


def borrow_twin_label(spec: TableSpec, names: list[str], groups: list[list[Column]]) -> str | None:
    """A summary's 收入 half printed a figure without its name on a totals row: the name comes
    from the 支出 half of the same row (本年支出合计 → 本年收入合计, 年末 → 年初; 总计 stays)."""
    if len(groups) != 2 or spec.sections[:2] != ("收入", "支出"):
        return None
    left, right = groups
    left_labels = [c for c in left if c.role == "label"]
    right_label = row_label(names, right)
    has_figure = any(c.role == "value" and is_figure(names[c.index]) for c in left)
    if not left_labels or row_label(names, left) or not has_figure or not catalog.TWIN_TOTAL.search(right_label):
        return None
    label = right_label
    for spent, received in catalog.TWIN_WORDS:
        label = label.replace(spent, received)
    names[left_labels[0].index] = label
    return f"收入 row without a name takes {label!r} from its 支出 twin {right_label!r}"


def _group_facts(spec, raw, table_id, r, cells, names, group, findings) -> list[dict]:
    """Facts of one row within one column group. Names and codes are read with merged cells
    spread over the columns they cover (`公用经费合计` merged across two groups' name columns)."""
    code = row_code(names, group)
    label = row_label(names, group)
    if code is None and not any(c.role == "code" for c in group):
        m = _CODE_AND_LABEL.match(label)
        if m:  # code and name printed in one cell
            code, label = m.group(1), clean_text(m.group(2))
    label = catalog.strip_enumerator(label) if label else label
    out = []
    for col in group:
        if col.role != "value":
            continue
        text = cells[col.index]
        if not clean_text(text) or is_null_marker(text):
            continue
        value = parse_number(text)
        if value is None:
            findings.append(Finding("warning", "unparsed_number", f"text in an amount column: {clean_text(text)!r}",
                                    raw.page_of_row(r), table_id, label or None, col.name, None, clean_text(text)))
            continue
        section = (col.section or catalog.section_for_code(spec, code) or catalog.section_for_label(spec, label)
                   or spec.default_section)
        out.append({
            "table_id": table_id,
            "table_key": spec.key,
            "section": section,
            "row_label": label or None,
            "subject_code": code,
            "column": col.name or "",
            "value": as_json_number(value),
            "unit": raw.unit,
            "page": raw.page_of_row(r),
        })
    return out
