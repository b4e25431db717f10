"""Ruling lines → table grids.

Explicit geometry, as in pdfplumber's table finder: snap and join the ruling segments, group
the ones that touch into table regions, lay the elementary grid over each region and merge the
elementary cells that no ruling separates (merged header cells, row spans).
"""
from __future__ import annotations

from dataclasses import dataclass, field

SNAP = 1.6  # pt: ruling ends drawn by different strokes land this far apart
JOIN = 2.5  # pt: gap bridged between collinear segments
MIN_LEN = 3.0  # pt: shorter strokes are tick marks or glyph parts, not rulings
COVER = 0.6  # share of an edge a ruling must cover to separate two cells


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
    def bbox(self):
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def split_orientation(lines, rects):
    """Horizontal and vertical segments from line items (x0, y0, x1, y1) and rectangles.

    Thin rectangles are rulings; a larger stroked rectangle contributes its four edges."""
    hs, vs = raw_segments(lines, rects)
    return join_collinear(hs), join_collinear(vs)


def raw_segments(lines, rects) -> tuple[list[Segment], list[Segment]]:
    """`split_orientation` without snapping and joining: one segment per stroke (cheap)."""
    hs, vs = [], []
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


def group_regions(hs: list[Segment], vs: list[Segment]):
    """Connected groups of touching rulings: each is one table candidate."""
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vs_sorted = sorted(range(len(vs)), key=lambda j: vs[j].pos)
    vpos = [vs[j].pos for j in vs_sorted]
    import bisect

    for i, h in enumerate(hs):
        start = bisect.bisect_left(vpos, h.lo - JOIN)
        for k in range(start, len(vs_sorted)):
            j = vs_sorted[k]
            if vs[j].pos > h.hi + JOIN:
                break
            if _touches(h, vs[j]):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(segs: list[Segment], pos: float, lo: float, hi: float) -> bool:
    need = (hi - lo) * COVER
    got = 0.0
    for s in segs:
        if abs(s.pos - pos) <= SNAP:
            got += max(0.0, min(hi, s.hi) - max(lo, s.lo))
    return got >= need


def merge_cells(nr: int, nc: int, open_right, open_below) -> list[tuple[int, int, int, int, list[tuple[int, int]]]]:
    """Elementary cells joined where nothing separates them (`open_right(r, c)`: no border
    between (r, c) and (r, c+1); `open_below(r, c)` likewise downwards) → (row, col, row_span,
    col_span, members) per merged cell, top-left anchored, in reading order. A merged cell is a
    rectangle; a region that is not (an outer frame drawn around title and table leaves an L of
    unruled space) is split into its rows' horizontal runs."""
    parent = list(range(nr * nc))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and open_right(r, c):
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and open_below(r, c):
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    boxes: list[tuple[int, int, int, int, list[tuple[int, int]]]] = []
    for members in groups.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
            boxes.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1, sorted(members)))
            continue
        for r in range(r0, r1 + 1):
            cols = sorted(c for rr, c in members if rr == r)
            start = prev = cols[0]
            for c in cols[1:] + [None]:
                if c is None or c != prev + 1:
                    boxes.append((r, start, 1, prev - start + 1, [(r, k) for k in range(start, prev + 1)]))
                    if c is not None:
                        start = c
                if c is not None:
                    prev = c
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
