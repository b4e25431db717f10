"""Confirm fiscal facts from an independent reading of the page.

    .venv/bin/python bench/verify_facts.py OUT_DIR [--examples N]

Entry point: `verify_document(pdf, facts) -> list[Verdict]`. Reads OUT_DIR/fiscal_facts.jsonl and
OUT_DIR/documents.jsonl (a document's `source_uri` is its PDF) and prints confirmed /
contradicted / unverifiable counts with examples of the non-confirmed.

Independence: nothing from `pipeline.extract` / `pipeline.realign` is used. The page is read with
PyMuPDF's ruling cells, `page.find_tables(strategy="lines", use_layout=False)` (cell boxes only:
PyMuPDF's own cell text is garbled on these PDFs), filled with the characters of
`page.get_text("rawdict")` whose centre lies inside each cell, in derotated page coordinates.
Cell text is assembled line by line (characters grouped by baseline, ordered by x; a glyph
overprinted at the same place, fake bold, counts once; a number wrapped in a narrow cell,
`143,999.0` over `0`, is joined). A ruled row
holding two or more amount lines in one cell (a table with column rules but no row rules) is
split into one row per text line (baselines clustered across the row).

A fact `(page, row_label, subject_code, column, value, section)` is looked for in the tables of
its page (facts of other pages are not consulted):

- header: the rows above the first row holding a number (a `1 2 3` / `栏次` row stays in it),
  without titles inside the ruling (a cell as wide as the table) and `单位：` / `部门：` /
  `公开NN表` notes; a table whose header shares no text with the table before it (same column
  rules, previous page) continues that table and takes its header.
- columns: label (body mostly text), code (2-7 digit cells under 类/款/项/编码/科目), index
  (序号/行次/栏次), blank (no number in the body: 备注, 项目简介); the rest hold values.
- row: a body row with a cell whose text, without enumerators (`一、` `（一）` `1.` `1、`) and
  whitespace, equals `row_label`, or whose code cells (or digits leading a label,
  `2010101行政运行`) joined left to right equal `subject_code`; rows matching both win. A fact
  without label and code (三公 tables) may lie in any body row.
- side: value columns right of that cell, up to a label column met after a value column (the
  支出 half of a 收/支 table). A `section` printed in the header (`收入`, `预算数`) narrows them.
- column, the agreement rule. Both names are normalised: NFKC, no whitespace, quotes, unit notes
  `（万元）`, leading `其中：`, leading year (`2026年预算数` → `预算数`; a bare `2021年` stays:
  it tells column groups apart) or enumerator; printed variants unified on both sides (`经费`
  ≈ `支出`, `专项业务` ≈ `项目`, `运行维护费` ≈ `运行费`, `一般公共预算` ≈ `公共预算`).
  Canonical C against header path P
  (leaf = last segment, own = the leaf, or its group when the leaf is `小计`/`合计`/`总计`):
  3 C is the leaf or all of P; 2.8 C is own (`基本支出/小计`); 2.5 / 2 C lies inside P (leaf a
  total / not); 2.45 / 2.4 C is X+total and X lies inside P under a total leaf
  (`三公经费合计`); 1.8 C and the leaf are totals (`合计` ~ `总计`; 1.6 with a `小计`); 1.5 the
  leaf lies inside C (`一般公共预算` in `一般公共预算拨款`); 1.2 the same core once generic
  tails (财政拨款, 拨款, 资金, 收入, 预算, 支出) are cut (`一般公共预算资金`); 1.0-1.49 at least
  80 % of C's characters in P and half of own's in C, higher the closer. A canonical name with
  `/` (a published header kept flattened) scores its last part against the leaf and each earlier
  part against the best segment above, in order (a `小计` level may be skipped); the lowest
  counts. The best-scoring columns of the side agree; with no
  score above 0, the side's only value column agrees (`决算数` printed `金额`).
- verdict: `confirmed` when an agreeing cell of a matching row holds the value (separators
  dropped, |a − b| ≤ 1e-6); `contradicted` when rows and agreeing columns were found but none
  holds it; `unverifiable` when no row matches (`row not found`) or no column agrees
  (`column not found`).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
LENIENT = re.compile(r"^[-+]?\d+(\.\d+)?$")
CODE = re.compile(r"^\d{2,7}$")
LEADING_CODE = re.compile(r"^\[?(\d{3,7})\]?(?=[\u4e00-\u9fff])(?!年)")  # 2010101行政运行, not 2025年…
ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）][、.．]?|\d+[、.．](?!\d))")
YEAR = re.compile(r"^(?:\d{4}|\d{2})年(?:度)?")
SUBORDINATE = re.compile(r"^(?:其中|含)[:：]")
# printed variants of the same words, applied to both sides before comparing
VARIANTS = (("经费支出", "支出"), ("经费", "支出"), ("专项业务", "项目"), ("运行维护费", "运行费"),
            ("一般公共预算", "公共预算"))
GENERIC_TAIL = re.compile(r"(财政拨款|拨款|资金|收入|预算|支出)$")
NOTE = re.compile(r"^(?:(?:编制|预算)?(?:单位|部门)[:：]|公开\d+表|附?表\d)")
UNIT_NOTE = re.compile(r"[（(](?:单位[:：]?)?(?:万?元|亿元)[)）]")
TOTALS = ("小计", "合计", "总计")
QUOTES = re.compile(r"[“”\"‘’']")
NUMBERING_WORDS = ("栏次", "行次", "序号")
NULL_TEXTS = {"", "-", "—", "–", "/", "－", "——", "不适用"}


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def strip_enumerator(text: str) -> str:
    text = squash(text)
    for _ in range(2):  # "一、（一）" seldom, but cheap
        text = ENUMERATOR.sub("", text, count=1)
    return text


def parse_number(text: str) -> float | None:
    """A number as the pipeline reads it: separators dropped wherever printed (`19349,057`)."""
    t = squash(text).replace(",", "")
    return float(t) if LENIENT.match(t) else None


def cell_value(cell: Cell) -> float | None:
    """The cell's number: its whole text, or its only numeric line (a header glyph that overflows
    into the cell below sits on a line of its own)."""
    value = parse_number(cell.text)
    if value is None:
        numbers = [v for v in (parse_number(t) for _, t in cell.lines) if v is not None]
        value = numbers[0] if len(numbers) == 1 else None
    return value


def is_amount_text(text: str) -> bool:
    """A number that is not a bare small integer / code (those may be row numbers or codes)."""
    t = squash(text)
    return bool(NUMBER.match(t)) and ("," in t or "." in t or t == "0" or len(t.lstrip("-+")) in (4, 6) or len(t) >= 8)


# ---------------------------------------------------------------- reading the page

@dataclass
class Char:
    x0: float
    y0: float
    x1: float
    y1: float
    base: float
    c: str


@dataclass
class Cell:
    r0: int
    c0: int
    r1: int  # inclusive
    c1: int
    text: str
    lines: list[tuple[float, str]] = field(default_factory=list)  # (baseline, text)


@dataclass
class Grid:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell]]  # per row the distinct cells meeting it, left to right
    n_cols: int
    col_edges: list[float]
    header_rows: int = 0
    paths: list[list[str]] = field(default_factory=list)  # header path per column
    label_cols: set[int] = field(default_factory=set)
    code_cols: set[int] = field(default_factory=set)
    index_cols: set[int] = field(default_factory=set)  # 序号 / 行次: row numbers, no amounts
    blank_cols: set[int] = field(default_factory=set)  # no number in the body (备注, 项目简介)


def page_chars(page: pymupdf.Page) -> list[Char]:
    """The page's characters, derotated; a glyph overprinted at almost the same place (fake
    bold: the same character drawn 7-9 times) is kept once."""
    mat = page.rotation_matrix
    out: list[Char] = []
    seen: dict[tuple[str, int], list[float]] = defaultdict(list)
    for block in page.get_text("rawdict").get("blocks", []):
        for line in block.get("lines", []):
            for span in line["spans"]:
                for ch in span["chars"]:
                    if not ch["c"].strip():
                        continue
                    r = pymupdf.Rect(ch["bbox"]) * mat
                    base = (pymupdf.Point(ch["origin"]) * mat).y
                    xs = seen[(ch["c"], round(base))]
                    if any(abs(x - r.x0) < 0.4 * max(r.width, 1.0) for x in xs):
                        continue
                    xs.append(r.x0)
                    out.append(Char(r.x0, r.y0, r.x1, r.y1, base, ch["c"]))
    return out


def text_lines(chars: list[Char], tol: float = 2.0) -> list[tuple[float, str]]:
    """Characters grouped by baseline, each line left to right; lines top to bottom."""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: c.base):
        if lines and abs(lines[-1][-1].base - ch.base) <= tol:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [(sum(c.base for c in ln) / len(ln), "".join(c.c for c in sorted(ln, key=lambda c: c.x0))) for ln in lines]


def join_wrapped(lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """A number wrapped in a narrow cell (`143,999.0` over `0`) back on one line."""
    out: list[tuple[float, str]] = []
    for base, text in lines:
        if out:
            prev = out[-1][1]
            joined = prev + text
            if NUMBER.match(joined) and (not NUMBER.match(prev) or ("." in prev and text.isdigit())):
                out[-1] = (out[-1][0], joined)
                continue
        out.append((base, text))
    return out


def _edges(values: list[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def drop_frames(boxes: list[tuple]) -> list[tuple]:
    """Boxes that hold another box (an outer frame around the title and the table) are no cells."""
    def holds(a: tuple, b: tuple) -> bool:
        return a != b and a[0] - 1 <= b[0] and a[1] - 1 <= b[1] and b[2] <= a[2] + 1 and b[3] <= a[3] + 1
    return [a for a in boxes if not any(holds(a, b) for b in boxes)]


def build_grid(page_no: int, boxes: list[tuple], chars: list[Char]) -> Grid | None:
    boxes = drop_frames(boxes)
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    if len(xs) < 2 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cells = []
    for b in boxes:
        inside = [ch for ch in chars if b[0] <= (ch.x0 + ch.x1) / 2 <= b[2] and b[1] <= (ch.y0 + ch.y1) / 2 <= b[3]]
        lines = join_wrapped(text_lines(inside))
        c0, c1 = _index(xs, b[0]), _index(xs, b[2]) - 1
        r0, r1 = _index(ys, b[1]), _index(ys, b[3]) - 1
        if c1 >= c0 and r1 >= r0:
            cells.append(Cell(r0, c0, r1, c1, "".join(t for _, t in lines), lines))
    rows: list[list[Cell]] = [sorted((c for c in cells if c.r0 <= r <= c.r1), key=lambda c: c.c0) for r in range(n_rows)]
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return split_line_rows(Grid(page_no, bbox, rows, n_cols, xs))


def split_line_rows(grid: Grid) -> Grid:
    """A ruled row whose cells hold several amount lines (no row rules): one row per text line."""
    out: list[list[Cell]] = []
    for r, row in enumerate(grid.rows):
        own = [c for c in row if c.r0 == c.r1 == r]
        if not any(sum(is_amount_text(t) for _, t in c.lines) >= 2 for c in own):
            out.append(row)
            continue
        bases = _edges([b for c in own for b, _ in c.lines], tol=3.0)
        for base in bases:
            sub = []
            for c in own:
                texts = [t for b, t in c.lines if abs(b - base) <= 3.0]
                sub.append(Cell(r, c.c0, r, c.c1, "".join(texts), [(base, t) for t in texts]))
            out.append(sub)
    grid.rows = out
    return grid


def page_grids(page: pymupdf.Page, page_no: int) -> list[Grid]:
    chars = page_chars(page)
    grids = []
    for table in page.find_tables(strategy="lines", use_layout=False).tables:
        boxes = [tuple(c) for c in table.cells if c]
        grid = build_grid(page_no, boxes, chars) if boxes else None
        if grid is not None and grid.rows:
            grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


# ---------------------------------------------------------------- header, columns


def cell_at(row: list[Cell], col: int) -> Cell | None:
    return next((c for c in row if c.c0 <= col <= c.c1), None)


def is_numbering_row(row: list[Cell]) -> bool:
    texts = [squash(c.text) for c in row if squash(c.text)]
    if any(t in NUMBERING_WORDS for t in texts):
        return True
    ints = [int(t) for t in texts if t.isdigit() and len(t) <= 2]
    return len(ints) >= 2 and len(ints) == len(texts)


def norm_header(text: str) -> str:
    """Header text for comparison: unit notes, quotes, a leading year (unless it is all there
    is: `2021年` over `2022年` tells two column groups apart) and enumerators removed."""
    t = SUBORDINATE.sub("", QUOTES.sub("", UNIT_NOTE.sub("", squash(text))))
    t = strip_enumerator(YEAR.sub("", t) or t)
    for printed, common in VARIANTS:
        t = t.replace(printed, common)
    return t


def header_paths(grid: Grid, n_rows: int) -> list[list[str]]:
    """Per column, its header cells top to bottom; a title inside the ruling (a cell as wide as
    the table) and 单位/部门/公开NN表 notes are no header."""
    paths = []
    for col in range(grid.n_cols):
        path, seen = [], set()
        for row in grid.rows[:n_rows]:
            cell = cell_at(row, col)
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            text = norm_header(cell.text)
            title = grid.n_cols > 1 and cell.c0 == 0 and cell.c1 == grid.n_cols - 1
            if text and not text.isdigit() and not title and not NOTE.match(text):
                path.append(text)
        paths.append(path)
    return paths


def continues(grid: Grid, previous: Grid | None, paths: list[list[str]]) -> bool:
    """Same columns as the table before it and a header sharing no text with that table's."""
    if previous is None or previous.n_cols != grid.n_cols or \
            any(abs(a - b) > 3 for a, b in zip(previous.col_edges, grid.col_edges)):
        return False
    return not ({t for p in paths for t in p} & {t for p in previous.paths for t in p})


def analyse(grid: Grid, previous: Grid | None) -> None:
    """Header rows, header paths, label and code columns of a grid."""
    first_body = next((r for r, row in enumerate(grid.rows)
                       if any(parse_number(c.text) is not None for c in row) and not is_numbering_row(row)), len(grid.rows))
    grid.header_rows, grid.paths = first_body, header_paths(grid, first_body)
    if continues(grid, previous, grid.paths):
        grid.header_rows, grid.paths = 0, previous.paths
        first_body = 0
    body = grid.rows[first_body:]
    for col in range(grid.n_cols):
        texts = [squash(c.text) for c in (cell_at(row, col) for row in body) if c and c.c0 == col and c.c1 == col]
        texts = [t for t in texts if t not in NULL_TEXTS]
        numbers = [t for t in texts if parse_number(t) is not None]
        head = "".join(grid.paths[col]) if col < len(grid.paths) else ""
        if numbers and all(CODE.match(t) for t in numbers) and len(numbers) == len(texts) and \
                any(w in head for w in ("类", "款", "项", "编码", "代码", "科目")):
            grid.code_cols.add(col)
        elif any(w in head for w in NUMBERING_WORDS) or (not head and numbers and len(numbers) == len(texts) and
                                                         all(t.isdigit() and len(t) <= 2 for t in numbers)):
            grid.index_cols.add(col)
        elif len(texts) - len(numbers) > len(numbers):
            grid.label_cols.add(col)
        elif not numbers:
            grid.blank_cols.add(col)


def cover(a: str, b: str) -> float:
    """Share of the characters of `a` found in `b`."""
    return sum((Counter(a) & Counter(b)).values()) / len(a) if a else 0.0


def core(name: str) -> str:
    """A column name without its generic tail words (财政拨款, 资金, 收入, 预算, 支出)."""
    while (short := GENERIC_TAIL.sub("", name)) != name:
        name = short
    return name


def flattened_agreement(parts: list[str], path: list[str]) -> float:
    """The last part against the leaf, each earlier part against a segment above the one its
    successor took, with only `小计`-like levels left out between; the lowest score counts."""
    if len(parts) > len(path):
        return 0.0
    score, end = agreement(parts[-1], [path[-1]]), len(path) - 1
    for part in reversed(parts[:-1]):
        options = [(agreement(part, [path[i]]), i) for i in range(end)
                   if all(seg in TOTALS for seg in path[i + 1:end])]
        best, end = max(options, default=(0.0, 0))
        score = min(score, best)
    return score


def agreement(canonical: str, path: list[str]) -> float:
    """How well a printed header path agrees with a canonical column name (see the docstring)."""
    if not path:
        return 0.0
    c = norm_header(canonical)
    if "/" in canonical:  # a published header flattened with "/"
        return flattened_agreement(canonical.split("/"), path)
    flat, leaf = "".join(path), path[-1]
    own = path[-2] if leaf in TOTALS and len(path) > 1 else leaf  # "group / 小计" stands for the group
    if c in (leaf, flat):
        return 3.0
    if c == own:
        return 2.8
    if c in flat:
        return 2.5 if leaf in TOTALS else 2.0
    total = next((t for t in TOTALS if c.endswith(t) and len(c) > 2), "")
    if total and c[:-2] in flat and leaf in TOTALS:  # 三公经费合计 for "“三公”经费预算 / 合计"
        return 2.45 if leaf == total else 2.4
    if c in TOTALS and leaf.endswith(TOTALS):  # 合计 for a printed 总计 / 支出总计, less for a 小计
        return 1.6 if "小计" in (c, leaf) else 1.8
    if len(leaf) >= 2 and leaf in c:
        return 1.5
    if core(c) and core(c) == core(own):  # 一般公共预算(财政拨款) for 一般公共预算资金, 政府性基金
        return 1.2
    if cover(c, flat) >= 0.8 and cover(own, c) >= 0.5:  # 公务用车购置及运行(维护)费, 一般公共预算(收入)
        return 1.0 + 0.49 * cover(c, own) * cover(own, c)
    return 0.0


# ---------------------------------------------------------------- verdicts


@dataclass
class Verdict:
    fact: dict
    status: str  # confirmed | contradicted | unverifiable
    reason: str = ""
    found: list[str] = field(default_factory=list)  # texts in the agreeing cells (contradicted)


def row_code(row: list[Cell], grid: Grid, upto: int) -> str:
    parts = []
    for c in row:
        if c.c1 > upto:
            break
        t = squash(c.text)
        if c.c0 in grid.code_cols and CODE.match(t):
            parts.append(t)
        elif m := LEADING_CODE.match(t):
            parts.append(m.group(1))
    return "".join(parts)


def anchors(fact: dict, grid: Grid) -> list[tuple[int, list[Cell], int, int]]:
    """(row index, row, anchor column, strength) of body rows matching the fact's label or code."""
    label, code = squash(fact.get("row_label") or ""), fact.get("subject_code")
    out = []
    for r in range(grid.header_rows, len(grid.rows)):
        row = grid.rows[r]
        for cell in row:
            text = strip_enumerator(LEADING_CODE.sub("", squash(cell.text)))
            by_label = bool(label) and text == strip_enumerator(label)
            by_code = bool(code) and bool(text) and not NUMBER.match(text) and row_code(row, grid, cell.c1) == code
            if by_label or by_code:
                out.append((r, row, cell.c1, int(by_label) + int(by_code)))
    if not label and not code:  # a table without row labels (三公 经费): every body row
        return [(r, grid.rows[r], -1, 0) for r in range(grid.header_rows, len(grid.rows))]
    best = max((a[3] for a in out), default=0)
    return [a for a in out if a[3] == best]


def side_columns(grid: Grid, anchor: int) -> list[int]:
    """Value columns right of the anchor up to the next label column that follows value columns
    (the 支出 half of a 收/支 table); label columns before any value column (a second name
    column, a 项目名称 after the 科目名称) are passed over."""
    skip = grid.label_cols | grid.code_cols | grid.index_cols | grid.blank_cols
    if anchor < 0:
        return [c for c in range(grid.n_cols) if c not in skip]
    cols: list[int] = []
    for col in range(anchor + 1, grid.n_cols):
        if col in grid.label_cols and cols:
            break
        if col not in skip:
            cols.append(col)
    return cols


def agreeing(fact: dict, grid: Grid, cols: list[int]) -> list[int]:
    section = norm_header(fact.get("section") or "")
    in_section = [c for c in cols if c < len(grid.paths) and section and section in "".join(grid.paths[c])]
    cols = in_section or cols
    scores = {c: agreement(fact["column"], grid.paths[c]) for c in cols if c < len(grid.paths)}
    best = max(scores.values(), default=0.0)
    if best > 0:
        return [c for c, s in scores.items() if s == best]
    return cols if len(cols) == 1 else []


def verify_fact(fact: dict, grids: list[Grid]) -> Verdict:
    row_found = col_found = False
    found: list[str] = []
    for grid in grids:
        for _, row, anchor, _ in anchors(fact, grid):
            row_found = True
            for col in agreeing(fact, grid, side_columns(grid, anchor)):
                col_found = True
                cell = cell_at(row, col)
                text = squash(cell.text) if cell and cell.c0 == col else ""
                value = cell_value(cell) if text else None
                if value is not None and fact["value"] is not None and abs(value - fact["value"]) <= 1e-6:
                    return Verdict(fact, "confirmed")
                found.append(text or "∅")
    if col_found:
        return Verdict(fact, "contradicted", "value differs", found)
    return Verdict(fact, "unverifiable", "column not found" if row_found else "row not found")


def read_grids(doc: pymupdf.Document, pages: set[int]) -> dict[int, list[Grid]]:
    """Grids of the given pages (1-based), analysed. A table continued from the page before
    inherits that table's header, so each page's predecessors are read too, back to a page
    without tables."""
    raw: dict[int, list[Grid]] = {}
    for p in sorted(pages, reverse=True):
        while 1 <= p <= doc.page_count and p not in raw:
            raw[p] = page_grids(doc[p - 1], p)
            if not raw[p]:
                break
            p -= 1
    previous: Grid | None = None
    for p in sorted(raw):
        if p - 1 not in raw:
            previous = None
        for g in raw[p]:
            analyse(g, previous)
            previous = g
    return raw


def verify_document(pdf: Path | bytes, facts: list[dict]) -> list[Verdict]:
    """One verdict per fact (facts of one document)."""
    if not facts:
        return []
    doc = pymupdf.open(stream=pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes(), filetype="pdf")
    grids = read_grids(doc, {int(f["page"]) for f in facts if f.get("page")})
    return [verify_fact(f, grids.get(int(f.get("page") or 0), [])) for f in facts]


def summary(verdicts: list[Verdict]) -> Counter:
    return Counter(v.status for v in verdicts)


def describe(v: Verdict) -> str:
    f = v.fact
    where = f"table {f.get('table_id')} {f.get('table_key')} p{f.get('page')}"
    got = f" (page has {', '.join(v.found[:3])})" if v.found else ""
    return (f"{v.status}: {where} [{f.get('section')}] {f.get('row_label')!r} {f.get('subject_code') or ''} "
            f"/ {f.get('column')!r} = {f.get('value')}: {v.reason}{got}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path, help="a `juesuan run` output folder")
    ap.add_argument("--examples", type=int, default=5, help="non-confirmed examples shown per document")
    ns = ap.parse_args(argv)
    docs = [json.loads(line) for line in (ns.out_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    facts: dict[str, list[dict]] = defaultdict(list)
    for line in (ns.out_dir / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines():
        fact = json.loads(line)
        facts[fact["document_id"]].append(fact)
    total: Counter = Counter()
    for d in docs:
        mine = facts.get(d["document_id"], [])
        if not mine:
            continue
        verdicts = verify_document(Path(d["source_uri"]), mine)
        counts = summary(verdicts)
        total += counts
        print(f"{d['filename']}: {dict(counts)}")
        for v in [v for v in verdicts if v.status != "confirmed"][:ns.examples]:
            print("   ", describe(v))
    n = sum(total.values())
    print(f"total: {dict(total)}; confirmed {total['confirmed'] / n:.1%}" if n else "no facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
