"""Scanned copies of text-layer PDFs, for tests and benchmarks of the OCR path.

`simulate_scan(src, pages)` renders the pages in grayscale, turns each by a random angle, adds
gaussian noise, cleans the paper as scanner software does, and stores each as a JPEG in a new
image-only PDF of the same page sizes (deterministic for a given seed).

Options for harder copies: `ink` is the gray of solid black after scanning (20 by default;
a pale copy has 60-80, where a hairline such as the stroke of 一 falls near the paper),
`blur` a gaussian sigma in pixels (the scanner's optics), and `turn` stores each page image
turned by 90, 180 or 270 degrees clockwise on a page of the turned size with no /Rotate, as a
sheet fed sideways or upside down is stored."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
import pymupdf

from pipeline.ocr.render import render_gray, turn_image

PAPER = 249.5  # the gray of white paper after scanning, before the cleaning that whitens it


def simulate_scan(src: Path | str | pymupdf.Document, pages: Iterable[int], dpi: int = 200, max_angle: float = 0.5,
                  noise: float = 6.0, quality: int = 70, seed: int = 4, ink: float = 20.0,
                  blur: float = 0.0, turn: int = 0) -> bytes:
    """Image-only PDF of `pages` (1-based) of `src`."""
    if turn % 360 not in (0, 90, 180, 270):
        raise ValueError("turn must be a multiple of 90 degrees")
    rng = np.random.default_rng(seed)
    doc = src if isinstance(src, pymupdf.Document) else pymupdf.open(src)
    out = pymupdf.open()
    for pno in pages:
        page = doc[pno - 1]
        gray = render_gray(page, dpi)
        h, w = gray.shape
        angle = float(rng.uniform(-max_angle, max_angle))
        gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                              flags=cv2.INTER_CUBIC, borderValue=255)
        a: np.ndarray = gray.astype(np.float32)
        if blur > 0:
            a = cv2.GaussianBlur(a, (0, 0), blur)
        a = a * ((PAPER - ink) / 255.0) + ink + rng.normal(0.0, noise, gray.shape).astype(np.float32)
        a[a > 228.0] = 255.0
        img = turn_image(np.clip(a, 0, 255).astype(np.uint8), turn % 360)
        ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        rect = page.rect
        width, height = (rect.height, rect.width) if turn % 180 else (rect.width, rect.height)
        new = out.new_page(width=width, height=height)
        new.insert_image(new.rect, stream=jpeg.tobytes())
    return out.tobytes(garbage=3, deflate=True)
