"""The default OCR engine: RapidOCR's PP-OCR ONNX models, run by onnxruntime.

Entry point: `RapidOcrEngine(threads=None, model_dir=None)`. The models are loaded from the
files inside the installed `rapidocr` wheel (or a folder of ONNX files named like them) by
explicit path, so it never downloads anything.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from pipeline.ocr.interface import (
    Box,
    EngineUnavailable,
    LineRead,
    PolygonEngine,
    bgr,
    ort_session,
    polygon_box,
)

if TYPE_CHECKING:
    from onnxruntime import InferenceSession


class RapidOcrEngine(PolygonEngine):
    """RapidOCR (onnxruntime) with the det / rec models shipped inside the `rapidocr` wheel.

    Models are passed by path, which skips RapidOCR's download step entirely; the text
    recogniser's character list is read from the ONNX model's metadata. Recognition of crops
    runs the rec session directly, in batches of similar aspect ratio padded only to the
    widest crop of the batch (RapidOCR's own batching pads every crop to at least 320×48,
    which on short table cells such as `0.00` costs 2-3× the work)."""

    name = "rapidocr"
    REC_HEIGHT = 48
    BATCH = 8
    MIN_RATIO = 1.0  # a crop is never padded narrower than square

    def __init__(self, threads: int | None = None, model_dir: str | Path | None = None):
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - rapidocr is a core dependency
            raise EngineUnavailable(f"rapidocr is not installed: {exc}") from None
        # a folder of ONNX files named like the wheel's (…det….onnx, …rec….onnx, the
        # recogniser's character list in its metadata); by default the wheel's own
        models = Path(model_dir) if model_dir else Path(rapidocr.__file__).resolve().parent / "models"
        if not models.is_dir():
            raise EngineUnavailable(f"model folder {models} does not exist")
        det = self._model(models, "det")
        rec = self._model(models, "rec")
        params = {
            "Global.log_level": "warning",
            "Global.use_cls": False,
            "Det.model_path": str(det),
            "Rec.model_path": str(rec),
        }
        cls = sorted(models.glob("*cls*.onnx"))
        if cls:
            params["Cls.model_path"] = str(cls[0])
        self.models = {"det": det, "rec": rec}
        self._ocr = RapidOCR(params=params)
        self._rec = self._ocr._load_rec_model()
        self._det = self._ocr._load_det_model()
        # onnxruntime's threads spin while they wait for work; with a worker process per core
        # (pipeline.workers) spinning threads of two workers would take turns burning each
        # other's cores, so they sleep instead
        self._sessions: dict[int | None, tuple[InferenceSession, InferenceSession]] = {}  # by thread count: an ONNX session's is fixed
        self.threads: int | None = None
        self.set_threads(threads)
        # the character table of the CTC decoder (blank at 0, space at the end)
        self._charset = self._rec.postprocess_op.character

    def set_threads(self, threads: int | None) -> None:
        if threads == self.threads and self._sessions:
            return
        if threads not in self._sessions:
            self._sessions[threads] = (ort_session(self.models["rec"], threads), ort_session(self.models["det"], threads))
        self._rec.session.session, self._det.session.session = self._sessions[threads]
        self.threads = threads

    @staticmethod
    def _model(models: Path, task: str) -> Path:
        found = sorted(models.glob(f"*_{task}_*.onnx")) or sorted(models.glob(f"*{task}*.onnx"))
        if not found:
            raise EngineUnavailable(f"no {task} model inside the rapidocr wheel ({models})")
        # prefer the newest PP-OCR version shipped
        return found[-1]

    # -- detection + recognition ------------------------------------------------------------

    def _detect(self, image: np.ndarray) -> list[tuple[Box, np.ndarray]]:
        """Text line polygons, detected at the image's own scale (RapidOCR's default
        preprocessing would blow a short band up to 736 px on its short side)."""
        if image.size == 0 or min(image.shape[:2]) < 8:
            return []
        from rapidocr.ch_ppocr_det.utils import DetPreProcess

        image = bgr(image)
        h, w = image.shape[:2]
        tensor = DetPreProcess(max(h, w, 32), "max", self._det.mean, self._det.std)(image)
        if tensor is None:
            return []
        preds = self._det.session(tensor)
        polys, _ = self._det.postprocess_op(preds, (h, w))
        out = []
        for found in polys:
            poly = np.asarray(found, dtype=np.float32)
            out.append((polygon_box(poly), poly))
        out.sort(key=lambda b: (b[0][1], b[0][0]))
        return out

    # -- recognition of line crops ----------------------------------------------------------

    def _norm(self, img: np.ndarray, width: int) -> tuple[np.ndarray, int]:
        h, w = img.shape[:2]
        rw = min(width, max(1, int(math.ceil(self.REC_HEIGHT * w / float(h)))))
        resized = cv2.resize(bgr(img), (rw, self.REC_HEIGHT)).astype(np.float32)
        out = np.zeros((3, self.REC_HEIGHT, width), dtype=np.float32)
        out[:, :, :rw] = resized.transpose(2, 0, 1) / 127.5 - 1.0
        return out, rw

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        results = [LineRead("", 0.0)] * len(crops)  # each replaced by its reading below
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
        for start in range(0, len(order), self.BATCH):
            idx = order[start:start + self.BATCH]
            ratio = max(max(crops[i].shape[1] / max(1, crops[i].shape[0]) for i in idx), self.MIN_RATIO)
            width = int(math.ceil(self.REC_HEIGHT * ratio / 8.0)) * 8
            batch, widths = [], []
            for i in idx:
                arr, rw = self._norm(crops[i], width)
                batch.append(arr)
                widths.append(rw)
            preds = self._rec.session(np.stack(batch))
            for k, i in enumerate(idx):
                results[i] = self._decode(preds[k], width, widths[k], crops[i].shape[1])
        return results

    def _decode(self, pred: np.ndarray, width: int, resized_w: int, crop_w: int) -> LineRead:
        ids = pred.argmax(axis=1)
        probs = pred.max(axis=1)
        steps = len(ids)
        keep = np.ones(steps, dtype=bool)
        keep[1:] = ids[1:] != ids[:-1]
        keep &= ids != 0
        cols = np.nonzero(keep)[0]
        if len(cols) == 0:
            return LineRead("", 0.0, [])
        step_px = width / steps  # input pixels per CTC step
        scale = crop_w / float(resized_w)  # input pixels → crop pixels
        chars = []
        for j, col in enumerate(cols):
            ch = self._charset[ids[col]]
            # a character spans from halfway after the previous one to halfway before the next
            lo = (cols[j - 1] + col) / 2 + 0.5 if j else max(0.0, col - 1.5)
            hi = (col + cols[j + 1]) / 2 + 0.5 if j + 1 < len(cols) else col + 2.5
            chars.append((ch, lo * step_px * scale, hi * step_px * scale, float(probs[col])))
        text = "".join(c[0] for c in chars)
        return LineRead(text, float(np.mean([c[3] for c in chars])), chars)
