"""The page as an image, and the upright frame the OCR path works in.

Entry point: `render_gray(page, dpi)` (the page in grayscale, in displayed orientation). The
upright frame: `estimate_skew` / `deskew` (the angle of the long rulings, or of the text rows
on a page without rulings, rotated back), `turn_image` (a page stored on its side or upside
down turned upright), and `frame_matrix` (the affine from the rendering to that frame).
"""
from __future__ import annotations

import math

import cv2
import numpy as np
import pymupdf

DPI = 200  # the OCR path renders at this; the pixel cap of pipeline.extract checks it too
REREAD_DPI = 400  # suspect cells are read again from a rendering at this
INK = 165  # gray level below which a pixel is ink
RULE_MIN = 0.2  # inch: shortest run of ink taken for a ruling (40 px at 200 dpi)

PxBox = tuple[int, int, int, int]  # x0, y0, x1, y1 in the pixels of a rendering


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
        angles: list[float] = []
        weights: list[float] = []
        for i in long_ids:
            sel = lab == i
            x, y = xs[sel].astype(np.float64), ys[sel].astype(np.float64)
            if np.ptp(x) < dpi:
                continue
            slope = np.polyfit(x, y, 1)[0]
            angles.append(math.degrees(math.atan(slope)))
            weights.append(float(np.ptp(x)))
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
    """The image rotated back by its skew `angle` (as measured by `estimate_skew`)."""
    if abs(angle) < 0.02:
        return gray
    h, w = gray.shape
    return cv2.warpAffine(gray, rotation_matrix(angle, w, h), (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)


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


def frame_matrix(turn: int, angle: float, upright_shape: tuple[int, ...]) -> np.ndarray:
    """2×3 affine from the page as rendered (displayed orientation) to the upright frame the
    OCR path works in: turned by `turn`, then deskewed by `angle` about the turned image's
    centre. `upright_shape` is (height, width) of the upright image."""
    h, w = upright_shape
    w0, h0 = (h, w) if turn % 180 else (w, h)  # the rendering's own width and height
    deskew_m = np.vstack([rotation_matrix(angle, w, h) if abs(angle) >= 0.02 else np.eye(3)[:2], [0, 0, 1]])
    return (deskew_m @ turn_matrix(turn, w0, h0))[:2]

