"""Native extraction: tables from a PDF's ruling lines and text layer, one pass per page.

PyMuPDF's own table text is not used: on real 决算 PDFs it puts punctuation glyphs (一 、 , .)
on line boxes of their own and returns `'294005\\n, .'` for `2,940.05`. Instead every character
of `rawdict` is placed into the cell that holds its baseline point, and cell text is assembled
line by line (grouped by baseline, ordered by x).
"""
from __future__ import annotations

import bisect

import pymupdf

from pipeline.extract.geometry import Grid, build_grid, group_regions, split_orientation
from pipeline.model import Cell, PageText, RawTable

MIN_TABLE_AREA = 400.0  # pt²: smaller ruled boxes are decorations


def page_segments(page: pymupdf.Page):
    """Ruling lines and rectangles of a page in its displayed (derotated) coordinates."""
    mat = page.rotation_matrix if page.rotation else None
    lines, rects = [], []
    for path in page.get_drawings():
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                p, q = item[1], item[2]
                if mat is not None:
                    p, q = p * mat, q * mat
                lines.append((p.x, p.y, q.x, q.y))
            elif kind == "re":
                r = item[1] if mat is None else item[1] * mat
                r.normalize()
                rects.append((r.x0, r.y0, r.x1, r.y1))
            elif kind == "qu":
                r = item[1].rect if mat is None else (item[1] * mat).rect
                rects.append((r.x0, r.y0, r.x1, r.y1))
    return lines, rects


def page_chars(page: pymupdf.Page):
    """(x0, x1, baseline_y, ref_y, size, char) for every character, derotated.

    `ref_y` sits a third of the font size above the baseline: inside the line box whatever the
    glyph's ink, so a 、 or , lands in the same cell and line as the digits around it."""
    mat = page.rotation_matrix if page.rotation else None
    out = []
    raw = page.get_text("rawdict", flags=pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP)
    for block in raw["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                size = span["size"]
                for ch in span["chars"]:
                    c = ch["c"]
                    if not c or c.isspace():
                        continue
                    x0, y0, x1, y1 = ch["bbox"]
                    ox, oy = ch["origin"]
                    if mat is not None:
                        box = pymupdf.Rect(x0, y0, x1, y1) * mat
                        o = pymupdf.Point(ox, oy) * mat
                        x0, x1, ox, oy = box.x0, box.x1, o.x, o.y
                        # after derotation the baseline is the bottom of the glyph box
                        oy = box.y1 - (box.y1 - box.y0) * 0.2
                    out.append((x0, x1, oy, oy - size / 3.0, size, c))
    return out


def assemble_text(chars) -> str:
    """Characters → text: lines by baseline (top to bottom), characters by x; a space where
    the gap between two characters is wider than half the font size."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda ch: ch[2])
    lines: list[list] = []
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


def text_lines(chars) -> list[tuple[float, str]]:
    """Free text (outside tables) as (top y, text) lines, top to bottom."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda ch: (ch[2], ch[0]))
    groups: list[list] = []
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


def extract_page(page: pymupdf.Page, page_no: int) -> tuple[list[RawTable], PageText]:
    """Raw tables and the free text lines of one page."""
    lines, rects = page_segments(page)
    grids = []
    if lines or rects:
        hs, vs = split_orientation(lines, rects)
        for region_h, region_v in group_regions(hs, vs):
            grid = build_grid(region_h, region_v)
            if grid is None:
                continue
            x0, y0, x1, y1 = grid.bbox
            if (x1 - x0) * (y1 - y0) >= MIN_TABLE_AREA and len(grid.cells) >= 2:
                grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    chars = page_chars(page)
    per_cell: list[list[list]] = [[[] for _ in g.cells] for g in grids]
    free = []
    for ch in chars:
        cx = (ch[0] + ch[1]) / 2
        for gi, grid in enumerate(grids):
            x0, y0, x1, y1 = grid.bbox
            if x0 <= cx <= x1 and y0 <= ch[3] <= y1:
                idx = _locate(grid, cx, ch[3])
                if idx is not None:
                    per_cell[gi][idx].append(ch)
                    break
        else:
            free.append(ch)
    tables = []
    for grid, cell_chars in zip(grids, per_cell):
        cells = []
        for (r, c, rs, cs), chs in zip(grid.cells, cell_chars):
            bbox = (grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs])
            cells.append(Cell(r, c, assemble_text(chs), bbox, rs, cs, 1.0, page_no))
        tables.append(
            RawTable(
                cells=cells,
                n_rows=len(grid.ys) - 1,
                n_cols=len(grid.xs) - 1,
                page=page_no,
                source="native",
                bbox=grid.bbox,
                page_end=page_no,
                row_pages=[page_no] * (len(grid.ys) - 1),
                col_edges=list(grid.xs),
            )
        )
    return tables, PageText(page_no, text_lines(free))
