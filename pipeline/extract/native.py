"""Native extraction: tables from a PDF's ruling lines and text layer, one pass per page.

PyMuPDF's own table text is not used: on real 决算 PDFs it puts punctuation glyphs (一 、 , .)
on line boxes of their own and returns `'294005\\n, .'` for `2,940.05`. Instead every character
of `rawdict` is placed into the cell that holds its baseline point, and cell text is assembled
line by line (grouped by baseline, ordered by x).

Grids come from the rulings (`pipeline.geometry`, shared with the OCR path) and, where rulings are missing, from
the text itself (`pipeline.extract.text_rows`): rows from baselines in a band without row rules,
columns from text alignment under horizontal rules only or with no rules at all.
"""
from __future__ import annotations

import bisect

import pymupdf

from pipeline.extract import text_rows, text_tables
from pipeline.extract.text_rows import Char
from pipeline.geometry import (
    SNAP,
    Grid,
    Line,
    Region,
    Segment,
    build_grid,
    grid_table,
    group_regions,
    join_collinear,
    raw_segments,
    split_orientation,
    table_grids,
)
from pipeline.model import PageText, RawTable

Visible = tuple[list[Line], list[Line]]  # the line items and rectangles a reader sees
Seen = tuple[list[Segment], list[Segment]]  # visible rulings, horizontal and vertical


def page_segments(page: pymupdf.Page) -> tuple[list[Line], list[Line], Visible | None]:
    """Ruling lines and rectangles of a page in its displayed (derotated) coordinates, and
    the visible ones alone `(lines, rects)` where some path only fills white (a cell or page
    background: nothing a reader sees), else None."""
    mat = page.rotation_matrix if page.rotation else None
    lines: list[Line] = []
    rects: list[Line] = []
    ghost_lines: set[int] = set()
    ghost_rects: set[int] = set()
    for path in page.get_drawings():
        fill = path.get("fill")  # a path that only fills white draws nothing on white paper
        ghost = fill is not None and path["type"] == "f" and min(fill) >= 0.95
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                p, q = item[1], item[2]
                if mat is not None:
                    p, q = p * mat, q * mat
                if ghost:
                    ghost_lines.add(len(lines))
                lines.append((p.x, p.y, q.x, q.y))
                continue
            if kind == "re":
                r = item[1] if mat is None else item[1] * mat
                r.normalize()
            elif kind == "qu":
                r = item[1].rect if mat is None else (item[1] * mat).rect
            else:
                continue
            if ghost:
                ghost_rects.add(len(rects))
            rects.append((r.x0, r.y0, r.x1, r.y1))
    if not ghost_lines and not ghost_rects:
        return lines, rects, None
    visible = ([x for i, x in enumerate(lines) if i not in ghost_lines],
               [x for i, x in enumerate(rects) if i not in ghost_rects])
    return lines, rects, visible


TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP


def page_chars(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> list[Char]:
    """(x0, x1, baseline_y, ref_y, size, char) for every character, derotated.

    `ref_y` sits a third of the font size above the baseline: inside the line box whatever the
    glyph's ink, so a 、 or , lands in the same cell and line as the digits around it. Text
    drawn again on itself is kept once (`drop_overprints`)."""
    mat = page.rotation_matrix if page.rotation else None
    out: list[Char] = []
    append = out.append
    seen: set[tuple[str, int, int]] = set()
    starts: list[int] = []  # index in `out` where each span's characters begin
    overprinted = False
    raw = page.get_text("rawdict", flags=TEXT_FLAGS, textpage=textpage)
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                chars = span["chars"]
                if not chars:
                    continue
                # two set lookups per span find text drawn again on itself (fake bold draws a
                # string several times, or a title's tail over it): its first or last glyph at
                # the same place; only such a page pays for `drop_overprints`
                for ch in (chars[0], chars[-1]) if len(chars) > 1 else chars:
                    o = ch["origin"]
                    key = (ch["c"], round(o[0]), round(o[1]))
                    overprinted = overprinted or key in seen
                    seen.add(key)
                starts.append(len(out))
                size = span["size"]
                third = size / 3.0
                for ch in chars:
                    c = ch["c"]
                    if not c or c.isspace():
                        continue
                    if "\ud800" <= c <= "\udfff":  # a lone surrogate from a broken font map: not text, and no
                        c = "\ufffd"  # UTF-8 file or page could hold it (a fuzzed sample crashed the run)
                    if mat is None:
                        bbox = ch["bbox"]
                        oy = ch["origin"][1]
                        append((bbox[0], bbox[2], oy, oy - third, size, c))
                        continue
                    box = pymupdf.Rect(ch["bbox"]) * mat
                    # after derotation the baseline is the bottom of the glyph box
                    oy = box.y1 - (box.y1 - box.y0) * 0.2
                    append((box.x0, box.x1, oy, oy - third, size, c))
    return drop_overprints(out, starts) if overprinted else out


def drop_overprints(chars: list[Char], starts: list[int]) -> list[Char]:
    """Characters drawn again on themselves ("fake bold": the same glyph at sub-point offsets,
    a title printed six times) kept once: a glyph within min(1 pt, 0.15 × size) of the same
    glyph already kept is dropped. In real text the nearest other copy of a glyph is a glyph
    advance away (≥ 0.5 × size for a digit); only a span that sets zero-width glyphs all on
    one point (a `2026` seen on a cover) repeats one in place, and keeps it."""
    kept: list[Char] = []
    buckets: dict[tuple[str, int, int], list[tuple[float, float, int]]] = {}
    span = -1
    next_start = 0
    for i, ch in enumerate(chars):
        while next_start < len(starts) and starts[next_start] <= i:
            span, next_start = next_start, next_start + 1
        x0, base, c = ch[0], ch[2], ch[5]
        tol = min(1.0, 0.15 * ch[4])
        bx, by = int(x0), int(base)
        flat = ch[1] - x0 < 0.1  # a zero-width glyph has no place of its own
        hit = any(abs(o[0] - x0) <= tol and abs(o[1] - base) <= tol and (o[2] != span or not flat)
                  for dx in (-1, 0, 1) for dy in (-1, 0, 1) for o in buckets.get((c, bx + dx, by + dy), ()))
        if not hit:
            kept.append(ch)
            buckets.setdefault((c, bx, by), []).append((x0, base, span))
    return kept


def assemble_text(chars: list[Char]) -> str:
    """Characters → text: lines by baseline (top to bottom), characters by x; a space where
    the gap between two characters is wider than half the font size."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda ch: ch[2])
    lines: list[list[Char]] = []
    for ch in chars:
        if lines and abs(ch[2] - lines[-1][0][2]) <= max(ch[4], lines[-1][0][4]) * 0.45:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    texts = []
    for line in lines:
        line.sort(key=lambda ch: ch[0])
        parts = [line[0][5]]
        for prev, ch in zip(line, line[1:]):
            if ch[0] - prev[1] > ch[4] * 0.5:
                parts.append(" ")
            parts.append(ch[5])
        texts.append("".join(parts))
    return "\n".join(texts)


def text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """Free text (outside tables) as (top y, text) lines, top to bottom."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda ch: (ch[2], ch[0]))
    groups: list[list[Char]] = []
    for ch in chars:
        if groups and abs(ch[2] - groups[-1][0][2]) <= ch[4] * 0.45:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return [(g[0][3] - g[0][4] * 0.4, assemble_text(g)) for g in groups]


def _locate(grid: Grid, x: float, y: float) -> int | None:
    c = bisect.bisect_right(grid.xs, x) - 1
    r = bisect.bisect_right(grid.ys, y) - 1
    if 0 <= r < len(grid.ys) - 1 and 0 <= c < len(grid.xs) - 1:
        return grid.owner[r][c]
    return None


def _place(grids: list[Grid], chars: list[Char]) -> tuple[list[list[list[Char]]], list[Char]]:
    """Each character into the cell of the first grid holding its centre and reference point;
    the rest is free text."""
    per_cell: list[list[list[Char]]] = [[[] for _ in g.cells] for g in grids]
    free: list[Char] = []
    boxes = [g.bbox for g in grids]
    for ch in chars:
        cx = (ch[0] + ch[1]) / 2
        for gi, (x0, y0, x1, y1) in enumerate(boxes):
            if x0 <= cx <= x1 and y0 <= ch[3] <= y1:
                idx = _locate(grids[gi], cx, ch[3])
                if idx is not None:
                    per_cell[gi][idx].append(ch)
                    break
        else:
            free.append(ch)
    return per_cell, free


def _ruled_grids(lines: list[Line], rects: list[Line],
                 visible: Visible | None) -> tuple[list[Grid], list[Segment], Seen | None]:
    """Grids of the ruled regions, the visible horizontal rules that belong to none, and the
    visible rulings (horizontal, vertical) where white fills exist, else None.

    A region drawn only by white fills is not a table: a notice set its prose lines each on a
    white box, and the boxes' edges made a grid of one cell per line. White fills still count
    where a visible ruling is in the region (an Excel export's white page background joins
    the table's frame), so that fully ruled grids stay as they are. One column is a text box,
    not a table (a framed contents list, a chart's legend): its text stays free text for
    titles and narrative."""
    hs, vs = split_orientation(lines, rects)
    # the visible strokes, unjoined: only ever asked whether one lies on a given ruling
    seen_h, seen_v = raw_segments(*visible) if visible is not None else (hs, vs)
    regions: list[Region] = [(region_h, region_v) for region_h, region_v in group_regions(hs, vs)
                             if visible is None or _has_visible(region_h, region_v, seen_h, seen_v)]
    in_region = {id(h) for region_h, _ in regions for h in region_h}
    free_hs = [h for h in hs if id(h) not in in_region]
    if visible is not None:
        free_hs = [h for h in free_hs if _on_visible(h, seen_h)]
    return table_grids(regions, min_cols=2), free_hs, (seen_h, seen_v) if visible is not None else None


def _visible_grid(grid: Grid, seen: Seen) -> Grid | None:
    """The grid of a region from its visible rulings alone: where a white cell background adds
    edges in one column only, the rows it seems to separate are not ruled."""
    x0, y0, x1, y1 = grid.bbox
    hs = [h for h in seen[0] if y0 - SNAP <= h.pos <= y1 + SNAP and h.lo < x1 and h.hi > x0]
    vs = [v for v in seen[1] if x0 - SNAP <= v.pos <= x1 + SNAP and v.lo < y1 and v.hi > y0]
    alt = build_grid(join_collinear(hs), join_collinear(vs)) if len(hs) >= 2 and len(vs) >= 2 else None
    return alt if alt is not None and len(alt.xs) >= 3 else None


def _ghost_rows(grid: Grid, seen_ys: list[float]) -> bool:
    """Whether an inner row line of the grid has no visible horizontal ruling at its y (a
    white fill drew it). Cheap: positions only, sorted."""
    for y in grid.ys[1:-1]:
        k = bisect.bisect_left(seen_ys, y - SNAP)
        if k == len(seen_ys) or seen_ys[k] > y + SNAP:
            return True
    return False


def _on_visible(seg: Segment, seen: list[Segment]) -> bool:
    return any(abs(s.pos - seg.pos) <= SNAP and s.lo < seg.hi and s.hi > seg.lo for s in seen)


def _has_visible(region_h: list[Segment], region_v: list[Segment], seen_h: list[Segment],
                 seen_v: list[Segment]) -> bool:
    """Whether a visible ruling lies on one of the region's rulings."""
    return any(_on_visible(r, seen_h) for r in region_h) or any(_on_visible(r, seen_v) for r in region_v)


def _stream_hint(lines: list[tuple[float, str]]) -> bool:
    """Cheap look at the free text (words split where `assemble_text` put a space): enough
    lines with ≥ 2 standalone amounts for `text_tables.stream_grids` to be worth running."""
    n = 0
    for _, text in lines:
        if sum(1 for w in text.split() if text_tables.AMOUNT.fullmatch(w)) >= 2:
            n += 1
            if n >= text_tables.MIN_STREAM_LINES:
                return True
    return False


def _split_grid(grids: list[Grid], per_cell: list[list[list[Char]]], texts: list[list[str]], gi: int,
                alt: Grid | None) -> list[Char]:
    """Rows from baselines in grid `gi`'s unruled bands (in place), tried first on `alt`, its
    grid from visible rulings alone. Returns the characters the new grid leaves outside (a
    visible frame can be smaller than a white page background): they are free text."""
    chars = [ch for chs in per_cell[gi] for ch in chs]
    for base in (alt, grids[gi]):
        if base is None:
            continue
        if base is alt:
            (cell_chars,), _ = _place([base], chars)
            cell_texts = [assemble_text(chs) for chs in cell_chars]
        else:
            cell_chars, cell_texts = per_cell[gi], texts[gi]
        split = text_rows.split_unruled_bands(base, cell_chars, cell_texts)
        if split is not None:
            grids[gi] = split
            (per_cell[gi],), left = _place([split], chars)
            texts[gi] = [assemble_text(chs) for chs in per_cell[gi]]
            return left
    return []


def _add_text_grids(found: list[Grid], free: list[Char], free_lines: list[tuple[float, str]], grids: list[Grid],
                    texts: list[list[str]]) -> tuple[list[Char], list[tuple[float, str]]]:
    """Place the free characters into grids found from text alignment; append those grids and
    their cell texts; return what stays free."""
    if not found:
        return free, free_lines
    per_cell, free = _place(found, free)
    grids += found
    texts += [[assemble_text(chs) for chs in cell_chars] for cell_chars in per_cell]
    return free, text_lines(free)


def extract_page(page: pymupdf.Page, page_no: int,
                 textpage: pymupdf.TextPage | None = None) -> tuple[list[RawTable], PageText]:
    """Raw tables and the free text lines of one page.

    Ruled regions first; a band of a ruled grid that stacks several rows of figures without a
    rule between them is split into rows at its baselines. Characters left outside every
    ruled grid are then searched for tables under horizontal rules only, and for unruled
    number tables."""
    lines, rects, visible = page_segments(page)
    grids: list[Grid] = []
    free_hs: list[Segment] = []
    seen: Seen | None = None
    if lines or rects:
        grids, free_hs, seen = _ruled_grids(lines, rects, visible)
    chars = page_chars(page, textpage)
    per_cell, free = _place(grids, chars)
    texts = [[assemble_text(chs) for chs in cell_chars] for cell_chars in per_cell]
    seen_ys = sorted(h.pos for h in seen[0]) if seen else []
    for gi, grid in enumerate(grids):
        # rows drawn only by white cell fills are no rows to a reader: try the visible grid
        alt = _visible_grid(grid, seen) if seen and _ghost_rows(grid, seen_ys) else None
        alt = alt if alt is not None and len(alt.ys) < len(grid.ys) else None
        if alt is not None or ("\n" in "".join(texts[gi]) and any(map(text_rows.stacked_figures, texts[gi]))):
            free += _split_grid(grids, per_cell, texts, gi, alt)
    free_lines = text_lines(free)
    if free and sum(1 for h in free_hs if h.hi - h.lo >= text_tables.MIN_RULE) >= 2:
        free, free_lines = _add_text_grids(text_tables.rule_stack_grids(free_hs, text_tables.page_lines(free)),
                                           free, free_lines, grids, texts)
    if free and _stream_hint(free_lines):
        free, free_lines = _add_text_grids(text_tables.stream_grids(text_tables.page_lines(free)),
                                           free, free_lines, grids, texts)
    placed = sorted(zip(grids, texts), key=lambda gt: (gt[0].bbox[1], gt[0].bbox[0]))
    tables = [grid_table(grid, cell_texts, page_no, "native") for grid, cell_texts in placed]
    return tables, PageText(page_no, free_lines)
