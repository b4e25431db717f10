"""Table rulings in the page image, and the text ink with them taken out.

Entry points: `find_rulings(ink)` (horizontal and vertical ruling masks), `ruling_segments` and
`find_grids` (the rulings as segments in points → table grids, through the grid builder the
native path uses: `pipeline.geometry`), and `clean_ink` (the text ink: dark pixels and faint
strokes, `text_ink` / `faint_ink`, with the rulings erased along the grids' cell edges only,
`grid_line_mask`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.geometry import Grid, Line, group_regions, split_orientation, table_grids
from pipeline.ocr.render import DPI, INK, RULE_MIN, PxBox

MIN_TABLE_WIDTH = 72.0  # pt
REPAIR = 0.05  # inch: breaks in a ruling bridged by closing (10 px)
FAINT_CONTRAST = 40  # a pixel this much darker than the paper around it is ink (a pale hairline)
FAINT_KERNEL = 0.035  # inch: wider than a text stroke (7 px at 200 dpi)
RULE_BAND = 0.02  # inch: a ruling lies within this of its cell edge (4 px at 200 dpi)
RULE_RIM = 1  # px: the blurred rim of a ruling erased with it


@dataclass
class Rulings:
    """The long straight runs of a page's ink: its table rulings."""

    horizontal: np.ndarray  # masks, uint8 0/255
    vertical: np.ndarray


def find_rulings(ink: np.ndarray, dpi: int = DPI) -> Rulings:
    """Rulings of an ink mask (uint8 0/255): runs of `RULE_MIN` or longer, breaks of up to
    `REPAIR` bridged."""
    k = max(15, int(RULE_MIN * dpi))
    r = max(3, int(REPAIR * dpi))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (r, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, r)))
    return Rulings(h, v)


def ruling_segments(rulings: Rulings, dpi: int = DPI) -> list[Line]:
    """Line items (x0, y0, x1, y1) in points, as `page_segments` gives them on native pages."""
    scale = 72.0 / dpi
    k = max(15, int(RULE_MIN * dpi))
    thick = max(6, int(0.04 * dpi))  # thicker than this is a filled area, not a ruling
    lines: list[Line] = []
    for mask, horizontal in ((rulings.horizontal, True), (rulings.vertical, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h = (int(v) for v in stats[i, :4])
            if horizontal:
                if w < k or h > thick + 0.01 * w:
                    continue
                yc = (y + h / 2.0) * scale
                lines.append((x * scale, yc, (x + w) * scale, yc))
            else:
                if h < k or w > thick + 0.01 * h:
                    continue
                xc = (x + w / 2.0) * scale
                lines.append((xc, y * scale, xc, (y + h) * scale))
    return lines


def find_grids(lines: list[Line]) -> list[Grid]:
    """The table grids of the ruling segments, top to bottom (`pipeline.geometry`, as on native
    pages). On an image, the strokes of a large character can close a small box: a table is
    at least `MIN_TABLE_WIDTH` wide."""
    return table_grids(group_regions(*split_orientation(lines, [])), min_width=MIN_TABLE_WIDTH)


def faint_ink(gray: np.ndarray, dpi: int = DPI) -> np.ndarray:
    """Thin strokes paler than `INK` (bool mask): pixels `FAINT_CONTRAST` darker than the
    brightest pixel around them. On a pale or blurred copy the hairline of 一, 二, 十, the
    tail of a comma or the thin sweep of 入 lies at gray 165-210, below the ink threshold;
    a black-hat (closing minus image) with a kernel wider than a stroke finds them against
    the paper around them, whatever the paper's own gray (a shaded header is no ink)."""
    k = max(3, int(round(FAINT_KERNEL * dpi)) | 1)
    hat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return hat >= FAINT_CONTRAST


def text_ink(gray: np.ndarray, dpi: int = DPI) -> np.ndarray:
    """Ink mask (uint8 0/1) of text: the dark pixels and the faint strokes."""
    return ((gray < INK) | faint_ink(gray, dpi)).astype(np.uint8)


def grid_line_mask(grids: list[Grid], zoom: float, shape: tuple[int, ...], dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Bands (bool masks, horizontal and vertical) along the edges of every cell of the
    grids: where the page's rulings run. A ruling is only erased inside these bands, so a
    long stroke inside a cell (一 in a large font, ——, an underline) stays."""
    h_img, w_img = shape
    half = max(2, int(round(RULE_BAND * dpi)))
    hband = np.zeros(shape, dtype=bool)
    vband = np.zeros(shape, dtype=bool)
    for grid in grids:
        for r, c, rs, cs in grid.cells:
            x0, x1 = int(math.floor(grid.xs[c] * zoom)), int(math.ceil(grid.xs[c + cs] * zoom))
            y0, y1 = int(math.floor(grid.ys[r] * zoom)), int(math.ceil(grid.ys[r + rs] * zoom))
            for y in (y0, y1):
                hband[max(0, y - half):min(h_img, y + half + 1), max(0, x0 - half):min(w_img, x1 + half + 1)] = True
            for x in (x0, x1):
                vband[max(0, y0 - half):min(h_img, y1 + half + 1), max(0, x - half):min(w_img, x + half + 1)] = True
    return hband, vband


def clean_ink(gray: np.ndarray, rulings: Rulings | None, table_px: Sequence[PxBox] = (), grids: list[Grid] | None = None,
              dpi: int = DPI, ink: np.ndarray | None = None) -> np.ndarray:
    """Ink mask (uint8 0/1): the dark pixels and the faint strokes (`faint_ink`), with the
    rulings of the grids erased and isolated specks dropped; the erased ruling pixels are
    whitened in `gray` too (in place), so that line crops carry no border.

    A ruling is erased only where it runs along a cell edge of a grid (`grid_line_mask`),
    with its blurred rim; a stroke inside a cell, however long and flat, is text. Without
    `grids` (callers of the older form) the rulings inside `table_px` are erased. Outside
    tables nothing is erased: the strokes of a large title are as long as a ruling. `ink`,
    when given, is `text_ink(gray)` already made (it is copied, not changed)."""
    ink = text_ink(gray, dpi) if ink is None else ink.copy()
    if rulings is not None and (grids or table_px):
        rim = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * RULE_RIM + 1, 2 * RULE_RIM + 1))
        if grids:
            zoom = dpi / 72.0
            hband, vband = grid_line_mask(grids, zoom, gray.shape, dpi)
            lines = (cv2.dilate(rulings.horizontal, rim) > 0) & hband
            lines |= (cv2.dilate(rulings.vertical, rim) > 0) & vband
        else:
            inside = np.zeros_like(ink, dtype=bool)
            pad = 4
            for x0, y0, x1, y1 in table_px:
                inside[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = True
            lines = cv2.dilate(cv2.bitwise_or(rulings.horizontal, rulings.vertical), rim) > 0
            lines &= inside
        ink[lines] = 0
        gray[lines] = 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = stats[:, cv2.CC_STAT_AREA] <= 2
    specks[0] = False
    if specks.any():
        ink[specks[labels]] = 0
    return ink

