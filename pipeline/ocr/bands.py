"""Free text of a scanned page: the titles, units and narrative around its tables.

Entry points: `text_bands(ink, table_boxes_px, dpi)` (the bands of ink outside the tables, where
the text detector runs) and `boxes_to_lines(boxes, scale)` (the text boxes read → the page's
text lines, top to bottom, as the native path gives them).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.ocr.cell_text import normalize_text
from pipeline.ocr.interface import TextBox
from pipeline.ocr.lines import runs_of
from pipeline.ocr.render import PxBox


def text_bands(ink: np.ndarray, table_boxes_px: Sequence[PxBox], dpi: int) -> list[PxBox]:
    """Boxes (x0, y0, x1, y1 px) of the page's ink outside the tables, grouped in bands."""
    free = ink.copy()
    pad = max(3, dpi // 50)
    for x0, y0, x1, y1 in table_boxes_px:
        free[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    rows = free.any(axis=1)
    bands: list[PxBox] = []
    gap = int(0.25 * dpi)
    margin = max(12, int(0.15 * dpi))  # the detector's boxes reach beyond the ink: leave room
    h, w = free.shape
    runs = runs_of(rows)
    merged: list[list[int]] = []
    for r in runs:
        if merged and r[0] - merged[-1][1] <= gap:
            merged[-1][1] = r[1]
        else:
            merged.append(r)
    for y0, y1 in merged:
        part = free[y0:y1]
        if part.sum() < 12:  # a few stray pixels
            continue
        cols = np.flatnonzero(part.any(axis=0))
        bands.append((max(0, int(cols[0]) - margin), max(0, y0 - margin), min(w, int(cols[-1]) + 1 + margin), min(h, y1 + margin)))
    return bands


def boxes_to_lines(boxes: list[TextBox], scale: float) -> list[tuple[float, str]]:
    """Detected text boxes (page px) → (top y in points, text) lines, top to bottom."""
    boxes = sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2)
    lines: list[list[TextBox]] = []
    for b in boxes:
        cy = (b.box[1] + b.box[3]) / 2
        h = b.box[3] - b.box[1]
        if lines:
            last = lines[-1]
            ly0 = min(x.box[1] for x in last)
            ly1 = max(x.box[3] for x in last)
            lcy = (ly0 + ly1) / 2
            if abs(cy - lcy) <= 0.35 * max(h, ly1 - ly0):
                last.append(b)
                continue
        lines.append([b])
    out: list[tuple[float, str]] = []
    for line in lines:
        line.sort(key=lambda b: b.box[0])
        text = " ".join(normalize_text(b.text) for b in line if b.text.strip())
        if text:
            out.append((min(b.box[1] for b in line) * scale, text))
    return out

