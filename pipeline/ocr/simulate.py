"""Scanned copies of text-layer PDFs, for tests and benchmarks of the OCR path.

`simulate_scan(src, pages)` renders the pages in grayscale, turns each by a random angle, adds
gaussian noise, cleans the paper as scanner software does, and stores each as a JPEG in a new
image-only PDF of the same page sizes (deterministic for a given seed)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pymupdf

from pipeline.ocr import render_gray


def simulate_scan(src: Path | str | pymupdf.Document, pages, dpi: int = 200, max_angle: float = 0.5,
                  noise: float = 6.0, quality: int = 70, seed: int = 4) -> bytes:
    """Image-only PDF of `pages` (1-based) of `src`."""
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
        a = gray.astype(np.float32) * 0.9 + 20.0 + rng.normal(0.0, noise, gray.shape).astype(np.float32)
        a[a > 228.0] = 255.0
        ok, jpeg = cv2.imencode(".jpg", np.clip(a, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        rect = page.rect
        new = out.new_page(width=rect.width, height=rect.height)
        new.insert_image(new.rect, stream=jpeg.tobytes())
    return out.tobytes(garbage=3, deflate=True)
