"""Pages stored turned: on their side or upside down, with no /Rotate to say so.

Entry points: `text_turn(ink, rulings)` (a cheap first guess: 90 when the text lines run top
to bottom), and `trust` / `upside_down` (the recogniser's confidence on the longest lines read,
which settles whether a reading is upright; `pipeline.ocr.page` reads the page in the turn it
is surest of).
"""
from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr.interface import LineRead, OcrEngine
from pipeline.ocr.render import DPI
from pipeline.ocr.rulings import Rulings

TURN_DPI = 100  # the page's text direction is judged at this resolution
TURN_GAP = 0.5  # gaps closed along a line, in ink pieces (the median connected component)
TURN_RUN = 2.5  # a run this many pieces long along an axis is a piece of text line
TURN_MIN_RUNS = 200  # pixels (at TURN_DPI) of vertical runs before a page is taken as on its side
TURN_RATIO = 2.5  # ... and this many times the horizontal ones
FLIP_TRUST = 0.95  # mean score of the longest lines read at or above which a page is upright
TURN_DOUBT = 0.8  # below this (and no better turned over) a page read as upright is tried on its side
FLIP_SAMPLE = 8  # lines read turned over when it is below
FLIP_MARGIN = 0.1  # the turned-over reading must score this much better to turn the page


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
    reduced = cv2.resize(text[:hs * f, :ws * f], (ws, hs), interpolation=cv2.INTER_LINEAR if f == 2 else cv2.INTER_AREA)
    small = (reduced > 40).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    sizes = sizes[sizes >= 3]
    if len(sizes) < 8:
        return 0
    piece = float(np.median(sizes))
    gap = max(2, int(TURN_GAP * piece + 0.5))
    run = max(6, int(TURN_RUN * piece + 0.5))
    along: dict[str, int] = {}
    for axis, close_k, open_k in (("h", (gap, 1), (run, 1)), ("v", (1, gap), (1, run))):
        k = cv2.getStructuringElement(cv2.MORPH_RECT, open_k)
        closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, close_k))
        along[axis] = int(cv2.morphologyEx(closed, cv2.MORPH_OPEN, k).sum()) - int(cv2.morphologyEx(small, cv2.MORPH_OPEN, k).sum())
    if along["v"] >= TURN_MIN_RUNS and along["v"] > TURN_RATIO * max(along["h"], 0):
        return 90
    return 0



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
