"""One rendering of a scanned page, turned and deskewed, and its first reading.

Entry points: `View(gray0, turn, dpi)` (the page turned by `turn`, deskewed, with its rulings,
table grids and text ink) and `read_view(view, engine, dpi)` → `Reading` (the line crops of
every cell and of the free text around the tables, recognised in one batch).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pipeline.geometry import Grid
from pipeline.ocr.bands import text_bands
from pipeline.ocr.interface import LineRead, OcrEngine
from pipeline.ocr.lines import cell_px_box, cut_lines, line_crop, line_in_box, typical_line_height
from pipeline.ocr.render import INK, PxBox, deskew, estimate_skew, turn_image
from pipeline.ocr.rulings import clean_ink, find_grids, find_rulings, ruling_segments, text_ink


class View:
    """The page rendering turned by `turn`, deskewed, with its rulings and grids."""

    def __init__(self, gray0: np.ndarray, turn: int, dpi: int):
        self.turn = turn % 360
        gray = turn_image(gray0, self.turn)
        self.angle = estimate_skew(gray, dpi)
        gray = deskew(gray, self.angle)
        self.gray = gray.copy() if gray.base is not None or gray is gray0 else gray
        self.ink255 = np.where(self.gray < INK, 255, 0).astype(np.uint8)
        self.rulings = find_rulings(self.ink255, dpi)
        self.grids = find_grids(ruling_segments(self.rulings, dpi))
        self.text_ink = text_ink(self.gray, dpi)


@dataclass
class Reading:
    """The first reading of one view: line crops, whose cell or band they are, what they say
    (`reads`: the cells' lines, in the order of `crops`, then the free text's)."""

    view: View
    ink: np.ndarray
    boxes_px: list[list[PxBox]]  # cell interiors, per grid
    line_h: float  # px: the height of a text line in the cells
    crops: list[np.ndarray]  # the cells' line crops
    owners: list[tuple[int, int]]  # (grid, cell) of each crop
    free_boxes: list[PxBox]  # the free text's lines
    free_crops: list[np.ndarray]
    reads: list[LineRead]

    @property
    def all_crops(self) -> list[np.ndarray]:
        """Every crop read, in the order of `reads`."""
        return self.crops + self.free_crops


def _px_box(bbox: tuple[float, float, float, float], zoom: float) -> PxBox:
    x0, y0, x1, y1 = (int(round(v * zoom)) for v in bbox)
    return x0, y0, x1, y1


def _cell_boxes(grids: list[Grid], shape: tuple[int, ...], dpi: int) -> list[list[PxBox]]:
    """The interiors of every cell, per grid, a pixel or two in from the rulings."""
    zoom = dpi / 72.0
    inset = max(1, dpi // 100)
    return [[cell_px_box(grid, r, c, rs, cs, zoom, inset, shape) for r, c, rs, cs in grid.cells] for grid in grids]


def _free_boxes(view: View, ink: np.ndarray, table_px: list[PxBox], engine: OcrEngine, dpi: int) -> list[PxBox]:
    """The free text's lines: the detector runs on the bands outside the tables only, and each
    box it finds is narrowed to the ink of its line."""
    gray = view.gray
    boxes: list[PxBox] = []
    for bx0, by0, bx1, by1 in text_bands(ink, table_px, dpi):
        sub = gray[by0:by1, bx0:bx1].copy()
        for tx0, ty0, tx1, ty1 in table_px:  # a band beside a table must not read the table
            ix0, iy0, ix1, iy1 = max(tx0 - bx0, 0), max(ty0 - by0, 0), min(tx1 - bx0, bx1 - bx0), min(ty1 - by0, by1 - by0)
            if ix0 < ix1 and iy0 < iy1:
                sub[iy0:iy1, ix0:ix1] = 255
        for x0, y0, x1, y1 in engine.detect(sub):
            box = line_in_box(ink, (int(x0) + bx0, int(y0) + by0, int(math.ceil(x1)) + bx0, int(math.ceil(y1)) + by0), table_px)
            if box is not None:
                boxes.append(box)
    return boxes


def read_view(view: View, engine: OcrEngine, dpi: int) -> Reading:
    """The lines of every cell (cut along the grid, so no line straddles a column border) and
    of the free text, recognised in one batch."""
    gray, grids = view.gray, view.grids
    table_px = [_px_box(g.bbox, dpi / 72.0) for g in grids]
    ink = clean_ink(gray, view.rulings, table_px, grids, dpi, view.text_ink)
    boxes_px = _cell_boxes(grids, gray.shape, dpi)
    line_h = typical_line_height(ink, [b for bs in boxes_px for b in bs], dpi)
    crops: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    for gi, bs in enumerate(boxes_px):
        for ci, box in enumerate(bs):
            for crop in cut_lines(gray, ink, box, line_h):
                crops.append(crop)
                owners.append((gi, ci))
    free_boxes = _free_boxes(view, ink, table_px, engine, dpi)
    free_crops = [line_crop(gray, ink, box) for box in free_boxes]
    reads = engine.recognize(crops + free_crops) if crops or free_crops else []
    return Reading(view, ink, boxes_px, line_h, crops, owners, free_boxes, free_crops, reads)
