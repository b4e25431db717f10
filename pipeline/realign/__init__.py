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
from pipeline.numbers import clean_text, is_figure
from pipeline.realign.facts import annotate_facts, read_code, row_facts, row_label
from pipeline.realign.header import Column, column_role, find_body_start, header_paths, realign_header_to_body
from pipeline.realign.naming import figures_under_code_header, repair_names
from pipeline.realign.rows import join_split_numbers, realign_row

# a year in a figure's header: `2026年预算数` (the budget's year), `2025年预算数` (the year before),
# or a block of columns headed by the year alone (`2021年` | `2022年` | `增减变化情况`)
_BUDGET_YEAR = re.compile(r"((?:19|20)\d{2})年度?(?=.*(?:预算|决算|执行|数))|^((?:19|20)\d{2})年度?$")


def years_in(cell: str) -> list[int]:
    return [int(a or b) for a, b in _BUDGET_YEAR.findall(cell)]


# the same said in words: a block of `上年` (last year's) columns beside `当年` / `本年`
_PRIOR_YEAR = re.compile(r"^上年(预算数?|数|决算数?)?$")
_THIS_YEAR = re.compile(r"^(当年|本年)(预算数?|数)?$")


def name_by_year(spec: TableSpec, path: list[str], latest: int | None) -> str:
    """The canonical name of a column whose header carries the table's latest year (`2026年预算数`
    is 预算数, so is `当年/预算数`); a column of an earlier year keeps its published header
    (`2025年预算数`, `上年/合计`)."""
    years = [y for p in path for y in years_in(p)]
    if latest is not None and any(y < latest for y in years) or any(_PRIOR_YEAR.match(p) for p in path[:-1]):
        return "/".join(path)
    path = [p for p in path if not _THIS_YEAR.match(p)] or path
    return catalog.canonical_column(spec, "/".join(_BUDGET_YEAR.sub("", p) or p for p in path))


def item_subtotal(path: list[str], columns: list[Column]) -> list[str] | None:
    """`X/小计` beside `X/其中：…` columns only is X's own figure, not the table's total (深圳:
    `2026年政府采购项目/小计` next to `其中：…预留给中小企业…`): its path is X's."""
    if len(path) < 2 or path[-1] not in ("小计", "合计"):
        return None
    parent = path[:-1]
    siblings = [c.path[len(parent)] for c in columns if c.path[:len(parent)] == parent and len(c.path) > len(parent)
                and c.path[len(parent)] != path[-1]]
    return parent if siblings and all(catalog.OF_WHICH.match(s) for s in siblings) else None


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
    latest = max((y for c in columns for p in c.path for y in years_in(p)), default=None)
    for col in columns:
        name_column(spec, col, columns, latest)
    return sections_by_group(spec, columns)


def name_column(spec: TableSpec, col: Column, columns: list[Column], latest: int | None) -> None:
    """A column's section (the last section word in its header path) and, for an amount
    column, its canonical name from the rest of the path."""
    rest = [p for p in col.path if catalog.section_of(spec, p) is None]
    hits = [section for p in col.path if (section := catalog.section_of(spec, p))]
    col.section = hits[-1] if hits else None
    if col.role == "value":
        col.name = name_by_year(spec, item_subtotal(rest, columns) or rest, latest) if rest else ""


def sections_by_group(spec: TableSpec, columns: list[Column]) -> list[str]:
    """The section words, in order, given to the named column groups, in order, where the
    groups' sections as read are not one distinct section each."""
    groups = [g for g in column_groups(columns) if any(c.role == "value" and c.name for c in g)]
    words = list(dict.fromkeys(section for c in columns for p in c.path if (section := catalog.section_of(spec, p))))
    if len(groups) < 2 or len(words) != len(groups) or one_section_each(groups) or not any(c.section for c in columns):
        return []
    for group, word in zip(groups, words):
        for col in group:
            col.section = word
    return [f"sections {'/'.join(words)} given to the {len(groups)} column groups in order"]


def one_section_each(groups: list[list[Column]]) -> bool:
    """Every group's named amount columns lie in one section, a different one for each group."""
    per_group = [{c.section for c in g if c.role == "value" and c.name} for g in groups]
    if not all(len(s) == 1 and None not in s for s in per_group):
        return False
    return len({next(iter(s)) for s in per_group}) == len(groups)


def keep_one_canonical_name(columns: list[Column]) -> list[str]:
    """Two columns of one section named alike in a ruled table are two columns, not a header a
    converter repeated: the one whose header is shortest keeps the canonical name (`支出总计` over
    `2026年政府采购项目/小计`), the others their published header."""
    actions = []
    by_name: dict[tuple, list[Column]] = {}
    for g, group in enumerate(column_groups(columns)):  # twin halves name their columns alike
        for col in group:
            if col.role == "value" and col.name:
                by_name.setdefault((g, col.section, col.name), []).append(col)
    for (_, _, name), cols in by_name.items():
        if len(cols) > 1:
            keep = min(cols, key=lambda c: (len(c.path), c.index))
            for col in cols:
                if col is not keep:
                    col.name = "/".join(p for p in col.path if p != col.section)
                    actions.append(f"column {col.index + 1} named {col.name!r}: {name!r} is column {keep.index + 1}'s")
    return actions


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
    actions += header_words_in_body(grid, paths, body_start)
    actions += hand_down_merged_labels(grid, names, skip_rows)
    body = [grid[r] for r in range(body_start, len(grid)) if r not in skip_rows]
    columns = [Column(c, paths[c], column_role(paths[c], [row[c] for row in body], raw.source != "text"))
               for c in range(raw.n_cols)]
    if raw.source == "text":
        actions += realign_header_to_body(columns, body)
    actions += figures_under_code_header(columns, body)
    actions += name_columns(spec, columns)
    if raw.source != "text":
        actions += keep_one_canonical_name(columns)
    actions += repair_names(spec, columns, body)
    facts: list[dict] = []
    if spec.kind != "fiscal" or not has_figures:
        return facts, findings, actions
    codes_above: dict[int, list[str]] = {}  # per column group: the code parts of the row above
    for r in range(body_start, len(grid)):
        if r in skip_rows:
            continue
        cells = grid[r]
        if raw.source == "text":  # cells of a ruled grid (native or OCR) cannot slide; a dump's can
            cells = slide_text_row(cells, columns, spec, names, r, actions)
        groups = column_groups(columns)
        borrowed = borrow_twin_label(spec, names[r], groups)
        if borrowed:
            actions.append(borrowed)
        for g, group in enumerate(groups):
            code, codes_above[g] = read_code(names[r], group, codes_above.get(g, []))
            facts += row_facts(spec, raw, table_id, r, cells, names[r], group, code, findings)
    annotate_facts(facts)
    return facts, findings, actions


def header_words_in_body(grid: list[list[str]], paths: list[list[str]], body_start: int) -> list[str]:
    """类 / 款 / 项 often sit in the first body row, beside 合计 (the 决算 template does this):
    they go to their columns' header paths."""
    actions: list[str] = []
    if body_start >= len(grid):
        return actions
    first = grid[body_start]
    for c, text in enumerate(first):
        if clean_text(text) in catalog.HEADER_WORDS:
            paths[c].append(clean_text(text))
            first[c] = ""
            actions.append(f"header word {clean_text(text)!r} moved from the first body row")
    return actions


def slide_text_row(cells: list[str], columns: list[Column], spec: TableSpec, names: list[list[str]], r: int,
                   actions: list[str]) -> list[str]:
    """A text dump's row with its split numbers joined and its cells slid under their columns;
    where either changed the row, its names are the new cells."""
    cells, joined = join_split_numbers(cells)
    cells, action = realign_row(cells, columns, spec)
    for done in (joined, action):
        if done:
            names[r] = cells
            actions.append(done)
    return cells


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
