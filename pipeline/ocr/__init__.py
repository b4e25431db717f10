"""OCR path: a scanned page → the same raw tables and page text as the native extractor.

Entry point: `extract_page_ocr(page, page_no, engine=None) -> (list[RawTable], PageText)`.

1. Render the page (displayed orientation) in grayscale at `DPI`. A page stored on its side
   or upside down with no /Rotate (common in scans) is turned upright: `text_turn` guesses
   90° from the direction of the text lines (a few ms), and the recogniser's confidence on
   the longest lines settles the rest (`_read_upright`: an upright page reads with
   confidence and costs nothing more; a doubtful one is read turned over, or on its side).
2. Deskew: the angle of the long horizontal rulings (a line fit per ruling, length-weighted
   median); on a page without rulings, the angle whose row projection of the ink is sharpest.
   The image is rotated back; every coordinate handed on is in this upright frame, scaled to
   PDF points (so page text and table boxes stay consistent with each other).
3. Rulings: morphological opening of the ink with long horizontal / vertical kernels, a short
   closing to repair breaks, connected components → segments in points → the native path's
   `split_orientation` / `group_regions` / `build_grid`, so merged cells get the same spans.
4. Cells: the text ink is the dark pixels plus the faint strokes a black-hat finds against
   their paper (`faint_ink`: the hairline of 一 / 二 / 十 on a pale copy lies above the ink
   threshold); ruling pixels are erased only along the grid's cell edges (a flat stroke
   inside a cell — 一 in a large font, ——, 十's bar — is never taken for a ruling). Each
   cell's ink is cut into text lines by its row profile, and the line crops of the whole
   page go to the engine's recogniser in batches. Every crop lies inside one cell, so no
   text line can straddle a column border.
5. Suspect cells (a low character score, or a number column cell that does not read as a
   number) are re-rendered at `REREAD_DPI` from the PDF, deskewed by the same angle, and read
   again; the better reading is kept.
6. Text outside the grids (titles, 单位：万元, 部门名称：…, narrative): the ink's row profile
   outside the tables gives bands; the text detector runs on those bands only, and each box's
   ink is cropped like a cell line and recognised in the same batch as the cells.

Coordinates: cell and table boxes, `col_edges` and page-text y are PDF points in the page's
displayed orientation (as in the native path), in the deskewed frame (the scan turned upright
about the page centre: within ±1° of the image as stored, which keeps titles and tables in
one consistent frame). A page turned upright by 90° or 270° has its width and height swapped
in that frame.
"""
from __future__ import annotations

import math
import os
import re
import threading
from dataclasses import dataclass

import cv2
import numpy as np
import pymupdf

from pipeline.extract import OCR_DPI
from pipeline.extract.geometry import Grid, build_grid, group_regions, split_orientation
from pipeline.model import Cell, PageText, RawTable
from pipeline.ocr.engines import (
    ENGINES,
    EngineUnavailable,
    LineRead,
    OcrEngine,
    PaddleOcrEngine,
    RapidOcrEngine,
    TextBox,
    engine_spec,
    make_engine,
)

DPI = OCR_DPI  # one resolution, also behind the pixel cap of pipeline.extract
REREAD_DPI = 400
INK = 165  # gray level below which a pixel is ink
MIN_TABLE_AREA = 400.0  # pt², as in the native path
MIN_TABLE_WIDTH = 72.0  # pt
RULE_MIN = 0.2  # inch: shortest run of ink taken for a ruling (40 px at 200 dpi)
REPAIR = 0.05  # inch: breaks in a ruling bridged by closing (10 px)
LOW_CHAR_SCORE = 0.80  # a cell holding a character read below this is read again
LOW_LINE_SCORE = 0.90  # ... or a line whose mean score is below this
FAINT_CONTRAST = 40  # a pixel this much darker than the paper around it is ink (a pale hairline)
FAINT_KERNEL = 0.035  # inch: wider than a text stroke (7 px at 200 dpi)
RULE_BAND = 0.02  # inch: a ruling lies within this of its cell edge (4 px at 200 dpi)
RULE_RIM = 1  # px: the blurred rim of a ruling erased with it
TURN_DPI = 100  # the page's text direction is judged at this resolution
TURN_GAP = 0.5  # gaps closed along a line, in ink pieces (the median connected component)
TURN_RUN = 2.5  # a run this many pieces long along an axis is a piece of text line
TURN_MIN_RUNS = 200  # pixels (at TURN_DPI) of vertical runs before a page is taken as on its side
TURN_RATIO = 2.5  # ... and this many times the horizontal ones
FLIP_TRUST = 0.95  # mean score of the longest lines read at or above which a page is upright
TURN_DOUBT = 0.8  # below this (and no better turned over) a page read as upright is tried on its side
FLIP_SAMPLE = 8  # lines read turned over when it is below
FLIP_MARGIN = 0.1  # the turned-over reading must score this much better to turn the page

_default: OcrEngine | None = None  # set_engine's choice; else the RapidOCR engine
_by_name: dict[str, OcrEngine] = {}
_engine_lock = threading.Lock()
_threads: int | None = None  # use_threads's count; else JUESUAN_THREADS; else onnxruntime's own


def get_engine(name: str | None = None) -> OcrEngine:
    """The process's OCR engine (or the one `name` makes: `rapidocr`, `paddleocr`, or a
    `module:factory` of your own; `name@folder` with its models from that folder), built on
    first use and kept: model load is costly."""
    global _default
    if name is None and _default is not None:
        return _default
    key = name or "rapidocr"
    with _engine_lock:
        if key not in _by_name:
            threads = _threads or int(os.environ.get("JUESUAN_THREADS", "0")) or None
            # the built-in engines take the count when built (their sessions are made then);
            # an engine of your own (module:factory) is told
            builtin = key.partition("@")[0].lower() in ENGINES
            engine = make_engine(key, threads=threads) if builtin else make_engine(key)
            if threads:
                engine.set_threads(threads)
            _by_name[key] = engine
        engine = _by_name[key]
    return engine


def use_threads(threads: int) -> None:
    """OCR (and OpenCV) threads of this process from now on, for the engines built and to be
    built: a worker process is told its share of the cores as the others get busy or idle
    (pipeline.workers)."""
    global _threads
    _threads = threads
    cv2.setNumThreads(threads)
    with _engine_lock:
        engines = [*_by_name.values(), *([_default] if _default else [])]
    for engine in engines:
        engine.set_threads(threads)


def set_engine(engine: OcrEngine | None) -> None:
    """Replace the process-wide default engine (None: RapidOCR again)."""
    global _default
    _default = engine


# ------------------------------------------------------------------------------------------
# rendering and deskew
# ------------------------------------------------------------------------------------------


def render_gray(page: pymupdf.Page, dpi: int = DPI, clip: pymupdf.Rect | None = None) -> np.ndarray:
    """The page (or a clip of it, in displayed coordinates: PyMuPDF takes `clip` in the
    rotated page's frame) as a uint8 grayscale array, in displayed orientation."""
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False, clip=clip)
    buf = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    return buf[:, :pix.width].copy()


def _long_horizontal_mask(ink: np.ndarray, dpi: int) -> np.ndarray:
    k = max(15, int(RULE_MIN * dpi))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))


def estimate_skew(gray: np.ndarray, dpi: int = DPI) -> float:
    """Skew of the page content in degrees (positive: content rotated clockwise on screen,
    i.e. lines descending to the right); 0.0 when nothing to measure."""
    ink = np.where(gray < INK, 255, 0).astype(np.uint8)
    horiz = _long_horizontal_mask(ink, dpi)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horiz, connectivity=8)
    w_img = gray.shape[1]
    long_ids = [i for i in range(1, n) if stats[i, cv2.CC_STAT_WIDTH] >= max(w_img * 0.2, dpi)]
    if long_ids:
        ys, xs = np.nonzero(horiz)
        lab = labels[ys, xs]
        angles, weights = [], []
        for i in long_ids:
            sel = lab == i
            x, y = xs[sel].astype(np.float64), ys[sel].astype(np.float64)
            if np.ptp(x) < dpi:
                continue
            slope = np.polyfit(x, y, 1)[0]
            angles.append(math.degrees(math.atan(slope)))
            weights.append(np.ptp(x))
        if angles:
            order = np.argsort(angles)
            cum = np.cumsum(np.asarray(weights)[order])
            return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])
    return _projection_skew(ink)


def _projection_skew(ink: np.ndarray, limit: float = 3.0, step: float = 0.1) -> float:
    """Angle whose sheared row projection of the ink has the most energy (text-only pages)."""
    small = cv2.resize(ink, (ink.shape[1] // 4, ink.shape[0] // 4), interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(small > 64)
    if len(ys) < 50:
        return 0.0
    xs = xs.astype(np.float64) - small.shape[1] / 2
    best, best_score = 0.0, -1.0
    for a in np.arange(-limit, limit + step / 2, step):
        shifted = np.round(ys - xs * math.tan(math.radians(a))).astype(np.int64)
        shifted -= shifted.min()
        score = float(np.square(np.bincount(shifted).astype(np.float64)).sum())
        if score > best_score:
            best, best_score = float(a), score
    return best


def rotation_matrix(angle: float, width: int, height: int) -> np.ndarray:
    """The 2×3 affine that undoes `angle` of skew around the image centre."""
    return cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle, 1.0)


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.02:
        return gray
    h, w = gray.shape
    return cv2.warpAffine(gray, rotation_matrix(angle, w, h), (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


# ------------------------------------------------------------------------------------------
# pages stored turned (90°, 180°, 270° with no /Rotate)
# ------------------------------------------------------------------------------------------

_CV_TURN = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def turn_image(gray: np.ndarray, turn: int) -> np.ndarray:
    """The image turned clockwise by `turn` (0, 90, 180, 270) degrees."""
    return cv2.rotate(gray, _CV_TURN[turn]) if turn % 360 else gray


def turn_matrix(turn: int, width: int, height: int) -> np.ndarray:
    """3×3 affine of `turn_image` on pixel-corner coordinates of a `width`×`height` image."""
    turn %= 360
    if turn == 90:
        return np.array([[0.0, -1, height], [1, 0, 0], [0, 0, 1]])
    if turn == 180:
        return np.array([[-1.0, 0, width], [0, -1, height], [0, 0, 1]])
    if turn == 270:
        return np.array([[0.0, 1, 0], [-1, 0, width], [0, 0, 1]])
    return np.eye(3)


def frame_matrix(turn: int, angle: float, upright_shape) -> np.ndarray:
    """2×3 affine from the page as rendered (displayed orientation) to the upright frame the
    OCR path works in: turned by `turn`, then deskewed by `angle` about the turned image's
    centre. `upright_shape` is (height, width) of the upright image."""
    h, w = upright_shape
    w0, h0 = (h, w) if turn % 180 else (w, h)  # the rendering's own width and height
    deskew_m = np.vstack([rotation_matrix(angle, w, h) if abs(angle) >= 0.02 else np.eye(3)[:2], [0, 0, 1]])
    return (deskew_m @ turn_matrix(turn, w0, h0))[:2]


def text_turn(ink: np.ndarray, rulings: Rulings, dpi: int = DPI) -> int:
    """90 when the page's text lines seem to run top to bottom (a page stored on its side),
    else 0: a cheap first guess (a few milliseconds) that the recogniser confirms
    (`extract_page_ocr` keeps the reading it is surest of).

    Rulings out, the ink is reduced to `TURN_DPI`; the size of its pieces (the median
    connected component: a character or a part of one) sets the scale. Closing gaps of
    `TURN_GAP` pieces along an axis joins the characters of a line, and runs of `TURN_RUN`
    pieces along that axis that only the closing made are pieces of text line (a long stroke
    of a large character is long without closing and does not count). Upright text gives
    such runs across and next to none down (lines lie further apart than characters); a
    page on its side the reverse. `ink`: a mask of the text ink with its faint strokes
    (`text_ink`; on a pale copy the dark pixels alone are the heavy vertical strokes of a
    Song face, which line up down the page)."""
    f = max(1, int(round(dpi / TURN_DPI)))
    lines = cv2.dilate(cv2.bitwise_or(rulings.horizontal, rulings.vertical), np.ones((5, 5), np.uint8))
    text = cv2.bitwise_and(ink * np.uint8(255 // max(1, int(ink.max()))), cv2.bitwise_not(lines))
    h, w = text.shape
    hs, ws = max(1, h // f), max(1, w // f)
    # an exact f× reduction (f×f blocks averaged: cheaper than INTER_AREA at any size)
    small = (cv2.resize(text[:hs * f, :ws * f], (ws, hs), interpolation=cv2.INTER_LINEAR if f == 2 else cv2.INTER_AREA) > 40)
    small = small.astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    sizes = sizes[sizes >= 3]
    if len(sizes) < 8:
        return 0
    piece = float(np.median(sizes))
    gap = max(2, int(TURN_GAP * piece + 0.5))
    run = max(6, int(TURN_RUN * piece + 0.5))
    along = {}
    for axis, close_k, open_k in (("h", (gap, 1), (run, 1)), ("v", (1, gap), (1, run))):
        k = cv2.getStructuringElement(cv2.MORPH_RECT, open_k)
        closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, close_k))
        along[axis] = int(cv2.morphologyEx(closed, cv2.MORPH_OPEN, k).sum()) - int(cv2.morphologyEx(small, cv2.MORPH_OPEN, k).sum())
    if along["v"] >= TURN_MIN_RUNS and along["v"] > TURN_RATIO * max(along["h"], 0):
        return 90
    return 0


# ------------------------------------------------------------------------------------------
# rulings → grids
# ------------------------------------------------------------------------------------------


@dataclass
class Rulings:
    horizontal: np.ndarray  # masks, uint8 0/255
    vertical: np.ndarray


def find_rulings(ink: np.ndarray, dpi: int = DPI) -> Rulings:
    k = max(15, int(RULE_MIN * dpi))
    r = max(3, int(REPAIR * dpi))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    h = cv2.morphologyEx(h, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (r, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    v = cv2.morphologyEx(v, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, r)))
    return Rulings(h, v)


def ruling_segments(rulings: Rulings, dpi: int = DPI) -> list[tuple[float, float, float, float]]:
    """Line items (x0, y0, x1, y1) in points, as `page_segments` gives them on native pages."""
    scale = 72.0 / dpi
    k = max(15, int(RULE_MIN * dpi))
    thick = max(6, int(0.04 * dpi))  # thicker than this is a filled area, not a ruling
    lines = []
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


def find_grids(lines) -> list[Grid]:
    grids = []
    if not lines:
        return grids
    hs, vs = split_orientation(lines, [])
    for region_h, region_v in group_regions(hs, vs):
        grid = build_grid(region_h, region_v)
        if grid is None:
            continue
        x0, y0, x1, y1 = grid.bbox
        # on an image, the strokes of a large character can close a small box: a table is
        # at least an inch wide
        if (x1 - x0) * (y1 - y0) >= MIN_TABLE_AREA and len(grid.cells) >= 2 and x1 - x0 >= MIN_TABLE_WIDTH:
            grids.append(grid)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    return grids


# ------------------------------------------------------------------------------------------
# cell text lines
# ------------------------------------------------------------------------------------------


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


def grid_line_mask(grids: list[Grid], zoom: float, shape, dpi: int) -> tuple[np.ndarray, np.ndarray]:
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


def clean_ink(gray: np.ndarray, rulings: Rulings | None, table_px=(), grids: list[Grid] | None = None,
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


def _runs(mask_1d: np.ndarray) -> list[list[int]]:
    idx = np.flatnonzero(mask_1d)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return [[int(a), int(b)] for a, b in zip(starts, ends)]


def raw_line_runs(ink: np.ndarray) -> list[list[int]]:
    """Row runs of a cell's ink (y0, y1), gaps of 1-2 px closed."""
    runs = _runs(ink.any(axis=1))
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


def cell_px_box(grid: Grid, r: int, c: int, rs: int, cs: int, zoom: float, inset: int, shape) -> tuple[int, int, int, int]:
    x0 = int(math.ceil(grid.xs[c] * zoom)) + inset
    x1 = int(math.floor(grid.xs[c + cs] * zoom)) - inset
    y0 = int(math.ceil(grid.ys[r] * zoom)) + inset
    y1 = int(math.floor(grid.ys[r + rs] * zoom)) - inset
    h, w = shape
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def line_crop(gray: np.ndarray, ink: np.ndarray, box, line_h: float | None = None) -> np.ndarray:
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


def line_boxes(ink: np.ndarray, box, line_h: float) -> list[tuple[int, int, int, int]]:
    """The text lines inside a cell interior, as ink boxes in page pixels."""
    x0, y0, x1, y1 = box
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    sub = ink[y0:y1, x0:x1]
    if not sub.any():
        return []
    out = []
    for ly0, ly1 in merge_line_runs(raw_line_runs(sub), line_h):
        band = sub[ly0:ly1]
        cols = np.flatnonzero(band.any(axis=0))
        if len(cols) == 0 or band.sum() < 4:
            continue
        out.append((x0 + int(cols[0]), y0 + ly0, x0 + int(cols[-1]) + 1, y0 + ly1))
    return out


def cut_lines(gray: np.ndarray, ink: np.ndarray, box, line_h: float) -> list[np.ndarray]:
    """Line images of one cell."""
    return [line_crop(gray, ink, b, line_h) for b in line_boxes(ink, box, line_h)]


def line_in_box(ink: np.ndarray, box, table_px) -> tuple[int, int, int, int] | None:
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


def typical_line_height(ink: np.ndarray, boxes, dpi: int) -> float:
    heights = []
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


# ------------------------------------------------------------------------------------------
# cell text: numbers and suspect cells
# ------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
_NUMERIC_ISH = re.compile(r"^[-−\d.,，．。:：OoIl|SsBZ\s]+$")
_CONFUSION = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "，": ",", "．": ".", "。": ".",
                            "−": "-", "S": "5", "s": "5", "B": "8", "Z": "2"})
_EMPTY_MARKS = {"-", "—", "/", "－", "——", "--"}


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def normalize_number(text: str) -> str:
    """Repair a number cell read with OCR's usual slips: spaces inside, O for 0, a comma read
    as a point (or the reverse) where the digit grouping makes the intent unambiguous."""
    compact = "".join(text.split())
    if not compact or compact in _EMPTY_MARKS or not _NUMERIC_ISH.match(compact):
        return text
    if not any(ch.isdigit() for ch in compact) and not set(compact) <= set("Oo.,"):
        return text  # letters alone are not a misread number (O.OO is)
    fixed = compact.translate(_CONFUSION).replace(":", ".").replace("：", ".")
    if is_number(fixed):
        return fixed
    sign = "-" if fixed.startswith("-") else ""
    body = fixed.lstrip("-")
    parts = re.split(r"[.,]", body)
    if all(p.isdigit() for p in parts) and len(parts) >= 2:
        head, groups, last = parts[0], parts[1:-1], parts[-1]
        # 1,234.56 read as 1.234.56 / 1,234,56 / 1.234,56: three-digit groups, two decimals
        if 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups) and len(last) == 2:
            return sign + ",".join([head] + groups) + "." + last
        if 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups + [last]) and groups:
            return sign + ",".join([head] + groups + [last])
    return text


def numeric_columns(grid: Grid, texts: list[str]) -> set[int]:
    """Elementary columns where most filled single-column cells read as numbers."""
    counts: dict[int, list[int]] = {}
    for (r, c, rs, cs), text in zip(grid.cells, texts):
        t = "".join(text.split())
        if cs != 1 or not t:
            continue
        hit = counts.setdefault(c, [0, 0])
        hit[1] += 1
        if is_number(t) or t in _EMPTY_MARKS:
            hit[0] += 1
    return {c for c, (num, tot) in counts.items() if tot >= 2 and num >= 0.6 * tot}


# The documents are in simplified Chinese; the recogniser now and then answers a traditional form.
_TRADITIONAL = str.maketrans({"決": "决", "預": "预", "費": "费", "經": "经", "資": "资", "項": "项", "務": "务",
                              "撥": "拨", "總": "总", "數": "数", "單": "单", "門": "门", "計": "计", "與": "与", "產": "产",
                              "會": "会", "額": "额", "餘": "余", "結": "结", "轉": "转", "補": "补", "業": "业", "營": "营",
                              "國": "国", "稅": "税", "衛": "卫", "醫": "医", "療": "疗", "鄉": "乡", "區": "区", "環": "环",
                              "節": "节", "災": "灾", "術": "术", "學": "学", "體": "体", "傳": "传", "車": "车",
                              "購": "购", "運": "运", "維": "维", "護": "护", "標": "标", "際": "际", "績": "绩"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize_text(text: str) -> str:
    """Punctuation as these documents print it: in a line with Chinese text, brackets and
    colons are full width (the recogniser answers either form at random)."""
    text = text.strip().translate(_TRADITIONAL)
    if _CJK.search(text):
        text = text.replace("(", "（").replace(")", "）")
        text = re.sub(r"(?<!\d):|:(?!\d)", "：", text)
        text = re.sub(r"(?<!\d);|;(?!\d)", "；", text)
    return text


def join_lines(reads: list[LineRead]) -> str:
    return "\n".join(normalize_text(r.text) for r in reads if r.text.strip())


def cell_score(reads: list[LineRead]) -> float:
    return min((r.score for r in reads if r.text.strip()), default=1.0)


def _is_suspect(reads: list[LineRead], text: str, numeric: bool) -> bool:
    if not reads:
        return False
    if any(r.min_score < LOW_CHAR_SCORE or r.score < LOW_LINE_SCORE for r in reads if r.text.strip()):
        return True
    compact = "".join(text.split())
    if numeric and compact and compact not in _EMPTY_MARKS and not is_number(normalize_number(compact)):
        # a figure that does not read as one (a header word in the column is no suspect)
        digits = sum(ch.isdigit() or ch in ".,-" for ch in compact)
        return digits >= len(compact) / 2
    return False


# ------------------------------------------------------------------------------------------
# free text around tables
# ------------------------------------------------------------------------------------------


def text_bands(ink: np.ndarray, table_boxes_px, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1 px) of the page's ink outside the tables, grouped in bands."""
    free = ink.copy()
    pad = max(3, dpi // 50)
    for x0, y0, x1, y1 in table_boxes_px:
        free[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    rows = free.any(axis=1)
    bands = []
    gap = int(0.25 * dpi)
    margin = max(12, int(0.15 * dpi))  # the detector's boxes reach beyond the ink: leave room
    h, w = free.shape
    runs = _runs(rows)
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
    out = []
    for line in lines:
        line.sort(key=lambda b: b.box[0])
        text = " ".join(normalize_text(b.text) for b in line if b.text.strip())
        if text:
            out.append((min(b.box[1] for b in line) * scale, text))
    return out


# ------------------------------------------------------------------------------------------
# higher-resolution re-read
# ------------------------------------------------------------------------------------------


def reread_cells(page: pymupdf.Page, angle: float, page_shape, boxes_pt, engine: OcrEngine,
                 line_h_pt: float | None, dpi: int = DPI, reread_dpi: int = REREAD_DPI,
                 turn: int = 0) -> list[list[LineRead]]:
    """Read cells again from a `reread_dpi` rendering of their neighbourhood, turned by `turn`
    and deskewed by the page's angle (measured on the `dpi` rendering, of shape `page_shape`
    once upright). `boxes_pt` are cell interiors in the upright frame, in points."""
    k = reread_dpi / dpi
    zoom_hi = reread_dpi / 72.0
    m_lo = frame_matrix(turn, angle, page_shape)
    a = m_lo[:, :2]
    t_hi = m_lo[:, 2] * k
    a_inv = np.linalg.inv(a)
    crops_all: list[list[np.ndarray]] = []
    rect = page.rect
    for x0, y0, x1, y1 in boxes_pt:
        ox, oy = x0 * zoom_hi, y0 * zoom_hi
        w, h = int(math.ceil((x1 - x0) * zoom_hi)), int(math.ceil((y1 - y0) * zoom_hi))
        if w < 4 or h < 4:
            crops_all.append([])
            continue
        corners = np.array([[ox, oy], [ox + w, oy], [ox, oy + h], [ox + w, oy + h]], dtype=np.float64)
        src = (corners - t_hi) @ a_inv.T  # upright hi-res px → original hi-res px
        sx0, sy0 = src.min(axis=0) / zoom_hi - 2
        sx1, sy1 = src.max(axis=0) / zoom_hi + 2
        clip = pymupdf.Rect(max(rect.x0, sx0), max(rect.y0, sy0), min(rect.x1, sx1), min(rect.y1, sy1))
        if clip.is_empty:
            crops_all.append([])
            continue
        pix = page.get_pixmap(dpi=reread_dpi, colorspace=pymupdf.csGRAY, alpha=False, clip=clip)
        img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width]
        # dst pixel (u, v) → its centre in upright hi-res corner coordinates (ox + u + ½, …) →
        # original hi-res → the clip's pixels (whose origin is the whole pixel pix.x, pix.y),
        # as a pixel centre again: exact for a page turned by 90° too, where ½ px does not cancel
        b = a_inv @ (np.array([ox + 0.5, oy + 0.5]) - t_hi) - np.array([pix.x + 0.5, pix.y + 0.5])
        m = np.hstack([a_inv, b[:, None]])
        cell = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        ink = ((cell < INK) | faint_ink(cell, reread_dpi)).astype(np.uint8)
        # rulings that crept into the margin of the cell: long thin runs along its edges (a
        # stroke inside the cell, however long, stays)
        rul = find_rulings(np.where(cell < INK, 255, 0).astype(np.uint8), reread_dpi)
        edge = max(3, int(round(2 * RULE_BAND * reread_dpi)))
        frame = np.ones((h, w), dtype=bool)
        frame[edge:h - edge, edge:w - edge] = False
        rim = np.ones((2 * RULE_RIM + 1, 2 * RULE_RIM + 1), np.uint8)
        ink[(cv2.dilate(cv2.bitwise_or(rul.horizontal, rul.vertical), rim) > 0) & frame] = 0
        line_h = line_h_pt * zoom_hi if line_h_pt else typical_line_height(ink, [(0, 0, w, h)], reread_dpi)
        crops_all.append(cut_lines(cell, ink, (0, 0, w, h), line_h))
    flat = [c for crops in crops_all for c in crops]
    reads = engine.recognize(flat) if flat else []
    out, i = [], 0
    for crops in crops_all:
        out.append(reads[i:i + len(crops)])
        i += len(crops)
    return out


def _better(old: list[LineRead], new: list[LineRead], numeric: bool) -> bool:
    if not new:
        return False
    old_text, new_text = join_lines(old), join_lines(new)
    if numeric:
        old_ok = is_number("".join(normalize_number(old_text).split()))
        new_ok = is_number("".join(normalize_number(new_text).split()))
        if old_ok != new_ok:
            return new_ok
    return min(r.min_score for r in new) > min((r.min_score for r in old), default=0.0)


def reread_table_cells(page: pymupdf.Page, cells: list[Cell], engine: OcrEngine | None = None,
                       numeric: bool | None = None, turn: int | None = None) -> list[tuple[str, float]]:
    """Read cells of an OCR table again at `REREAD_DPI` (for a caller whose accounting
    identity failed on the table): (text, confidence) per cell, in the order given. The
    page's skew and turn are measured again (`turn`, when known, spares the second reading a
    page on its side or upside down needs); `numeric` forces (or forbids) the number
    repairs, by default they apply where the first reading looked like a number."""
    engine = engine or get_engine()
    gray0 = render_gray(page, DPI)
    inset = 72.0 / 100  # the 2 px at 200 dpi that cell interiors leave to the rulings
    boxes = [(c.bbox[0] + inset, c.bbox[1] + inset, c.bbox[2] - inset, c.bbox[3] - inset) for c in cells]
    if turn is None:
        view = _View(gray0, 0, DPI)
        quarter = text_turn(view.text_ink, view.rulings, DPI)
        options = [quarter, (quarter + 180) % 360]
    else:
        options = [turn % 360]
    best = None
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
    out = []
    for cell, reads in zip(cells, best[1]):
        text = join_lines(reads)
        looks_numeric = numeric if numeric is not None else bool(_NUMERIC_ISH.match("".join(cell.text.split()) or "x"))
        if looks_numeric:
            text = normalize_number(text)
        out.append((text, round(cell_score(reads), 4)))
    return out


# ------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------


class _View:
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
class _Reading:
    """The first reading of one view: line crops, whose cell or band they are, what they say."""

    view: _View
    ink: np.ndarray
    boxes_px: list
    line_h: float
    crops: list
    owners: list
    free_boxes: list
    free_crops: list
    reads: list


def _read_view(view: _View, engine: OcrEngine, dpi: int) -> _Reading:
    zoom = dpi / 72.0
    gray, grids = view.gray, view.grids
    table_px = [tuple(int(round(v * zoom)) for v in g.bbox) for g in grids]
    ink = clean_ink(gray, view.rulings, table_px, grids, dpi, view.text_ink)

    # cell interiors and their line crops
    inset = max(1, dpi // 100)
    boxes_px: list[list[tuple[int, int, int, int]]] = []
    for grid in grids:
        boxes_px.append([cell_px_box(grid, r, c, rs, cs, zoom, inset, gray.shape) for r, c, rs, cs in grid.cells])
    line_h = typical_line_height(ink, [b for bs in boxes_px for b in bs], dpi)
    crops: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    for gi, bs in enumerate(boxes_px):
        for ci, box in enumerate(bs):
            for crop in cut_lines(gray, ink, box, line_h):
                crops.append(crop)
                owners.append((gi, ci))

    # free text: bands outside the tables, detection there only; line crops cut like cells
    free_boxes: list[tuple[int, int, int, int]] = []
    for bx0, by0, bx1, by1 in text_bands(ink, table_px, dpi):
        sub = gray[by0:by1, bx0:bx1].copy()
        for tx0, ty0, tx1, ty1 in table_px:  # a band beside a table must not read the table
            ix0, iy0, ix1, iy1 = max(tx0 - bx0, 0), max(ty0 - by0, 0), min(tx1 - bx0, bx1 - bx0), min(ty1 - by0, by1 - by0)
            if ix0 < ix1 and iy0 < iy1:
                sub[iy0:iy1, ix0:ix1] = 255
        for x0, y0, x1, y1 in engine.detect(sub):
            box = line_in_box(ink, (int(x0) + bx0, int(y0) + by0, int(math.ceil(x1)) + bx0, int(math.ceil(y1)) + by0), table_px)
            if box is not None:
                free_boxes.append(box)
    free_crops = [line_crop(gray, ink, box) for box in free_boxes]
    reads = engine.recognize(crops + free_crops) if crops or free_crops else []
    return _Reading(view, ink, boxes_px, line_h, crops, owners, free_boxes, free_crops, reads)


def _longest_lines(crops: list[np.ndarray], reads: list[LineRead]) -> list[int]:
    lines = [i for i, rd in enumerate(reads) if rd.text.strip()]
    lines.sort(key=lambda i: -crops[i].shape[1] / max(1, crops[i].shape[0]))
    return lines[:FLIP_SAMPLE]


def trust(crops: list[np.ndarray], reads: list[LineRead]) -> float:
    """How sure the recogniser is of a page: the mean score of its `FLIP_SAMPLE` longest
    lines (those with the most characters; 1.0 for a page without text, which no turn helps)."""
    sample = _longest_lines(crops, reads)
    return float(np.mean([reads[i].score for i in sample])) if sample else 1.0


def upside_down(crops: list[np.ndarray], reads: list[LineRead], engine: OcrEngine) -> bool:
    """Whether the lines read are upside down: the longest lines (most characters) read
    with a mean score of `FLIP_TRUST` or more are upright, at no cost; otherwise up to
    `FLIP_SAMPLE` of them are read again turned over, and the page is upside down when that
    reading scores `FLIP_MARGIN` better. (The recogniser reads text upside down as something,
    but unsure of it: 般 turned over is no character it knows.)"""
    sample = _longest_lines(crops, reads)
    if not sample:
        return False
    as_is = float(np.mean([reads[i].score for i in sample]))
    if as_is >= FLIP_TRUST:
        return False
    over = engine.recognize([cv2.rotate(crops[i], cv2.ROTATE_180) for i in sample])
    turned = float(np.mean([rd.score if rd.text.strip() else 0.0 for rd in over]))
    return turned > as_is + FLIP_MARGIN


def _read_upright(gray0: np.ndarray, engine: OcrEngine, dpi: int) -> _Reading:
    """The first reading of the page in the turn the recogniser is surest of. The guess of
    `text_turn` is read first; a reading at `FLIP_TRUST` or above is kept at once (an upright
    page costs nothing more). Otherwise: turned over when `upside_down` says so; a page
    guessed on its side but still doubtful is read upright too, and one read upright but
    doubtful (under `TURN_DOUBT`: `text_turn` saw too little text) on its side; the
    reading with the best `trust` is kept."""
    view = _View(gray0, 0, dpi)
    guess = text_turn(view.text_ink, view.rulings, dpi)
    if guess:
        view = _View(gray0, guess, dpi)
    best = _read_view(view, engine, dpi)
    score = trust(best.crops + best.free_crops, best.reads)
    if score >= FLIP_TRUST:
        return best

    def consider(turn: int):
        nonlocal best, score
        other = _read_view(_View(gray0, turn, dpi), engine, dpi)
        other_score = trust(other.crops + other.free_crops, other.reads)
        if other_score > score:
            best, score = other, other_score

    if upside_down(best.crops + best.free_crops, best.reads, engine):
        consider(guess + 180)
    if score < FLIP_TRUST and guess:
        consider(0)
    elif score < TURN_DOUBT and not guess:
        consider(90)
        if score < FLIP_TRUST and best.view.turn == 90 and upside_down(best.crops + best.free_crops, best.reads, engine):
            consider(270)
    return best


def extract_page_ocr(page: pymupdf.Page, page_no: int, engine: OcrEngine | None = None,
                     dpi: int = DPI, reread: bool = True) -> tuple[list[RawTable], PageText]:
    """Raw tables (`source="ocr"`) and the free text lines of one scanned page.

    A page stored on its side or upside down (no /Rotate says so, as in many scans) is
    turned upright first: `text_turn` sees text lines running top to bottom (90°), and a
    first reading whose lines the recogniser is unsure of, but sure of turned over, is done
    again turned by 180° (`upside_down`). Coordinates are then in the upright frame (the
    page's width and height swapped for 90° and 270°)."""
    engine = engine or get_engine()
    scale = 72.0 / dpi
    first = _read_upright(render_gray(page, dpi), engine, dpi)
    view, gray, grids = first.view, first.view.gray, first.view.grids
    boxes_px, line_h, reads, crops = first.boxes_px, first.line_h, first.reads, first.crops

    per_cell: list[list[list[LineRead]]] = [[[] for _ in g.cells] for g in grids]
    for (gi, ci), rd in zip(first.owners, reads):
        per_cell[gi][ci].append(rd)
    band_boxes = [TextBox(rd.text, box, rd.score) for box, rd in zip(first.free_boxes, reads[len(crops):])
                  if rd.text.strip() and rd.score >= 0.5]

    # suspect cells → read again at a higher resolution
    texts = [[join_lines(rs) for rs in cells] for cells in per_cell]
    numeric = [numeric_columns(g, t) for g, t in zip(grids, texts)]
    if reread:
        suspects = []
        for gi, grid in enumerate(grids):
            for ci, (r, c, rs, cs) in enumerate(grid.cells):
                is_num = cs == 1 and c in numeric[gi]
                if _is_suspect(per_cell[gi][ci], texts[gi][ci], is_num):
                    suspects.append((gi, ci, is_num))
        if suspects:
            boxes_pt = [tuple(v * scale for v in boxes_px[gi][ci]) for gi, ci, _ in suspects]
            again = reread_cells(page, view.angle, gray.shape, boxes_pt, engine, line_h * scale, dpi,
                                 max(REREAD_DPI, 2 * dpi), turn=view.turn)
            for (gi, ci, is_num), new in zip(suspects, again):
                if _better(per_cell[gi][ci], new, is_num):
                    per_cell[gi][ci] = new
                    texts[gi][ci] = join_lines(new)

    tables = []
    for gi, grid in enumerate(grids):
        cells = []
        for ci, (r, c, rs, cs) in enumerate(grid.cells):
            text = texts[gi][ci]
            if cs == 1 and c in numeric[gi]:
                text = normalize_number(text)
            bbox = (grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs])
            cells.append(Cell(r, c, text, bbox, rs, cs, round(cell_score(per_cell[gi][ci]), 4), page_no))
        n_rows = len(grid.ys) - 1
        tables.append(RawTable(
            cells=cells, n_rows=n_rows, n_cols=len(grid.xs) - 1, page=page_no, source="ocr",
            bbox=grid.bbox, page_end=page_no, row_pages=[page_no] * n_rows, col_edges=list(grid.xs),
        ))
    return tables, PageText(page_no, boxes_to_lines(band_boxes, scale))


__all__ = [
    "DPI", "REREAD_DPI", "EngineUnavailable", "OcrEngine", "PaddleOcrEngine", "RapidOcrEngine", "TextBox",
    "LineRead", "engine_spec", "estimate_skew", "extract_page_ocr", "get_engine", "make_engine", "normalize_number", "normalize_text",
    "reread_table_cells", "set_engine", "text_turn", "trust", "upside_down", "use_threads",
]
