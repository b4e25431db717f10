"""Tables without column rules: columns from text alignment, rows from baselines.

Entry points, called by `pipeline.extract.native.extract_page` with the text lines
(`page_lines`) of the characters outside every ruled grid:

- `rule_stack_grids(hs, lines)`: horizontal rules only (three-line tables: rules above and below
  the header and at the bottom) → one grid per stack of rules that holds a table.
- `stream_grids(lines)`: no rules at all, where consecutive lines each hold ≥ 2 amounts
  (`1,234.56`) aligned in columns → one grid per such run.

Columns are the x-ranges of glyphs left between whitespace common to all body lines; rows come
from `pipeline.extract.text_rows.group_rows`. Prose never qualifies: a sentence is one run of
glyphs across the columns' gaps, its numbers sit inside it (`预算14,894.79万元`), a contents
page's page numbers are one column of integers, and a paragraph number is glued to its text.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.extract.text_rows import (
    FIGURE,
    Char,
    TextLine,
    cluster_baselines,
    column_lines,
    group_rows,
    is_value,
    owner_map,
    row_cuts,
)
from pipeline.geometry import Grid, Segment

# An amount: grouped thousands or decimals, so that page numbers, item numbers and years do
# not count towards a stream table.
AMOUNT = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)%?")
GAP = 0.8  # × size: whitespace this wide separates columns (a space is 0.25–0.5 size)
MIN_RULE = 120.0  # pt: a shorter horizontal rule is an underline or a signature blank
MIN_STREAM_LINES = 3  # lines with ≥ 2 amounts before a run of lines is a table
MAX_HEADER_LINES = 3  # header lines taken from above a stream table's body
MAX_BETWEEN = 8  # lines without 2 amounts between two that have them (empty categories)


@dataclass
class PageLine:
    """A line of page text (one baseline), cut into segments at gaps ≥ GAP × size."""

    chars: list[Char]  # by x
    base: float
    size: float
    segs: list[tuple[float, float, str]]

    @property
    def x0(self) -> float:
        return self.chars[0][0]

    @property
    def x1(self) -> float:
        return max(ch[1] for ch in self.chars)

    def amounts(self) -> int:
        return sum(1 for *_, t in self.segs if AMOUNT.fullmatch(t))

    def figures(self) -> int:
        return sum(1 for *_, t in self.segs if FIGURE.fullmatch(t))

    def row_of_amounts(self) -> bool:
        """≥ 2 standalone amounts, and after the first piece (the label) mostly figures: a
        sentence spaced around its numbers (`报送 1,100.00 万元 执行情况 1.5 %`) has words
        between and after them."""
        if self.amounts() < 2:
            return False
        rest = self.segs[1:]
        return 3 * sum(1 for *_, t in rest if is_value(t)) >= 2 * len(rest)


def page_lines(chars: list[Char]) -> list[PageLine]:
    """Characters → lines top to bottom, each cut into segments at wide whitespace."""
    out = []
    for g in cluster_baselines(chars):
        size = max(ch[4] for ch in g)
        segs: list[tuple[float, float, str]] = []
        start = 0
        for i in range(1, len(g) + 1):
            if i == len(g) or g[i][0] - g[i - 1][1] >= GAP * size:
                run = g[start:i]
                segs.append((run[0][0], max(ch[1] for ch in run), "".join(ch[5] for ch in run)))
                start = i
        out.append(PageLine(g, sum(ch[2] for ch in g) / len(g), size, segs))
    return out


# --- columns -------------------------------------------------------------------------------

def column_blocks(lines: list[PageLine]) -> list[tuple[float, float]]:
    """x-ranges of the text columns: the union of the lines' glyph extents, split wherever all
    lines leave whitespace ≥ GAP × (median size)."""
    if not lines:
        return []
    size = sorted(ln.size for ln in lines)[len(lines) // 2]
    spans = sorted((ch[0], ch[1]) for ln in lines for ch in ln.chars)
    blocks = [list(spans[0])]
    for lo, hi in spans[1:]:
        if lo - blocks[-1][1] >= GAP * size:
            blocks.append([lo, hi])
        else:
            blocks[-1][1] = max(blocks[-1][1], hi)
    return [(lo, hi) for lo, hi in blocks]


def _segment_columns(seg: tuple[float, float, str], blocks: list[tuple[float, float]]) -> tuple[int, int]:
    """Columns (first, last) a header segment belongs to: the blocks it overlaps (a merged
    header cell over several), else the nearer block (a header set left in its column over
    right-aligned figures lies in the gap before them)."""
    a, b = seg[0], seg[1]
    hit = [k for k, (lo, hi) in enumerate(blocks) if a < hi and b > lo]
    if hit:
        return hit[0], hit[-1]
    k = bisect.bisect_left([lo for lo, _ in blocks], a)  # first block right of the segment
    if k == 0:
        return 0, 0
    if k == len(blocks) or a - blocks[k - 1][1] < blocks[k][0] - b:
        return k - 1, k - 1
    return k, k


def header_columns(line: PageLine, blocks: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Columns (first, last) of each segment of a header line: in order when the line has one
    segment per column (a header set left over right-aligned figures can lie nearer the column
    before), else by `_segment_columns`."""
    if len(line.segs) == len(blocks):
        return [(k, k) for k in range(len(blocks))]
    return [_segment_columns(seg, blocks) for seg in line.segs]


def separators(blocks: list[tuple[float, float]], header: list[PageLine]) -> list[float]:
    """One x per gap between blocks: its middle, moved (within the gap) off a header segment
    that belongs to one side only, so that its glyphs land in its column."""
    seps = []
    for k in range(len(blocks) - 1):
        lo, hi = blocks[k][1], blocks[k + 1][0]
        left, right = lo, hi
        for ln in header:
            for seg, (c0, c1) in zip(ln.segs, header_columns(ln, blocks)):
                if c0 == c1 == k and seg[1] > left:
                    left = min(seg[1] + 0.5, hi)
                elif c0 == c1 == k + 1 and seg[0] < right:
                    right = max(seg[0] - 0.5, lo)
        seps.append((left + right) / 2 if left <= right else (lo + hi) / 2)
    return seps


HeaderRow = tuple[list[PageLine], list[tuple[int, int]]]  # its lines, its merged cells (first, last column)


def _header_rows(lines: list[PageLine], blocks: list[tuple[float, float]]) -> list[HeaderRow]:
    """Header lines → rows with their merged cells: consecutive lines join (a wrapped header
    cell) unless one of them spans columns (the upper level of a two-level header)."""
    rows: list[HeaderRow] = []
    for ln in lines:
        spans = [(c0, c1) for c0, c1 in header_columns(ln, blocks) if c1 > c0]
        if rows and not spans and not rows[-1][1]:
            rows[-1][0].append(ln)
        else:
            rows.append(([ln], spans))
    return rows


def _column_lines(lines: list[PageLine], seps: list[float]) -> list[TextLine]:
    """Page lines cut into column lines at the separators (each glyph by its centre)."""
    out = []
    for ln in lines:
        by_col: dict[int, list[Char]] = {}
        for ch in ln.chars:
            by_col.setdefault(bisect.bisect_right(seps, (ch[0] + ch[1]) / 2), []).append(ch)
        for col, chs in by_col.items():
            out += column_lines(col, chs)
    return out


def figure_columns(lines: list[PageLine], blocks: list[tuple[float, float]]) -> tuple[int, int]:
    """(columns of `blocks` where ≥ 2 lines hold a standalone figure, where ≥ 2 hold an amount)."""
    seps = [(a[1] + b[0]) / 2 for a, b in zip(blocks, blocks[1:])]
    figs: dict[int, int] = {}
    amts: dict[int, int] = {}
    for ln in lines:
        for a, b, t in ln.segs:
            if FIGURE.fullmatch(t):
                c = bisect.bisect_right(seps, (a + b) / 2)
                figs[c] = figs.get(c, 0) + 1
                if AMOUNT.fullmatch(t):
                    amts[c] = amts.get(c, 0) + 1
    return sum(1 for n in figs.values() if n >= 2), sum(1 for n in amts.values() if n >= 2)


def text_grid(x0: float, x1: float, header: list[PageLine], bands: list[list[PageLine]],
              top: float, bottom: float, rules: Sequence[float] = ()) -> Grid | None:
    """Columns from the body lines' alignment, rows from the header lines (one row per header
    level) and from each band's baselines; None unless ≥ 2 columns and ≥ 2 rows."""
    body = [ln for band in bands for ln in band]
    blocks = column_blocks(body)
    if len(blocks) < 2:
        return None
    seps = separators(blocks, header)
    band_lines = [_column_lines(band, seps) for band in bands]
    # without a ruled right edge, a column's text wraps where its longest line ends
    right: dict[int, float] = {}
    for ln in (ln for lines in band_lines for ln in lines):
        right[ln.col] = max(right.get(ln.col, ln.x1), ln.x1)
    rows: list[list[TextLine]] = []
    spans: list[list[tuple[int, int]]] = []
    for lines, row_spans in _header_rows(header, blocks):
        rows.append(_column_lines(lines, seps))
        spans.append(row_spans)
    for col_lines in band_lines:
        for row in group_rows(col_lines, right):
            rows.append(row)
            spans.append([])
    if len(rows) < 2:
        return None
    nc = len(blocks)
    cells = []
    for r, row_spans in enumerate(spans):
        taken: set[int] = set()
        for c0, c1 in row_spans:
            if not taken & set(range(c0, c1 + 1)):
                cells.append((r, c0, 1, c1 - c0 + 1))
                taken.update(range(c0, c1 + 1))
        cells += [(r, c, 1, 1) for c in range(nc) if c not in taken]
    cells.sort()
    ys = [top] + row_cuts(rows, list(rules)) + [bottom]
    return Grid([x0] + seps + [x1], ys, cells, owner_map(cells, len(ys) - 1, nc))


def _enough_figures(lines: list[PageLine]) -> bool:
    """Figures in ≥ 2 columns, or amounts in one: a contents page's page numbers (one column
    of integers) are not a table."""
    blocks = column_blocks(lines)
    n_fig, n_amt = figure_columns(lines, blocks)
    return len(blocks) >= 2 and (n_fig >= 2 or n_amt >= 1)


# --- horizontal rules only -----------------------------------------------------------------

def _same_extent(a: Segment, b: Segment) -> bool:
    width = max(a.hi - a.lo, b.hi - b.lo)
    return abs(a.lo - b.lo) <= 0.05 * width and abs(a.hi - b.hi) <= 0.05 * width


def _within(ln: PageLine, lo: float, hi: float) -> bool:
    return lo - 2 <= ln.x0 and ln.x1 <= hi + 2


def rule_stack_grids(hs: list[Segment], lines: list[PageLine]) -> list[Grid]:
    """Stacks of ≥ 2 long horizontal rules of one extent (no vertical rule touches them). A
    band whose lines are all single runs of glyphs (a title, a caption) is no part of a table:
    it ends a stack, or a stack starts below it. A stack is a table when its body lines (below
    the first band, or from the first line with a figure) leave ≥ 2 columns and hold figures
    in 2 of them or amounts in one."""
    rules = sorted((h for h in hs if h.hi - h.lo >= MIN_RULE), key=lambda h: h.pos)
    used: set[int] = set()
    out: list[Grid] = []
    for i in range(len(rules)):
        if i in used:
            continue
        stack = [rules[i]]
        for j in range(i + 1, len(rules)):
            if j in used or not _same_extent(stack[0], rules[j]) or rules[j].pos - stack[-1].pos <= 1.0:
                continue
            band = [ln for ln in lines
                    if stack[-1].pos < ln.base < rules[j].pos and _within(ln, stack[0].lo, stack[0].hi)]
            if band and all(len(ln.segs) < 2 for ln in band):
                if len(stack) >= 2:
                    break
                stack = []  # a caption under a lone rule: the table starts below it
            stack.append(rules[j])
            used.add(j)
        grid = _stack_table(stack, lines) if len(stack) >= 2 else None
        if grid is not None:
            out.append(grid)
    return out


def _stack_table(stack: list[Segment], lines: list[PageLine]) -> Grid | None:
    x0, x1 = stack[0].lo, stack[0].hi
    ys = [s.pos for s in stack]
    bands = [[ln for ln in lines if a < ln.base < b and _within(ln, x0, x1)] for a, b in zip(ys, ys[1:])]
    bands = [b for b in bands if b]
    if not bands:
        return None
    if len(bands) >= 2 and not any(ln.figures() for ln in bands[0]):
        header, body_bands = bands[0], bands[1:]
    else:  # no rule under the header: the header ends at the first line with a figure
        first = next((k for k, ln in enumerate(bands[0]) if ln.figures()), 0)
        header, body_bands = bands[0][:first], [bands[0][first:]] + bands[1:]
    body = [ln for band in body_bands for ln in band]
    if len(body) < 2 or not _enough_figures(body):
        return None
    return text_grid(x0, x1, header, body_bands, ys[0], ys[-1], ys[1:-1])


# --- no rules ------------------------------------------------------------------------------

def stream_grids(lines: list[PageLine]) -> list[Grid]:
    """Runs of lines from a line with ≥ 2 standalone amounts on, with at most MAX_BETWEEN other
    lines (label-only rows, wrapped labels) between two such lines and at most 3 sizes from
    line to line."""
    out = []
    i = 0
    while i < len(lines):
        if not lines[i].row_of_amounts():
            i += 1
            continue
        j = last = i
        while j + 1 < len(lines) and lines[j + 1].base - lines[j].base <= 3.0 * lines[j].size:
            j += 1
            if lines[j].row_of_amounts():
                last = j
            elif j - last > MAX_BETWEEN:
                j -= 1
                break
        out += _stream_tables(lines, lines[i:j + 1])
        i = j + 1
    return out


def _stream_tables(lines: list[PageLine], run: list[PageLine]) -> list[Grid]:
    """A run as tables: cut where a line runs across a gap between the amounts' columns (a
    sentence; a long label may reach into a gap but not over it), each piece from its first
    amount line to its last or the label-only rows right under it (no farther apart than its
    usual pitch), and kept when ≥ MIN_STREAM_LINES lines hold ≥ 2 amounts."""
    amount_lines = [ln for ln in run if ln.row_of_amounts()]
    if len(amount_lines) < MIN_STREAM_LINES:
        return []
    blocks = column_blocks(amount_lines)
    gaps = [(a[1], b[0]) for a, b in zip(blocks, blocks[1:])]
    pieces: list[list[PageLine]] = [[]]
    for ln in run:
        if not ln.row_of_amounts() and any(a < lo and b > hi for a, b, _ in ln.segs for lo, hi in gaps):
            pieces.append([])
        else:
            pieces[-1].append(ln)
    out = []
    for piece in pieces:
        # lines before the first amount line are the header, found above the body
        piece = _trim_tail(piece[next((k for k, ln in enumerate(piece) if ln.row_of_amounts()), len(piece)):])
        if sum(1 for ln in piece if ln.row_of_amounts()) >= MIN_STREAM_LINES and len(column_blocks(piece)) >= 2:
            grid = _stream_table(lines, piece)
            if grid is not None:
                out.append(grid)
    return out


def _trim_tail(piece: list[PageLine]) -> list[PageLine]:
    """Lines after the last amount line stay only while they follow at the piece's usual
    line pitch (label-only rows closing a table, not a heading after it)."""
    last = max((k for k, ln in enumerate(piece) if ln.row_of_amounts()), default=-1)
    if last < 1:
        return piece[:last + 1]
    steps = sorted(b.base - a.base for a, b in zip(piece[:last], piece[1:last + 1]))
    pitch = steps[len(steps) // 2]
    end = last
    while end + 1 < len(piece) and piece[end + 1].base - piece[end].base <= 1.5 * pitch:
        end += 1
    return piece[:end + 1]


def _stream_table(lines: list[PageLine], body: list[PageLine]) -> Grid | None:
    """`body` (a piece of `lines`) as a grid with the header lines just above it."""
    x0 = min(ln.x0 for ln in body) - 1.0
    x1 = max(ln.x1 for ln in body) + 1.0
    amount_lines = [ln for ln in body if ln.row_of_amounts()]
    _, n_amt = figure_columns(amount_lines, column_blocks(body))
    if n_amt < 2:  # amounts aligned in ≥ 2 columns
        return None
    header = _stream_header(lines, body, x0, x1)
    first = header[0] if header else body[0]
    top = first.base - 1.1 * first.size
    bottom = body[-1].base + 0.4 * body[-1].size
    return text_grid(x0, x1, header, [body], top, bottom)


def _stream_header(lines: list[PageLine], body: list[PageLine], x0: float, x1: float) -> list[PageLine]:
    """Lines just above the body with ≥ 2 segments and no amount, within its width, each no
    farther than 2.5 rows from the next (a title is one segment and ends the header)."""
    pitch = (body[-1].base - body[0].base) / max(1, len(body) - 1)
    header: list[PageLine] = []
    above = body[0]
    k = lines.index(body[0]) - 1
    while k >= 0 and len(header) < MAX_HEADER_LINES:
        ln = lines[k]
        if (len(ln.segs) < 2 or ln.amounts() or not _within(ln, x0, x1)
                or above.base - ln.base > 2.5 * max(pitch, 1.2 * ln.size)):
            break
        header.insert(0, ln)
        above = ln
        k -= 1
    return header
