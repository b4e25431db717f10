"""A scanned page → raw tables and page text: the OCR path's entry point.

Entry point: `extract_page_ocr(page, page_no, engine=None) -> (list[RawTable], PageText)`; the
steps are described in `pipeline.ocr`. The page is read in the turn the recogniser is surest
of (`pipeline.ocr.turn`), suspect cells are read again at a higher resolution
(`pipeline.ocr.reread`), and each grid becomes a `RawTable` through the grid builder the
native path uses (`pipeline.geometry.grid_table`).
"""
from __future__ import annotations

import numpy as np
import pymupdf

from pipeline.geometry import Grid, grid_table
from pipeline.model import BBox, PageText, RawTable
from pipeline.ocr.bands import boxes_to_lines
from pipeline.ocr.cell_text import (
    better,
    cell_score,
    is_suspect,
    join_lines,
    normalize_number,
    numeric_columns,
)
from pipeline.ocr.engines import get_engine
from pipeline.ocr.interface import LineRead, OcrEngine, TextBox
from pipeline.ocr.render import DPI, REREAD_DPI, render_gray
from pipeline.ocr.reread import reread_cells
from pipeline.ocr.turn import FLIP_TRUST, TURN_DOUBT, text_turn, trust, upside_down
from pipeline.ocr.view import Reading, View, read_view

CellReads = list[list[list[LineRead]]]  # per grid, per cell: the lines read


def _read_upright(gray0: np.ndarray, engine: OcrEngine, dpi: int) -> Reading:
    """The first reading of the page in the turn the recogniser is surest of. The guess of
    `text_turn` is read first; a reading at `FLIP_TRUST` or above is kept at once (an upright
    page costs nothing more). Otherwise: turned over when `upside_down` says so; a page
    guessed on its side but still doubtful is read upright too, and one read upright but
    doubtful (under `TURN_DOUBT`: `text_turn` saw too little text) on its side; the
    reading with the best `trust` is kept."""
    view = View(gray0, 0, dpi)
    guess = text_turn(view.text_ink, view.rulings, dpi)
    if guess:
        view = View(gray0, guess, dpi)
    best = read_view(view, engine, dpi)
    score = trust(best.all_crops, best.reads)
    if score >= FLIP_TRUST:
        return best

    def consider(turn: int) -> None:
        nonlocal best, score
        other = read_view(View(gray0, turn, dpi), engine, dpi)
        other_score = trust(other.all_crops, other.reads)
        if other_score > score:
            best, score = other, other_score

    if upside_down(best.all_crops, best.reads, engine):
        consider(guess + 180)
    if score < FLIP_TRUST and guess:
        consider(0)
    elif score < TURN_DOUBT and not guess:
        consider(90)
        if score < FLIP_TRUST and best.view.turn == 90 and upside_down(best.all_crops, best.reads, engine):
            consider(270)
    return best


def _cell_reads(first: Reading) -> CellReads:
    """The lines read of each cell of each grid."""
    per_cell: CellReads = [[[] for _ in g.cells] for g in first.view.grids]
    for (gi, ci), rd in zip(first.owners, first.reads):
        per_cell[gi][ci].append(rd)
    return per_cell


def _band_boxes(first: Reading) -> list[TextBox]:
    """The free text's lines read, the noise (a score under 0.5) left out."""
    reads = first.reads[len(first.crops):]
    return [TextBox(rd.text, box, rd.score) for box, rd in zip(first.free_boxes, reads)
            if rd.text.strip() and rd.score >= 0.5]


def _suspects(grids: list[Grid], per_cell: CellReads, texts: list[list[str]],
              numeric: list[set[int]]) -> list[tuple[int, int, bool]]:
    """(grid, cell, in a number column) of each cell to read again."""
    suspects = []
    for gi, grid in enumerate(grids):
        for ci, (_, c, _, cs) in enumerate(grid.cells):
            is_num = cs == 1 and c in numeric[gi]
            if is_suspect(per_cell[gi][ci], texts[gi][ci], is_num):
                suspects.append((gi, ci, is_num))
    return suspects


def _reread_suspects(page: pymupdf.Page, first: Reading, per_cell: CellReads, texts: list[list[str]],
                     numeric: list[set[int]], engine: OcrEngine, dpi: int) -> None:
    """Suspect cells read again at `REREAD_DPI` (at least twice `dpi`); the better reading of
    each is kept in `per_cell` and `texts`."""
    view = first.view
    suspects = _suspects(view.grids, per_cell, texts, numeric)
    if not suspects:
        return
    scale = 72.0 / dpi
    boxes_pt: list[BBox] = []
    for gi, ci, _ in suspects:
        x0, y0, x1, y1 = first.boxes_px[gi][ci]
        boxes_pt.append((x0 * scale, y0 * scale, x1 * scale, y1 * scale))
    again = reread_cells(page, view.angle, view.gray.shape, boxes_pt, engine, first.line_h * scale, dpi,
                         max(REREAD_DPI, 2 * dpi), turn=view.turn)
    for (gi, ci, is_num), new in zip(suspects, again):
        if better(per_cell[gi][ci], new, is_num):
            per_cell[gi][ci] = new
            texts[gi][ci] = join_lines(new)


def _table(grid: Grid, texts: list[str], reads: list[list[LineRead]], numeric: set[int], page_no: int) -> RawTable:
    """One grid's `RawTable`: its number columns' cells repaired as numbers, each cell's
    confidence that of its least sure line."""
    texts = [normalize_number(text) if cs == 1 and c in numeric else text
             for (_, c, _, cs), text in zip(grid.cells, texts)]
    return grid_table(grid, texts, page_no, "ocr", [round(cell_score(r), 4) for r in reads])


def extract_page_ocr(page: pymupdf.Page, page_no: int, engine: OcrEngine | None = None,
                     dpi: int = DPI, reread: bool = True) -> tuple[list[RawTable], PageText]:
    """Raw tables (`source="ocr"`) and the free text lines of one scanned page.

    A page stored on its side or upside down (no /Rotate says so, as in many scans) is
    turned upright first: `text_turn` sees text lines running top to bottom (90°), and a
    first reading whose lines the recogniser is unsure of, but sure of turned over, is done
    again turned by 180° (`upside_down`). Coordinates are then in the upright frame (the
    page's width and height swapped for 90° and 270°)."""
    engine = engine or get_engine()
    first = _read_upright(render_gray(page, dpi), engine, dpi)
    grids = first.view.grids
    per_cell = _cell_reads(first)
    texts = [[join_lines(rs) for rs in cells] for cells in per_cell]
    numeric = [numeric_columns(g, t) for g, t in zip(grids, texts)]
    if reread:
        _reread_suspects(page, first, per_cell, texts, numeric, engine, dpi)
    tables = [_table(*parts, page_no) for parts in zip(grids, texts, per_cell, numeric)]
    return tables, PageText(page_no, boxes_to_lines(_band_boxes(first), 72.0 / dpi))
