"""Ruling lines → table grids → raw tables, for every extractor that reads rulings.

Entry points: `table_grids(regions)` (the grids of the ruled regions that are tables) and
`grid_table(grid, texts, page_no, source)` (a grid and its cell texts → `RawTable`). The
native extractor (`pipeline.extract.native`, rulings from the PDF's drawings) and the OCR
path (`pipeline.ocr`, rulings found in the page image) both go through them, so merged cells
get the same spans and tables the same limits whichever way a page is read.

Explicit geometry, as in pdfplumber's table finder: snap and join the ruling segments, group
the ones that touch into table regions (`split_orientation`, `group_regions`), lay the
elementary grid over each region and merge the elementary cells that no ruling separates
(merged header cells, row spans: `build_grid`, `merge_cells`).
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pipeline.model import BBox, Cell, RawTable, TableSource

SNAP = 1.6  # pt: ruling ends drawn by different strokes land this far apart
JOIN = 2.5  # pt: gap bridged between collinear segments
MIN_LEN = 3.0  # pt: shorter strokes are tick marks or glyph parts, not rulings
COVER = 0.6  # share of an edge a ruling must cover to separate two cells
MIN_TABLE_AREA = 400.0  # pt²: smaller ruled boxes are decorations

Line = tuple[float, float, float, float]  # a line item or rectangle: x0, y0, x1, y1 in points
Region = tuple[list["Segment"], list["Segment"]]  # touching horizontal and vertical rulings
MergedCell = tuple[int, int, int, int, list[tuple[int, int]]]  # row, col, row_span, col_span, members


@dataclass
class Segment:
    pos: float  # y of a horizontal, x of a vertical
    lo: float
    hi: float


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    cells: list[tuple[int, int, int, int]]  # row, col, row_span, col_span
    owner: list[list[int]]  # elementary (row, col) → index in cells
    hs: list[Segment] = field(default_factory=list)  # the rulings it was built from
    vs: list[Segment] = field(default_factory=list)

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def split_orientation(lines: Iterable[Line], rects: Iterable[Line]) -> tuple[list[Segment], list[Segment]]:
    """Horizontal and vertical segments from line items (x0, y0, x1, y1) and rectangles.

    Thin rectangles are rulings; a larger stroked rectangle contributes its four edges."""
    hs, vs = raw_segments(lines, rects)
    return join_collinear(hs), join_collinear(vs)


def raw_segments(lines: Iterable[Line], rects: Iterable[Line]) -> tuple[list[Segment], list[Segment]]:
    """`split_orientation` without snapping and joining: one segment per stroke (cheap)."""
    hs: list[Segment] = []
    vs: list[Segment] = []
    for x0, y0, x1, y1 in lines:
        if abs(y1 - y0) <= 1.0 and abs(x1 - x0) >= MIN_LEN:
            hs.append(Segment((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 1.0 and abs(y1 - y0) >= MIN_LEN:
            vs.append(Segment((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    for x0, y0, x1, y1 in rects:
        w, h = x1 - x0, y1 - y0
        if h <= 2.0 and w >= MIN_LEN:
            hs.append(Segment((y0 + y1) / 2, x0, x1))
        elif w <= 2.0 and h >= MIN_LEN:
            vs.append(Segment((x0 + x1) / 2, y0, y1))
        elif w >= MIN_LEN and h >= MIN_LEN:
            hs += [Segment(y0, x0, x1), Segment(y1, x0, x1)]
            vs += [Segment(x0, y0, y1), Segment(x1, y0, y1)]
    return hs, vs


def cluster_positions(values: list[float], tol: float = SNAP) -> list[float]:
    """Sorted representative positions of values lying within `tol` of each other."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _snap(value: float, anchors: list[float]) -> float:
    best = min(anchors, key=lambda a: abs(a - value))
    return best if abs(best - value) <= SNAP else value


def join_collinear(segs: list[Segment]) -> list[Segment]:
    """Snap segments to shared positions and join the ones that overlap or nearly touch."""
    if not segs:
        return []
    anchors = cluster_positions([s.pos for s in segs])
    by_pos: dict[float, list[Segment]] = {}
    for s in segs:
        by_pos.setdefault(_snap(s.pos, anchors), []).append(s)
    out = []
    for pos, group in by_pos.items():
        group.sort(key=lambda s: s.lo)
        cur = Segment(pos, group[0].lo, group[0].hi)
        for s in group[1:]:
            if s.lo <= cur.hi + JOIN:
                cur.hi = max(cur.hi, s.hi)
            else:
                out.append(cur)
                cur = Segment(pos, s.lo, s.hi)
        out.append(cur)
    return out


def _touches(h: Segment, v: Segment) -> bool:
    return h.lo - JOIN <= v.pos <= h.hi + JOIN and v.lo - JOIN <= h.pos <= v.hi + JOIN


def _find(parent: list[int], i: int) -> int:
    """Union-find root of `i`, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_regions(hs: list[Segment], vs: list[Segment]) -> list[Region]:
    """Connected groups of touching rulings: each is one table candidate."""
    parent = list(range(len(hs) + len(vs)))
    vs_sorted = sorted(range(len(vs)), key=lambda j: vs[j].pos)
    vpos = [vs[j].pos for j in vs_sorted]
    for i, h in enumerate(hs):
        start = bisect.bisect_left(vpos, h.lo - JOIN)
        for k in range(start, len(vs_sorted)):
            j = vs_sorted[k]
            if vs[j].pos > h.hi + JOIN:
                break
            if _touches(h, vs[j]):
                parent[_find(parent, i)] = _find(parent, len(hs) + j)
    groups: dict[int, Region] = {}
    for i, h in enumerate(hs):
        groups.setdefault(_find(parent, i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(_find(parent, len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(segs: list[Segment], pos: float, lo: float, hi: float) -> bool:
    need = (hi - lo) * COVER
    got = 0.0
    for s in segs:
        if abs(s.pos - pos) <= SNAP:
            got += max(0.0, min(hi, s.hi) - max(lo, s.lo))
    return got >= need


def _row_runs(members: list[tuple[int, int]], r0: int, r1: int) -> list[MergedCell]:
    """A region that is no rectangle, as its rows' runs of adjacent elementary cells."""
    boxes: list[MergedCell] = []
    for r in range(r0, r1 + 1):
        cols = sorted(c for rr, c in members if rr == r)
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                boxes.append((r, start, 1, prev - start + 1, [(r, k) for k in range(start, prev + 1)]))
                start = c
            prev = c
        boxes.append((r, start, 1, prev - start + 1, [(r, k) for k in range(start, prev + 1)]))
    return boxes


def merge_cells(nr: int, nc: int, open_right: Callable[[int, int], bool],
                open_below: Callable[[int, int], bool]) -> list[MergedCell]:
    """Elementary cells joined where nothing separates them (`open_right(r, c)`: no border
    between (r, c) and (r, c+1); `open_below(r, c)` likewise downwards) → (row, col, row_span,
    col_span, members) per merged cell, top-left anchored, in reading order. A merged cell is a
    rectangle; a region that is not (an outer frame drawn around title and table leaves an L of
    unruled space) is split into its rows' horizontal runs."""
    parent = list(range(nr * nc))
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and open_right(r, c):
                parent[_find(parent, r * nc + c + 1)] = _find(parent, r * nc + c)
            if r + 1 < nr and open_below(r, c):
                parent[_find(parent, (r + 1) * nc + c)] = _find(parent, r * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(_find(parent, r * nc + c), []).append((r, c))
    boxes: list[MergedCell] = []
    for members in groups.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
            boxes.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, sorted(members)))
        else:
            boxes += _row_runs(members, r0, r1)
    boxes.sort()
    return boxes


def build_grid(hs: list[Segment], vs: list[Segment]) -> Grid | None:
    """Elementary grid of one region, with cells merged where no ruling separates them."""
    xs = cluster_positions([v.pos for v in vs])
    ys = cluster_positions([h.pos for h in hs])
    if len(xs) < 2 or len(ys) < 2:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    boxes = merge_cells(
        nr, nc,
        lambda r, c: not _covered(vs, xs[c + 1], ys[r], ys[r + 1]),
        lambda r, c: not _covered(hs, ys[r + 1], xs[c], xs[c + 1]),
    )
    cells = [(r0, c0, rs, cs) for r0, c0, rs, cs, _ in boxes]
    owner_of = {rc: i for i, box in enumerate(boxes) for rc in box[4]}
    owner = [[owner_of[(r, c)] for c in range(nc)] for r in range(nr)]
    return Grid(xs, ys, cells, owner, hs, vs)


def is_table(grid: Grid, min_cols: int = 1, min_width: float = 0.0) -> bool:
    """Whether a ruled grid is a table: `MIN_TABLE_AREA` or more, two cells at least, and
    `min_cols` columns and `min_width` points across."""
    x0, y0, x1, y1 = grid.bbox
    return ((x1 - x0) * (y1 - y0) >= MIN_TABLE_AREA and len(grid.cells) >= 2
            and len(grid.xs) - 1 >= min_cols and x1 - x0 >= min_width)


def table_grids(regions: Iterable[Region], min_cols: int = 1, min_width: float = 0.0) -> list[Grid]:
    """The grids of ruled regions (`group_regions`) that are tables (`is_table`), top to
    bottom, then left to right."""
    grids = [grid for grid in (build_grid(hs, vs) for hs, vs in regions)
             if grid is not None and is_table(grid, min_cols, min_width)]
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


def grid_table(grid: Grid, texts: Sequence[str], page_no: int, source: TableSource,
               scores: Sequence[float] | None = None) -> RawTable:
    """A grid and the text of each of its cells (in `grid.cells` order; with a confidence
    each when `scores` is given, else 1.0) → the page's `RawTable`."""
    cells = []
    for i, ((r, c, rs, cs), text) in enumerate(zip(grid.cells, texts)):
        bbox = (grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs])
        cells.append(Cell(r, c, text, bbox, rs, cs, scores[i] if scores is not None else 1.0, page_no))
    n_rows = len(grid.ys) - 1
    return RawTable(cells=cells, n_rows=n_rows, n_cols=len(grid.xs) - 1, page=page_no, source=source,
                    bbox=grid.bbox, page_end=page_no, row_pages=[page_no] * n_rows, col_edges=list(grid.xs))
