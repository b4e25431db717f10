"""PaddleOCR 3.x behind the engine interface (the optional `[paddle]` extra), offline.

Entry point: `PaddleOcrEngine(model_dir=None, threads=None)`, made by name (`paddleocr`) in
`pipeline.ocr.engines`; its model folders are found by `pipeline.ocr.paddle_models`. This
module imports paddleocr only when an engine is built.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from pipeline.ocr.interface import (
    Box,
    EngineUnavailable,
    LineRead,
    PolygonEngine,
    bgr,
    one_line,
    ort_session,
    polygon_box,
)
from pipeline.ocr.paddle_models import ModelFolder, ModelFolderError, model_folders

if TYPE_CHECKING:  # untyped packages (Any to mypy), named for the reader
    from onnxruntime import InferenceSession
    from paddleocr import TextDetection, TextRecognition


class PaddleOcrEngine(PolygonEngine):
    """PaddleOCR 3.x (`pip install 'juesuan[paddle]'`) behind the same interface, offline.

    Its text detector and recogniser are PaddleX predictors built from model folders on disk
    (`pipeline.ocr.paddle_models`): `model_dir` holds a det and a rec model folder (or bare ONNX
    files); without it, the PP-OCR ONNX models inside the rapidocr wheel, run by PaddleOCR's own
    ONNX Runtime engine (no paddlepaddle needed). Folders of Paddle weights run on the
    `paddle_static` engine and need `pip install paddlepaddle`. Nothing is fetched: the model
    hub check is switched off and every model is named with its folder.

    Any failure to build (a missing package, a model folder PaddleX refuses, weights that do
    not run) raises `EngineUnavailable` with one line saying what to install or give.
    `detect` runs the detector alone; `read` detects, cuts each line out and recognises the
    crops; `recognize` batches crops through PaddleX's recogniser (which pads each crop to at
    least 320×48: more work than `RapidOcrEngine` on short cells; no character positions)."""

    name = "paddleocr"
    BATCH = 8
    # the oneDNN bug of Paddle 3.x on CPU (`ConvertPirAttribute2RuntimeAttribute not support`)
    PADDLE_CONFIG = {"run_mode": "mkldnn", "enable_new_ir": False}

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None,
                 det_model_dir: str | Path | None = None, rec_model_dir: str | Path | None = None):
        # PaddleX checks model hubs when imported (20 s, then fails offline): every model
        # here comes from a folder
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            import paddleocr
            import paddlex  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable(
                f"PaddleOcrEngine needs paddleocr 3.x, which is not installed ({one_line(exc)}): "
                "pip install 'juesuan[paddle]' (or use the default RapidOcrEngine)"
            ) from None
        except Exception as exc:  # a dependency of paddlex that fails to import
            raise EngineUnavailable(f"paddleocr does not import ({one_line(exc)}): "
                                    "pip install --force-reinstall 'juesuan[paddle]'") from None
        if not hasattr(paddleocr, "TextRecognition"):
            raise EngineUnavailable(f"paddleocr {getattr(paddleocr, '__version__', '?')} is too old: "
                                    "pip install 'juesuan[paddle]' (paddleocr 3.x)")
        logging.getLogger("paddlex").setLevel(logging.WARNING)
        try:
            self.det_folder, self.rec_folder = model_folders(model_dir, det_model_dir, rec_model_dir)
        except (ModelFolderError, OSError) as exc:
            raise EngineUnavailable(f"PaddleOCR models: {one_line(exc)}") from None
        self._paddleocr = paddleocr
        self.models = {"det": self.det_folder.path, "rec": self.rec_folder.path}
        self.threads: int | None = None
        self._built: dict[int | None, tuple[TextDetection, TextRecognition]] = {}  # by thread count
        self._onnx_sessions: dict[tuple[str, int | None], InferenceSession] = {}
        self.set_threads(threads)
        self._probe()

    # -- construction ---------------------------------------------------------------------

    def _hint(self) -> str:
        engines = {self.det_folder.engine, self.rec_folder.engine}
        if "paddle_static" in engines:
            return "these are Paddle weights: pip install paddlepaddle, or give ONNX model folders"
        return "check the model folders (--ocr-model-dir), or pip install --force-reinstall 'juesuan[paddle]'"

    def _predictor(self, cls: type[TextDetection] | type[TextRecognition], folder: ModelFolder,
                   threads: int | None) -> TextDetection | TextRecognition:
        config: dict[str, object] = dict(self.PADDLE_CONFIG) if folder.engine == "paddle_static" else {}
        if threads and folder.engine == "paddle_static":
            config["cpu_threads"] = threads
        if folder.engine == "paddle_static":
            try:
                import paddle  # noqa: F401
            except ImportError:
                raise EngineUnavailable(f"{folder.path} holds Paddle weights and paddlepaddle is not installed: "
                                        "pip install paddlepaddle (or give ONNX model folders)") from None
        return cls(model_name=folder.model_name, model_dir=str(folder.path), engine=folder.engine,
                   engine_config=config, device="cpu")

    def _build(self, threads: int | None) -> tuple[TextDetection, TextRecognition]:
        try:
            det = self._predictor(self._paddleocr.TextDetection, self.det_folder, threads)
            rec = self._predictor(self._paddleocr.TextRecognition, self.rec_folder, threads)
        except EngineUnavailable:
            raise
        except Exception as exc:  # PaddleX raises plain exceptions of every kind
            raise EngineUnavailable(f"PaddleOCR could not load {self.det_folder.model_name} / "
                                    f"{self.rec_folder.model_name}: {one_line(exc)}; {self._hint()}") from None
        return det, rec

    def _probe(self) -> None:
        """One tiny detection and recognition, so that weights which load but do not run
        fail here, as `EngineUnavailable`, not on the first page."""
        image = np.full((48, 160), 255, np.uint8)
        cv2.putText(image, "12.5", (8, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
        try:
            self.detect(image)
            self.recognize([image])
        except Exception as exc:
            raise EngineUnavailable(f"PaddleOCR's models do not run: {one_line(exc)}; {self._hint()}") from None

    def set_threads(self, threads: int | None) -> None:
        """ONNX models: the runners get sessions with this many intra-op threads (made once per
        count, not spinning, as RapidOcrEngine's); Paddle weights: predictors built for the
        count (`cpu_threads`), kept per count."""
        if threads == self.threads and self._built:
            return
        onnx = self.det_folder.engine == "onnxruntime" and self.rec_folder.engine == "onnxruntime"
        key = None if onnx else threads  # ONNX: one pair of predictors, sessions swapped
        if key not in self._built:
            self._built[key] = self._build(threads)
        self._det, self._rec = self._built[key]
        if onnx:
            for predictor, folder in ((self._det, self.det_folder), (self._rec, self.rec_folder)):
                runner = getattr(predictor.paddlex_predictor, "runner", None)
                if runner is None or not hasattr(runner, "session"):
                    continue
                skey = (folder.task, threads)
                if skey not in self._onnx_sessions:
                    if folder.onnx is None:  # an onnxruntime folder holds its inference.onnx (paddle_models)
                        raise EngineUnavailable(f"{folder.path} has no inference.onnx")
                    self._onnx_sessions[skey] = ort_session(folder.onnx, threads)
                runner.session = self._onnx_sessions[skey]
        self.threads = threads

    # -- the interface ----------------------------------------------------------------------

    @staticmethod
    def _data(res: object) -> Any:  # PaddleX's result (untyped): a dict of lists and arrays
        data = getattr(res, "json", res)
        return data.get("res", data) if isinstance(data, dict) else data

    def _detect(self, image: np.ndarray) -> list[tuple[Box, np.ndarray]]:
        if image.size == 0 or min(image.shape[:2]) < 8:
            return []
        h, w = image.shape[:2]
        # detected at the image's own scale, as RapidOcrEngine's
        [res] = self._det.predict(bgr(image), limit_side_len=max(h, w, 32), limit_type="max")
        polys = [np.asarray(p, dtype=np.float32) for p in self._data(res)["dt_polys"]]
        polys.sort(key=lambda p: (float(p[:, 1].min()), float(p[:, 0].min())))
        return [(polygon_box(poly), poly) for poly in polys]

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        if not crops:
            return []
        out = []
        for res in self._rec.predict([bgr(c) for c in crops], batch_size=self.BATCH):
            data = self._data(res)
            out.append(LineRead(str(data["rec_text"]), float(data["rec_score"]), []))
        return out
