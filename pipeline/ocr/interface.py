"""The interface every OCR engine offers, and what the built-in engines share.

Entry point: `OcrEngine` (the interface; an engine of your own subclasses it), with the values
it returns (`TextBox`, `LineRead`) and `EngineUnavailable`, raised by an engine that cannot be
built. An engine does two things:

- `read(image)`: detect and recognise every text line of an image; `detect(image)` gives the
  line boxes alone (the OCR path detects the free text around tables: titles, units,
  部门名称 lines, narrative pages, and cuts its own crops from the boxes);
- `recognize(crops)`: recognise single-line crops, batched (used for table cells, whose lines
  the OCR path has already cut out along the ruling grid, so no detection runs on tables).

Images are numpy arrays, grayscale (H, W) or BGR (H, W, 3), uint8. Boxes are in the pixels of
the image given. `PolygonEngine` is the common part of the built-in engines (`RapidOcrEngine`,
`PaddleOcrEngine`), whose detectors find text polygons.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # onnxruntime is imported when a session is made (it is untyped)
    from onnxruntime import InferenceSession

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
CharRead = tuple[str, float, float, float]  # (char, x0, x1, score), image px


@dataclass
class TextBox:
    """One recognised text line."""

    text: str
    box: Box
    score: float
    chars: list[CharRead] = field(default_factory=list)


@dataclass
class LineRead:
    """What `recognize` returns for one crop: the text, its mean score, and each character
    with its horizontal extent in the crop's pixels and its own score."""

    text: str
    score: float
    chars: list[CharRead] = field(default_factory=list)

    @property
    def min_score(self) -> float:
        return min((c[3] for c in self.chars), default=self.score)


class OcrEngine:
    """The interface; see the module docstring."""

    name = "abstract"

    def read(self, image: np.ndarray) -> list[TextBox]:
        raise NotImplementedError

    def detect(self, image: np.ndarray) -> list[Box]:
        """Text line boxes (x0, y0, x1, y1) without recognition; by default from `read`."""
        return [b.box for b in self.read(image)]

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        raise NotImplementedError

    def set_threads(self, threads: int) -> None:
        """Use this many threads from now on (pipeline.workers: the worker's share of the
        cores); engines that cannot change keep theirs."""


class EngineUnavailable(RuntimeError):
    """The requested OCR engine cannot be constructed (package missing, models absent)."""


class PolygonEngine(OcrEngine):
    """An engine whose detector finds text polygons (`_detect`): `detect` gives their boxes,
    `read` cuts each polygon out straightened, recognises the crops in one batch and keeps the
    lines read at `TEXT_SCORE` or above."""

    TEXT_SCORE = 0.5  # detected lines read below this are noise (RapidOCR's default)

    def _detect(self, image: np.ndarray) -> list[tuple[Box, np.ndarray]]:
        """(box, polygon) of each text line, top to bottom, then left to right."""
        raise NotImplementedError

    def detect(self, image: np.ndarray) -> list[Box]:
        return [box for box, _ in self._detect(image)]

    def read(self, image: np.ndarray) -> list[TextBox]:
        from rapidocr.utils.process_img import get_rotate_crop_image

        found = self._detect(image)
        if not found:
            return []
        image = bgr(image)
        reads = self.recognize([get_rotate_crop_image(image, poly.copy()) for _, poly in found])
        boxes = []
        for (box, _), rd in zip(found, reads):
            if rd.text.strip() and rd.score >= self.TEXT_SCORE:
                chars = [(c, box[0] + a, box[0] + b, sc) for c, a, b, sc in rd.chars]
                boxes.append(TextBox(rd.text, box, rd.score, chars))
        return boxes


def polygon_box(poly: np.ndarray) -> Box:
    """The bounding box of a detected polygon."""
    x0, y0 = poly.min(axis=0)
    x1, y1 = poly.max(axis=0)
    return (float(x0), float(y0), float(x1), float(y1))


def bgr(image: np.ndarray) -> np.ndarray:
    """A grayscale image as BGR (what the models take); a BGR image as it is."""
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    return image


def ort_session(path: Path, threads: int | None) -> InferenceSession:
    """An ONNX Runtime session on the CPU whose threads sleep while they wait for work, with
    `threads` intra-op threads (None: onnxruntime's own count)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
