"""OCR engines behind one small interface.

An engine does two things:

- `read(image)`: detect and recognise every text line of an image; `detect(image)` gives the
  line boxes alone (the OCR path detects the free text around tables: titles, units,
  部门名称 lines, narrative pages, and cuts its own crops from the boxes);
- `recognize(crops)`: recognise single-line crops, batched (used for table cells, whose lines
  the OCR path has already cut out along the ruling grid, so no detection runs on tables).

Images are numpy arrays, grayscale (H, W) or BGR (H, W, 3), uint8. Boxes are in the pixels of
the image given. `RapidOcrEngine` is the default: RapidOCR's PP-OCR ONNX models, loaded from
the files inside the installed `rapidocr` wheel by explicit path, so it never downloads
anything. `PaddleOcrEngine` wraps PaddleOCR 3.x (the optional `[paddle]` extra) behind the same
interface, offline, from model folders on disk (`pipeline.ocr.paddle_models`); it is imported
only when asked for.
"""
from __future__ import annotations

import importlib
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np


@dataclass
class TextBox:
    """One recognised text line."""

    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
    score: float
    chars: list[tuple[str, float, float, float]] = field(default_factory=list)  # (char, x0, x1, score), image px


@dataclass
class LineRead:
    """What `recognize` returns for one crop: the text, its mean score, and each character
    with its horizontal extent in the crop's pixels and its own score."""

    text: str
    score: float
    chars: list[tuple[str, float, float, float]] = field(default_factory=list)

    @property
    def min_score(self) -> float:
        return min((c[3] for c in self.chars), default=self.score)


class OcrEngine:
    """The interface; see the module docstring."""

    name = "abstract"

    def read(self, image: np.ndarray) -> list[TextBox]:
        raise NotImplementedError

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Text line boxes (x0, y0, x1, y1) without recognition; by default from `read`."""
        return [b.box for b in self.read(image)]

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        raise NotImplementedError

    def set_threads(self, threads: int) -> None:
        """Use this many threads from now on (pipeline.workers: the worker's share of the
        cores); engines that cannot change keep theirs."""


def _bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    return image


class EngineUnavailable(RuntimeError):
    """The requested OCR engine cannot be constructed (package missing, models absent)."""


def _ort_session(path: Path, threads: int | None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


class RapidOcrEngine(OcrEngine):
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
    TEXT_SCORE = 0.5  # detected lines read below this are noise (RapidOCR's default)

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
        self._sessions: dict[int | None, tuple] = {}  # by thread count: an ONNX session's is fixed
        self.threads: int | None = None
        self.set_threads(threads)
        # the character table of the CTC decoder (blank at 0, space at the end)
        self._charset = self._rec.postprocess_op.character

    def set_threads(self, threads: int | None) -> None:
        if threads == self.threads and self._sessions:
            return
        if threads not in self._sessions:
            self._sessions[threads] = (_ort_session(self.models["rec"], threads), _ort_session(self.models["det"], threads))
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

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Text line boxes, detected at the image's own scale (RapidOCR's default
        preprocessing would blow a short band up to 736 px on its short side)."""
        return [box for box, _ in self._detect(image)]

    def _detect(self, image: np.ndarray):
        if image.size == 0 or min(image.shape[:2]) < 8:
            return []
        from rapidocr.ch_ppocr_det.utils import DetPreProcess

        bgr = _bgr(image)
        h, w = bgr.shape[:2]
        tensor = DetPreProcess(max(h, w, 32), "max", self._det.mean, self._det.std)(bgr)
        if tensor is None:
            return []
        preds = self._det.session(tensor)
        polys, _ = self._det.postprocess_op(preds, (h, w))
        out = []
        for poly in polys:
            poly = np.asarray(poly, dtype=np.float32)
            x0, y0 = poly.min(axis=0)
            x1, y1 = poly.max(axis=0)
            out.append(((float(x0), float(y0), float(x1), float(y1)), poly))
        out.sort(key=lambda b: (b[0][1], b[0][0]))
        return out

    def read(self, image: np.ndarray) -> list[TextBox]:
        from rapidocr.utils.process_img import get_rotate_crop_image

        found = self._detect(image)
        if not found:
            return []
        bgr = _bgr(image)
        reads = self.recognize([get_rotate_crop_image(bgr, poly.copy()) for _, poly in found])
        boxes = []
        for (box, _), rd in zip(found, reads):
            if rd.text.strip() and rd.score >= self.TEXT_SCORE:
                chars = [(c, box[0] + a, box[0] + b, sc) for c, a, b, sc in rd.chars]
                boxes.append(TextBox(rd.text, box, rd.score, chars))
        return boxes

    # -- recognition of line crops ----------------------------------------------------------

    def _norm(self, img: np.ndarray, width: int) -> tuple[np.ndarray, int]:
        h, w = img.shape[:2]
        rw = min(width, max(1, int(math.ceil(self.REC_HEIGHT * w / float(h)))))
        resized = cv2.resize(_bgr(img), (rw, self.REC_HEIGHT)).astype(np.float32)
        out = np.zeros((3, self.REC_HEIGHT, width), dtype=np.float32)
        out[:, :, :rw] = resized.transpose(2, 0, 1) / 127.5 - 1.0
        return out, rw

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        results: list[LineRead | None] = [None] * len(crops)
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
        return results  # type: ignore[return-value]

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


class PaddleOcrEngine(OcrEngine):
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
    TEXT_SCORE = 0.5  # detected lines read below this are noise (as RapidOcrEngine)
    # the oneDNN bug of Paddle 3.x on CPU (`ConvertPirAttribute2RuntimeAttribute not support`)
    PADDLE_CONFIG = {"run_mode": "mkldnn", "enable_new_ir": False}

    def __init__(self, model_dir: str | Path | None = None, threads: int | None = None,
                 det_model_dir: str | Path | None = None, rec_model_dir: str | Path | None = None):
        from pipeline.ocr.paddle_models import ModelFolderError, model_folders

        # PaddleX checks model hubs when imported (20 s, then fails offline): every model
        # here comes from a folder
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            import paddleocr
            import paddlex  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable(
                f"PaddleOcrEngine needs paddleocr 3.x, which is not installed ({_one_line(exc)}): "
                "pip install 'juesuan[paddle]' (or use the default RapidOcrEngine)"
            ) from None
        except Exception as exc:  # a dependency of paddlex that fails to import
            raise EngineUnavailable(f"paddleocr does not import ({_one_line(exc)}): "
                                    "pip install --force-reinstall 'juesuan[paddle]'") from None
        if not hasattr(paddleocr, "TextRecognition"):
            raise EngineUnavailable(f"paddleocr {getattr(paddleocr, '__version__', '?')} is too old: "
                                    "pip install 'juesuan[paddle]' (paddleocr 3.x)")
        logging.getLogger("paddlex").setLevel(logging.WARNING)
        try:
            self.det_folder, self.rec_folder = model_folders(model_dir, det_model_dir, rec_model_dir)
        except (ModelFolderError, OSError) as exc:
            raise EngineUnavailable(f"PaddleOCR models: {_one_line(exc)}") from None
        self._paddleocr = paddleocr
        self.models = {"det": self.det_folder.path, "rec": self.rec_folder.path}
        self.threads: int | None = None
        self._built: dict[int | None, tuple] = {}  # by thread count: (detector, recogniser)
        self._onnx_sessions: dict[tuple[str, int | None], object] = {}
        self.set_threads(threads)
        self._probe()

    # -- construction ---------------------------------------------------------------------

    def _hint(self) -> str:
        engines = {self.det_folder.engine, self.rec_folder.engine}
        if "paddle_static" in engines:
            return "these are Paddle weights: pip install paddlepaddle, or give ONNX model folders"
        return "check the model folders (--ocr-model-dir), or pip install --force-reinstall 'juesuan[paddle]'"

    def _predictor(self, cls, folder, threads: int | None):
        config = dict(self.PADDLE_CONFIG) if folder.engine == "paddle_static" else {}
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

    def _build(self, threads: int | None):
        try:
            det = self._predictor(self._paddleocr.TextDetection, self.det_folder, threads)
            rec = self._predictor(self._paddleocr.TextRecognition, self.rec_folder, threads)
        except EngineUnavailable:
            raise
        except Exception as exc:  # PaddleX raises plain exceptions of every kind
            raise EngineUnavailable(f"PaddleOCR could not load {self.det_folder.model_name} / "
                                    f"{self.rec_folder.model_name}: {_one_line(exc)}; {self._hint()}") from None
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
            raise EngineUnavailable(f"PaddleOCR's models do not run: {_one_line(exc)}; {self._hint()}") from None

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
                    self._onnx_sessions[skey] = _ort_session(folder.onnx, threads)
                runner.session = self._onnx_sessions[skey]
        self.threads = threads

    # -- the interface ----------------------------------------------------------------------

    @staticmethod
    def _data(res):
        data = getattr(res, "json", res)
        return data.get("res", data) if isinstance(data, dict) else data

    def _polys(self, image: np.ndarray) -> list[np.ndarray]:
        if image.size == 0 or min(image.shape[:2]) < 8:
            return []
        h, w = image.shape[:2]
        # detected at the image's own scale, as RapidOcrEngine.detect
        [res] = self._det.predict(_bgr(image), limit_side_len=max(h, w, 32), limit_type="max")
        polys = [np.asarray(p, dtype=np.float32) for p in self._data(res)["dt_polys"]]
        polys.sort(key=lambda p: (float(p[:, 1].min()), float(p[:, 0].min())))
        return polys

    def detect(self, image: np.ndarray) -> list[tuple[float, float, float, float]]:
        out = []
        for poly in self._polys(image):
            x0, y0 = poly.min(axis=0)
            x1, y1 = poly.max(axis=0)
            out.append((float(x0), float(y0), float(x1), float(y1)))
        return out

    def read(self, image: np.ndarray) -> list[TextBox]:
        from rapidocr.utils.process_img import get_rotate_crop_image

        polys = self._polys(image)
        if not polys:
            return []
        bgr = _bgr(image)
        reads = self.recognize([get_rotate_crop_image(bgr, poly.copy()) for poly in polys])
        boxes = []
        for poly, rd in zip(polys, reads):
            if rd.text.strip() and rd.score >= self.TEXT_SCORE:
                x0, y0 = poly.min(axis=0)
                x1, y1 = poly.max(axis=0)
                boxes.append(TextBox(rd.text, (float(x0), float(y0), float(x1), float(y1)), rd.score))
        return boxes

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        if not crops:
            return []
        out = []
        for res in self._rec.predict([_bgr(c) for c in crops], batch_size=self.BATCH):
            data = self._data(res)
            out.append(LineRead(str(data["rec_text"]), float(data["rec_score"]), []))
        return out


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


ENGINES = {"rapidocr": RapidOcrEngine, "paddleocr": PaddleOcrEngine, "paddle": PaddleOcrEngine}


def engine_spec(name: str | None, model_dir: str | None = None) -> str | None:
    """One string for an engine and its model folder (`paddleocr@/models`): what `--ocr-engine`
    and `--ocr-model-dir` become in the options a worker process or a flow receives."""
    if not model_dir:
        return name
    return f"{name or 'rapidocr'}@{model_dir}"


def make_engine(name: str = "rapidocr", **kwargs) -> OcrEngine:
    """An engine by name: one of ENGINES, or `package.module:factory` for an engine of your own
    (a class or function returning an `OcrEngine`; what `--ocr-engine` and worker processes use).
    `name@folder` passes `model_dir=folder` (`--ocr-model-dir`)."""
    name, _, model_dir = name.partition("@")
    if model_dir:
        kwargs["model_dir"] = model_dir
    if ":" in name:
        module_name, _, attr = name.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise EngineUnavailable(f"OCR engine {name!r} cannot be loaded: {exc}") from None
        return factory(**kwargs)
    try:
        cls = ENGINES[name.lower()]
    except KeyError:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}, or module:factory") from None
    return cls(**kwargs)
