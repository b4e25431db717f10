"""Rows from text baselines, where no rule separates them.

Entry point: `split_unruled_bands(grid, cell_chars, cell_texts)`, called by
`pipeline.extract.native.extract_page` for a ruled grid one of whose cells stacks figures: a
ruled frame with column rules but no rules between body rows (the Jiangsu 部门预算公开表 draw
column rules and the frame as 0.5 pt rectangles, one page 27 vertical and 7 horizontal, none
between body rows) becomes the same grid with each unruled band split into rows at its text
lines.
`group_rows` and `row_cuts` (baselines → rows → row boundaries) also serve the tables whose
columns come from text alignment (`pipeline.extract.text_tables`).

A character is `(x0, x1, baseline, ref_y, size, char)` as `native.page_chars` makes it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.geometry import Grid, Segment, build_grid

Char = tuple[float, float, float, float, float, str]

# A whole cell line that is a figure: `1,234.56`, `-12.5`, `12.5%`, `2010301`.
FIGURE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
# A line opening a new item (一、 （二） 3. 第四) is never the wrapped end of the line above.
ITEM_START = re.compile(r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
                        r"|\d+[、.．](?!\d)|第[一二三四五六七八九十\d]+)")
_TWO_DECIMALS = re.compile(r"\.\d\d%?$")  # an amount that is complete as it stands
PLACEHOLDERS = frozenset(["-", "—", "–", "/", "--", "——", "／", "－"])  # an empty figure cell's mark

SAME_LINE = 0.4  # × size: baselines this close are one text line (a figure centred between the
# two lines of a wrapped label sits ~0.6 size off each, so it stays a line of its own)
CLOSE = 0.75  # × row pitch: lines closer than this are one row (wrapped label, centred figure)
CLOSE_FIGURES = 0.5  # × row pitch: the same for figures joining a row that has figures: one
# producer sets some columns 0.24 pitch above the others; a short last row (合计) came 0.73 below
FULL = 1.5  # × size: a line ending this near its column's right edge was wrapped there (one
# glyph did not fit, plus the cell's padding)


def is_figure(text: str) -> bool:
    return FIGURE.fullmatch(text) is not None


def is_value(text: str) -> bool:
    """A figure or an empty-figure mark: what a row's amount cell holds."""
    return text in PLACEHOLDERS or FIGURE.fullmatch(text) is not None


@dataclass
class TextLine:
    """One line of text in one column (or ruled cell) of a table."""

    col: int
    base: float
    size: float
    x0: float
    x1: float
    text: str
    ref_top: float  # smallest ref_y of its characters: where placement puts the line
    ref_bottom: float

    @property
    def value(self) -> bool:
        return is_value(self.text)

    @property
    def top(self) -> float:  # ink top, roughly: ascent of a CJK font
        return self.base - 0.8 * self.size

    @property
    def bottom(self) -> float:
        return self.base + 0.2 * self.size


def cluster_baselines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by baseline, top to bottom (as `native.assemble_text`)."""
    out: list[list[Char]] = []
    for ch in sorted(chars, key=lambda ch: ch[2]):
        if out and abs(ch[2] - out[-1][0][2]) <= max(ch[4], out[-1][0][4]) * 0.45:
            out[-1].append(ch)
        else:
            out.append([ch])
    for group in out:
        group.sort(key=lambda ch: ch[0])
    return out


def column_lines(col: int, chars: list[Char]) -> list[TextLine]:
    """The text lines of one column's characters."""
    lines = []
    for g in cluster_baselines(chars):
        refs = [ch[3] for ch in g]
        lines.append(TextLine(col, sum(ch[2] for ch in g) / len(g), max(ch[4] for ch in g), g[0][0],
                              max(ch[1] for ch in g), "".join(ch[5] for ch in g), min(refs), max(refs)))
    return lines


def stacked_figures(text: str) -> bool:
    """A cell holding two or more lines that are each a figure: rows without a rule between."""
    return "\n" in text and figure_lines(text) >= 2


# --- rows from baselines -------------------------------------------------------------------

@dataclass
class _Slot:
    lines: list[TextLine] = field(default_factory=list)

    @property
    def base(self) -> float:
        return self.lines[0].base

    def value_cols(self) -> set[int]:
        return {ln.col for ln in self.lines if ln.value}


def _slots(lines: list[TextLine]) -> list[_Slot]:
    """Lines of all columns sharing a baseline: one row's worth each, before wraps are joined."""
    slots: list[_Slot] = []
    for ln in sorted(lines, key=lambda ln: ln.base):
        if slots and ln.base - slots[-1].base <= SAME_LINE * max(ln.size, slots[-1].lines[0].size):
            slots[-1].lines.append(ln)
        else:
            slots.append(_Slot([ln]))
    return slots


def _row_pitch(lines: list[TextLine]) -> float | None:
    """The height of a one-line row: the smallest distance between two figures of one column
    (each is a row of its own; wrapped rows and label-only rows between them only make
    distances longer). Figures of different columns do not count: one producer sets some
    columns' figures 7 pt above the others' in the same 30 pt row."""
    by_col: dict[int, list[float]] = {}
    for ln in lines:
        if ln.value:
            by_col.setdefault(ln.col, []).append(ln.base)
    diffs = [b - a for bases in by_col.values() for a, b in zip(sorted(bases), sorted(bases)[1:])]
    return min(diffs) if diffs else None


def group_rows(lines: list[TextLine], right: dict[int, float]) -> list[list[TextLine]]:
    """Text lines of a band → its rows, top to bottom.

    Every baseline starts a row, except a line that continues the row above: it lies closer to
    it than the usual row pitch allows (a label wrapped in a taller row, a figure centred between
    the two lines of its label; figures joining figures must be closer still), or it holds no
    figure and every column it writes in ended its last line at the column's right edge (the
    label wrapped there) and does not open a new item (`二十一、`). A figure in a column that
    already has one in the current row always starts a new row. `right[col]` is the x where a
    column's text must wrap."""
    slots = _slots(lines)
    if not slots:
        return []
    pitch = _row_pitch(lines)
    rows: list[list[_Slot]] = [[slots[0]]]
    last: dict[int, tuple[TextLine, int]] = {ln.col: (ln, 0) for ln in slots[0].lines}
    for slot in slots[1:]:
        current = rows[-1]
        figures_here = set().union(*(s.value_cols() for s in current))
        conflict = bool(slot.value_cols() & figures_here)
        near = CLOSE_FIGURES if slot.value_cols() and figures_here else CLOSE
        close = pitch is not None and slot.base - current[-1].base < near * pitch
        wrapped = not slot.value_cols() and all(
            ln.col in last and not last[ln.col][0].value and not ITEM_START.match(ln.text)
            and right[ln.col] - last[ln.col][0].x1 <= FULL * last[ln.col][0].size
            for ln in slot.lines
        )
        if close and not conflict:
            current.append(slot)
        elif wrapped:
            start = min(last[ln.col][1] for ln in slot.lines)
            merged = [s for row in rows[start:] for s in row] + [slot]
            del rows[start:]
            rows.append(merged)
        else:
            rows.append([slot])
        k = len(rows) - 1
        for col, (ln, idx) in list(last.items()):
            if idx > k:  # its row was merged into row k
                last[col] = (ln, k)
        for ln in slot.lines:
            last[ln.col] = (ln, k)
    return [[ln for s in row for ln in s.lines] for row in rows]


def row_cuts(rows: list[list[TextLine]], rules: Sequence[float] = ()) -> list[float]:
    """y of the boundary between each two consecutive rows: a rule lying between them, else
    the middle of the whitespace, kept between the placement points of the two rows' characters
    (so every character lands in its row)."""
    cuts = []
    for upper, lower in zip(rows, rows[1:]):
        lo = max(ln.ref_bottom for ln in upper)
        hi = min(ln.ref_top for ln in lower)
        between = [y for y in rules if lo < y < hi]
        if between:
            cuts.append(between[0])
            continue
        y = (max(ln.bottom for ln in upper) + min(ln.top for ln in lower)) / 2
        cuts.append(min(max(y, lo + 0.01), hi - 0.01) if lo < hi else (lo + hi) / 2)
    return cuts


# --- case 1: column rules, no rules between body rows --------------------------------------

def join_wrapped_figures(lines: list[TextLine], left: float, right: float) -> list[TextLine]:
    """One cell's lines with an amount wrapped inside it joined back (`264,334.8` over `9`: the
    first part spans the cell from edge to edge, has a separator but not yet two decimals, and
    the two parts read as one figure). Stacked codes (`2010101` over `2010102`) stay apart."""
    out: list[TextLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and is_figure(prev.text) and ("," in prev.text or "." in prev.text)
                and not _TWO_DECIMALS.search(prev.text) and is_figure(prev.text + ln.text)
                and prev.x0 - left <= FULL * prev.size and right - prev.x1 <= FULL * prev.size):
            out[-1] = TextLine(prev.col, prev.base, prev.size, min(prev.x0, ln.x0), max(prev.x1, ln.x1),
                               prev.text + ln.text, prev.ref_top, ln.ref_bottom)
        else:
            out.append(ln)
    return out


def split_unruled_bands(grid: Grid, cell_chars: list[list[Char]], cell_texts: list[str]) -> Grid | None:
    """Split each band of elementary rows that holds several rows of text without a rule
    between them. A band qualifies when one of its cells stacks ≥ 2 figures (a figure wrapped
    inside its cell is joined back first; wrapped labels alone do not qualify), no cell spans
    into a neighbouring band, and it has ≥ 2 cells; and only when the table has more rows of
    figures stacked in bands than rows the rulings separate (a ruled table where one cell holds
    two figures keeps its grid). The grid is rebuilt from its rulings plus one virtual rule per
    row boundary, so cells merge across columns row by row as ruled cells do (a `合计` spanning
    code and name). Returns None when nothing splits."""
    spanned: set[int] = set()
    band_cells: dict[int, list[int]] = {}
    for i, (r, _, rs, _) in enumerate(grid.cells):
        if rs == 1:
            band_cells.setdefault(r, []).append(i)
        else:
            spanned.update(range(r, r + rs))
    ruled, unruled = _figure_rows(band_cells, cell_texts)
    if unruled <= ruled:
        return None  # the body is ruled row by row: a cell with two figures is just that
    virtual: list[Segment] = []
    for r, idxs in band_cells.items():
        if r in spanned or len(idxs) < 2 or not any(stacked_figures(cell_texts[i]) for i in idxs):
            continue
        lines = []
        stacked = False
        for i in idxs:
            c, cs = grid.cells[i][1], grid.cells[i][3]
            cell_lines = join_wrapped_figures(column_lines(c, cell_chars[i]), grid.xs[c], grid.xs[c + cs])
            stacked = stacked or sum(1 for ln in cell_lines if is_figure(ln.text)) >= 2
            lines += cell_lines
        if not stacked:
            continue
        right = {grid.cells[i][1]: grid.xs[grid.cells[i][1] + grid.cells[i][3]] for i in idxs}
        rows = group_rows(lines, right)
        virtual += [Segment(y, grid.xs[0], grid.xs[-1]) for y in row_cuts(rows)]
    if not virtual:
        return None
    return build_grid(grid.hs + virtual, grid.vs)


def _figure_rows(band_cells: dict[int, list[int]], cell_texts: list[str]) -> tuple[int, int]:
    """(rows of figures the rulings separate: bands whose cells hold one figure at most, rows of
    figures stacked in bands: the most figures one cell of such a band holds, summed)."""
    ruled = unruled = 0
    for idxs in band_cells.values():
        most = max((figure_lines(cell_texts[i]) for i in idxs), default=0)
        if most == 1:
            ruled += 1
        elif most > 1:
            unruled += most
    return ruled, unruled


def figure_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if FIGURE.fullmatch(line.strip()))


def owner_map(cells: list[tuple[int, int, int, int]], nr: int, nc: int) -> list[list[int]]:
    owner = [[0] * nc for _ in range(nr)]
    for i, (r, c, rs, cs) in enumerate(cells):
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                owner[rr][cc] = i
    return owner
