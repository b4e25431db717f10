"""Header reading: where the body starts, each column's header path, each column's role.

Text dumps lose merged cells and shift header rows against the body; the repairs here infer
the spans a header cell had and move header names back over the columns their figures are in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import catalog
from pipeline.model import RawTable
from pipeline.numbers import clean_text, is_figure, is_null_marker, parse_number

_INT = re.compile(r"^\d{1,3}$")
_CODE = re.compile(r"^\d{3,}$")


@dataclass
class Column:
    index: int
    path: list[str]
    role: str  # code | label | rowno | value
    section: str | None = None
    name: str | None = None


def is_column_number_row(cells: list[str]) -> bool:
    """A `栏次` row: labelled so, or nothing but the running numbers 1, 2, 3 … (after the
    header words 类 / 款 / 项 that some converters print in front of them)."""
    texts = [clean_text(t) for t in cells if clean_text(t)]
    if not texts:
        return False
    if any(catalog.COLUMN_NUMBER_ROW.match(t) for t in texts):
        return True
    while texts and texts[0] in catalog.HEADER_WORDS:
        texts = texts[1:]
    if len(texts) >= 3 and all(_INT.match(t) for t in texts):
        nums = [int(t) for t in texts]
        return nums == list(range(nums[0], nums[0] + len(nums)))
    return False


def is_total_row(row: list[str]) -> bool:
    """`合计 | | 1,234.00 …`: a total label and nothing but figures or blanks beside it (a 三公
    header row also starts with 合计, but names columns after it)."""
    texts = [clean_text(t) for t in row if clean_text(t)]
    return bool(texts) and texts[0] in catalog.TOTAL_LABELS and all(
        parse_number(t) is not None or is_null_marker(t) for t in texts[1:])


def find_body_start(grid: list[list[str]]) -> tuple[int, bool]:
    """First row holding a figure (outside 栏次 rows), and whether the table has figures at all.
    A table without (a template, a fund the department does not have) starts its body at the
    first enumerated, coded or total row, and yields no facts."""
    for r, row in enumerate(grid):
        if is_column_number_row(row):
            continue
        if any(is_figure(t) for t in row) or is_total_row(row):
            return r, any(is_figure(t) for g in grid[r:] for t in g)
    for r, row in enumerate(grid):
        first = next((clean_text(t) for t in row if clean_text(t)), "")
        if _CODE.match(first) or first in catalog.TOTAL_LABELS or catalog.ENUMERATOR.match(first):
            return r, False
    return len(grid), False


def infer_header_spans(grid: list[list[str]], header_rows: list[int]) -> list[str]:
    """A text dump prints a merged header cell once and leaves the cells it covered blank
    (`收入 | | | 支出 | |`). A header cell spans right over blank cells that have header text
    below them (its sub-columns); the last header row spans nothing. Returns the actions."""
    actions = []
    for k, r in enumerate(header_rows[:-1]):
        below = header_rows[k + 1:]
        row = grid[r]
        for c in range(1, len(row)):
            if clean_text(row[c]) or not clean_text(row[c - 1]):
                continue
            if any(clean_text(grid[b][c]) for b in below):
                row[c] = row[c - 1]
                actions.append(f"header cell {clean_text(row[c])!r} spans column {c + 1}")
    return actions


def header_paths(raw: RawTable, body_start: int) -> tuple[list[list[str]], set[int], list[str]]:
    """Each column's header cells top to bottom, the column-number rows to skip, and the
    header repairs made (spans inferred for text dumps)."""
    filled = raw.grid(fill_spans=True)
    paths: list[list[str]] = [[] for _ in range(raw.n_cols)]
    skip = {r for r in range(len(filled)) if is_column_number_row(filled[r])}
    actions = []
    if raw.source == "text":
        actions = infer_header_spans(filled, [r for r in range(body_start) if r not in skip])
    for r in range(body_start):
        if r in skip:
            continue
        for c in range(raw.n_cols):
            text = clean_text(filled[r][c])
            if text and (not paths[c] or paths[c][-1] != text):
                paths[c].append(text)
    return paths, skip, actions


def body_kind(texts: list[str]) -> str:
    """What a column's body holds: empty, code, value or label."""
    texts = [clean_text(t) for t in texts if clean_text(t)]
    if not texts:
        return "empty"
    if sum(bool(_CODE.match(t)) for t in texts) * 2 > len(texts):
        return "code"
    return "value" if sum(parse_number(t) is not None for t in texts) * 2 >= len(texts) else "label"


def realign_header_to_body(columns: list[Column], body: list[list[str]]) -> list[str]:
    """Header names shifted against the body (the body's names sit right of the header's
    科目名称): when the header names exactly as many amount columns as the table has columns
    right of the body's name column, give the names to those columns in order."""
    labels = [c for c in columns if c.role == "label"]
    if len(labels) != 1 or not body:
        return []
    kinds = [body_kind([row[c.index] for row in body]) for c in columns]
    body_labels = [i for i, k in enumerate(kinds) if k == "label"]
    if len(body_labels) != 1 or body_labels[0] == labels[0].index:
        return []
    start = body_labels[0] + 1
    named = [c for c in columns if c.role == "value" and c.path]
    targets = columns[start:]
    if len(targets) != len(named):
        return []
    paths, label_path = [list(c.path) for c in named], list(labels[0].path)
    for c in columns[: start - 1]:
        c.path, c.role = (["科目编码"], "code") if kinds[c.index] == "code" else ([], "empty")
    columns[start - 1].path, columns[start - 1].role = label_path, "label"
    for c, path in zip(targets, paths):
        c.path, c.role = path, "value"
    return [f"header shifted against the body: {len(named)} amount names moved over columns {start + 1}–{len(columns)}"]


def column_role(path: list[str], body: list[str], words_are_text: bool = True) -> str:
    """code | label | rowno | value | text, from the header path, or from the body without one.

    `text`: a column of words that is neither the row's name nor an amount (备注, 项目类别,
    采购组织形式, an organisation's code); it gives no facts. A text dump's columns can sit under
    the wrong header (`realign_header_to_body` moves them), so there (`words_are_text=False`)
    a named column stays an amount column."""
    last = path[-1] if path else ""
    if any(catalog.ORGANISATION_CODE_HEADER.search(p) for p in path[-1:]):
        return "text"
    if last in catalog.CODE_PART_WORDS or any(catalog.CODE_HEADER.search(p) for p in path[-2:]):
        return "code"
    if catalog.ROW_NUMBER_HEADER.search(last):
        return "rowno"
    if catalog.COUNT_HEADER.search(last):
        return "text"
    if catalog.LABEL_HEADER.search(last):
        return "label"
    if not path:
        kind = body_kind(body)
        return "value" if kind == "empty" else kind
    if words_are_text and mostly_words(body):
        return "text"
    return "value"


def mostly_words(texts: list[str]) -> bool:
    """More than half of the filled cells hold words: neither amounts, null markers nor codes."""
    texts = [clean_text(t) for t in texts if clean_text(t)]
    words = [t for t in texts if parse_number(t) is None and not is_null_marker(t) and not _CODE.match(t)]
    return bool(texts) and len(words) * 2 > len(texts)
