"""Text lines in the page image: where they lie, and their crops for the recogniser.

Entry points: `cut_lines(gray, ink, box, line_h)` (the line crops of one cell interior, cut
by the row profile of its ink: `line_boxes`, `raw_line_runs`, `merge_line_runs`),
`line_in_box` (the ink of the line a detector box holds), `line_crop` (one line's crop),
`cell_px_box` and `typical_line_height`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from pipeline.geometry import Grid
from pipeline.ocr.render import PxBox


def runs_of(mask_1d: np.ndarray | np.bool_) -> list[list[int]]:
    """[start, end) of each run of true values of a 1-d mask."""
    idx = np.flatnonzero(mask_1d)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return [[int(a), int(b)] for a, b in zip(starts, ends)]


def raw_line_runs(ink: np.ndarray) -> list[list[int]]:
    """Row runs of a cell's ink (y0, y1), gaps of 1-2 px closed."""
    runs = runs_of(ink.any(axis=1))
    out: list[list[int]] = []
    for r in runs:
        if out and r[0] - out[-1][1] <= 2:
            out[-1][1] = r[1]
        else:
            out.append(r)
    return out


def merge_line_runs(runs: list[list[int]], line_h: float) -> list[list[int]]:
    """Runs → text lines: pieces of one line (the strokes of 三, a lone 、) are joined while
    the joined height stays within a line; a run two lines tall is split at its thinnest row."""
    out: list[list[int]] = []
    for r in runs:
        if out and (r[1] - out[-1][0]) <= line_h * 1.3 and (r[0] - out[-1][1]) <= line_h * 0.6:
            out[-1][1] = r[1]
        else:
            out.append(list(r))
    return out


def cell_px_box(grid: Grid, r: int, c: int, rs: int, cs: int, zoom: float, inset: int, shape: tuple[int, ...]) -> PxBox:
    """The interior of a grid cell in the pixels of a rendering at `zoom` (px per pt), `inset`
    pixels in from its rulings and clipped to the image."""
    x0 = int(math.ceil(grid.xs[c] * zoom)) + inset
    x1 = int(math.floor(grid.xs[c + cs] * zoom)) - inset
    y0 = int(math.ceil(grid.ys[r] * zoom)) + inset
    y1 = int(math.floor(grid.ys[r + rs] * zoom)) - inset
    h, w = shape
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def line_crop(gray: np.ndarray, ink: np.ndarray, box: PxBox, line_h: float | None = None) -> np.ndarray:
    """A line's crop for the recogniser: its ink box with the paper around it faded, set in a
    white margin; a short mark (-, 、, .) sits in a crop a line tall, at its text's scale."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    piece = gray[y0:y1, x0:x1].copy()
    paper = ink[y0:y1, x0:x1] == 0
    piece[paper] = np.maximum(piece[paper], 200)
    full = max(h, int(round(line_h or h)))
    top = (full - h) // 2
    py = max(3, int(round(full * 0.25)))
    px = max(4, int(round(full * 0.4)))
    return cv2.copyMakeBorder(piece, py + top, py + full - h - top, px, px, cv2.BORDER_CONSTANT, value=255)


def line_boxes(ink: np.ndarray, box: PxBox, line_h: float) -> list[PxBox]:
    """The text lines inside a cell interior, as ink boxes in page pixels."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    sub = ink[y0:y1, x0:x1]
    if not sub.any():
        return []
    out: list[PxBox] = []
    for ly0, ly1 in merge_line_runs(raw_line_runs(sub), line_h):
        band = sub[ly0:ly1]
        cols = np.flatnonzero(band.any(axis=0))
        if len(cols) == 0 or band.sum() < 4:
            continue
        out.append((x0 + int(cols[0]), y0 + ly0, x0 + int(cols[-1]) + 1, y0 + ly1))
    return out


def cut_lines(gray: np.ndarray, ink: np.ndarray, box: PxBox, line_h: float) -> list[np.ndarray]:
    """Line images of one cell."""
    return [line_crop(gray, ink, b, line_h) for b in line_boxes(ink, box, line_h)]


def line_in_box(ink: np.ndarray, box: PxBox, table_px: Sequence[PxBox]) -> PxBox | None:
    """The ink of the text line a detector box holds: the row run through the box's middle
    (a neighbour line's descenders or ascenders at the box edge left out)."""
    h_img, w_img = ink.shape
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w_img, box[2]), min(h_img, box[3])
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    sub = ink[y0:y1, x0:x1].copy()
    for tx0, ty0, tx1, ty1 in table_px:
        ix0, iy0, ix1, iy1 = max(tx0 - x0, 0), max(ty0 - y0, 0), min(tx1 - x0, x1 - x0), min(ty1 - y0, y1 - y0)
        if ix0 < ix1 and iy0 < iy1:
            sub[iy0:iy1, ix0:ix1] = 0
    runs = raw_line_runs(sub)
    if not runs:
        return None
    mid = (y1 - y0) / 2
    main = max(runs, key=lambda r: (r[1] - r[0]) - 2 * max(0.0, abs((r[0] + r[1]) / 2 - mid) - (r[1] - r[0]) / 2))
    runs = merge_line_runs(runs, main[1] - main[0])
    main = next(r for r in runs if r[0] <= main[0] and r[1] >= main[1])
    cols = np.flatnonzero(sub[main[0]:main[1]].any(axis=0))
    if len(cols) == 0:
        return None
    return (x0 + int(cols[0]), y0 + main[0], x0 + int(cols[-1]) + 1, y0 + main[1])


def typical_line_height(ink: np.ndarray, boxes: Sequence[PxBox], dpi: int) -> float:
    """The height (px) of a whole text line in these boxes: the median of the upper half of
    their ink's row runs; 0.12 inch where there is none."""
    heights: list[int] = []
    for x0, y0, x1, y1 in boxes:
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        sub = ink[y0:y1, x0:x1]
        for a, b in raw_line_runs(sub):
            heights.append(b - a)
    if not heights:
        return 0.12 * dpi
    heights.sort()
    # the upper half of runs: whole lines, not the strokes of 一 or a lone 、
    return float(np.median(heights[len(heights) // 2:]))

