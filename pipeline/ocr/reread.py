"""Suspect cells read again from a higher-resolution rendering.

Entry points: `reread_cells(page, angle, page_shape, boxes_pt, engine, line_h_pt)` (cells of
the upright frame rendered again at `REREAD_DPI` straight from the PDF, turned and deskewed
as the page was, and read: what `extract_page_ocr` does for its suspect cells) and
`reread_table_cells(page, cells)` (the same for the cells of a table read before, for a caller
whose accounting identity failed on it).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import pymupdf

from pipeline.model import BBox, Cell
from pipeline.ocr.cell_text import NUMERIC_ISH, cell_score, join_lines, normalize_number
from pipeline.ocr.engines import get_engine
from pipeline.ocr.interface import LineRead, OcrEngine
from pipeline.ocr.lines import cut_lines, typical_line_height
from pipeline.ocr.render import DPI, INK, REREAD_DPI, estimate_skew, frame_matrix, render_gray, turn_image
from pipeline.ocr.rulings import RULE_BAND, RULE_RIM, faint_ink, find_rulings
from pipeline.ocr.turn import FLIP_MARGIN, FLIP_TRUST, text_turn
from pipeline.ocr.view import View


class _Frame:
    """The affine from the upright frame at `reread_dpi` back to the rendering as stored."""

    def __init__(self, angle: float, page_shape: tuple[int, ...], turn: int, dpi: int, reread_dpi: int):
        m_lo = frame_matrix(turn, angle, page_shape)
        self.zoom = reread_dpi / 72.0
        self.t = m_lo[:, 2] * (reread_dpi / dpi)
        self.a_inv = np.linalg.inv(m_lo[:, :2])


def _upright_cell(page: pymupdf.Page, box: BBox, frame: _Frame, reread_dpi: int) -> np.ndarray | None:
    """The cell interior `box` (points, upright frame) rendered at `reread_dpi` from the PDF
    and warped upright; None for a cell too small or off the page."""
    x0, y0, x1, y1 = box
    zoom, t_hi, a_inv = frame.zoom, frame.t, frame.a_inv
    ox, oy = x0 * zoom, y0 * zoom
    w, h = int(math.ceil((x1 - x0) * zoom)), int(math.ceil((y1 - y0) * zoom))
    if w < 4 or h < 4:
        return None
    corners = np.array([[ox, oy], [ox + w, oy], [ox, oy + h], [ox + w, oy + h]], dtype=np.float64)
    src = (corners - t_hi) @ a_inv.T  # upright hi-res px → original hi-res px
    sx0, sy0 = src.min(axis=0) / zoom - 2
    sx1, sy1 = src.max(axis=0) / zoom + 2
    rect = page.rect
    clip = pymupdf.Rect(max(rect.x0, sx0), max(rect.y0, sy0), min(rect.x1, sx1), min(rect.y1, sy1))
    if clip.is_empty:
        return None
    pix = page.get_pixmap(dpi=reread_dpi, colorspace=pymupdf.csGRAY, alpha=False, clip=clip)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
    # dst pixel (u, v) → its centre in upright hi-res corner coordinates (ox + u + ½, …) →
    # original hi-res → the clip's pixels (whose origin is the whole pixel pix.x, pix.y),
    # as a pixel centre again: exact for a page turned by 90° too, where ½ px does not cancel
    b = a_inv @ (np.array([ox + 0.5, oy + 0.5]) - t_hi) - np.array([pix.x + 0.5, pix.y + 0.5])
    m = np.hstack([a_inv, b[:, None]])
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _cell_ink(cell: np.ndarray, reread_dpi: int) -> np.ndarray:
    """A cell's text ink (uint8 0/1), without the rulings that crept into its margin: long thin
    runs along its edges (a stroke inside the cell, however long, stays)."""
    h, w = cell.shape
    ink = ((cell < INK) | faint_ink(cell, reread_dpi)).astype(np.uint8)
    rul = find_rulings(np.where(cell < INK, 255, 0).astype(np.uint8), reread_dpi)
    edge = max(3, int(round(2 * RULE_BAND * reread_dpi)))
    frame = np.ones((h, w), dtype=bool)
    frame[edge:h - edge, edge:w - edge] = False
    rim = np.ones((2 * RULE_RIM + 1, 2 * RULE_RIM + 1), np.uint8)
    ink[(cv2.dilate(cv2.bitwise_or(rul.horizontal, rul.vertical), rim) > 0) & frame] = 0
    return ink


def reread_cells(page: pymupdf.Page, angle: float, page_shape: tuple[int, ...], boxes_pt: Sequence[BBox],
                 engine: OcrEngine, line_h_pt: float | None, dpi: int = DPI, reread_dpi: int = REREAD_DPI,
                 turn: int = 0) -> list[list[LineRead]]:
    """Read cells again from a `reread_dpi` rendering of their neighbourhood, turned by `turn`
    and deskewed by the page's angle (measured on the `dpi` rendering, of shape `page_shape`
    once upright). `boxes_pt` are cell interiors in the upright frame, in points."""
    frame = _Frame(angle, page_shape, turn, dpi, reread_dpi)
    crops_all: list[list[np.ndarray]] = []
    for box in boxes_pt:
        cell = _upright_cell(page, box, frame, reread_dpi)
        if cell is None:
            crops_all.append([])
            continue
        h, w = cell.shape
        ink = _cell_ink(cell, reread_dpi)
        line_h = line_h_pt * frame.zoom if line_h_pt else typical_line_height(ink, [(0, 0, w, h)], reread_dpi)
        crops_all.append(cut_lines(cell, ink, (0, 0, w, h), line_h))
    flat = [c for crops in crops_all for c in crops]
    reads = engine.recognize(flat) if flat else []
    out, i = [], 0
    for crops in crops_all:
        out.append(reads[i:i + len(crops)])
        i += len(crops)
    return out


def _best_turn(page: pymupdf.Page, gray0: np.ndarray, boxes: list[BBox], engine: OcrEngine,
               options: list[int]) -> list[list[LineRead]]:
    """The cells read in each turn of `options` until one reads at `FLIP_TRUST`; the reading
    with the best mean score (by `FLIP_MARGIN`) is kept."""
    best: tuple[float, list[list[LineRead]]] | None = None
    for t in options:
        gray = turn_image(gray0, t)
        angle = estimate_skew(gray, DPI)
        reads_all = reread_cells(page, angle, gray.shape, boxes, engine, None, turn=t)
        scores = [r.score for reads in reads_all for r in reads if r.text.strip()]
        mean = float(np.mean(scores)) if scores else 0.0
        if best is None or mean > best[0] + FLIP_MARGIN:
            best = (mean, reads_all)
        if mean >= FLIP_TRUST:
            break
    return best[1] if best is not None else []


def _interior(bbox: BBox | None) -> BBox:
    """A cell's interior: its box less the 2 px at 200 dpi that cell interiors leave to the
    rulings (a cell without a box, which an OCR table does not have, has none)."""
    if bbox is None:
        return (0.0, 0.0, 0.0, 0.0)
    inset = 72.0 / 100
    return (bbox[0] + inset, bbox[1] + inset, bbox[2] - inset, bbox[3] - inset)


def reread_table_cells(page: pymupdf.Page, cells: list[Cell], engine: OcrEngine | None = None,
                       numeric: bool | None = None, turn: int | None = None) -> list[tuple[str, float]]:
    """Read cells of an OCR table again at `REREAD_DPI` (for a caller whose accounting
    identity failed on the table): (text, confidence) per cell, in the order given. The
    page's skew and turn are measured again (`turn`, when known, spares the second reading a
    page on its side or upside down needs); `numeric` forces (or forbids) the number
    repairs, by default they apply where the first reading looked like a number."""
    engine = engine or get_engine()
    gray0 = render_gray(page, DPI)
    boxes = [_interior(c.bbox) for c in cells]
    if turn is None:
        view = View(gray0, 0, DPI)
        quarter = text_turn(view.text_ink, view.rulings, DPI)
        options = [quarter, (quarter + 180) % 360]
    else:
        options = [turn % 360]
    out = []
    for cell, reads in zip(cells, _best_turn(page, gray0, boxes, engine, options)):
        text = join_lines(reads)
        looks_numeric = numeric if numeric is not None else bool(NUMERIC_ISH.match("".join(cell.text.split()) or "x"))
        if looks_numeric:
            text = normalize_number(text)
        out.append((text, round(cell_score(reads), 4)))
    return out
