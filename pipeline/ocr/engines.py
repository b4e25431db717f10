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
anything. `PaddleOcrEngine` wraps PaddleOCR (the optional `[paddle]` extra) behind the same
interface and is imported only when asked for.
"""
from __future__ import annotations

import importlib
import math
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

    def __init__(self, threads: int | None = None):
        try:
            import rapidocr
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - rapidocr is a core dependency
            raise EngineUnavailable(f"rapidocr is not installed: {exc}") from None
        models = Path(rapidocr.__file__).resolve().parent / "models"
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
    """PaddleOCR (`pip install 'juesuan[paddle]'`) behind the same interface, imported lazily.

    Constructing it without paddleocr installed raises `EngineUnavailable` with the command
    that installs it. Both PaddleOCR 3.x (`predict`, `TextRecognition`) and 2.x (`ocr(...)`)
    are driven. PaddleOCR may fetch its models on first use unless they are cached: on an
    offline machine pass the model directories through `kwargs` (its own option names)."""

    name = "paddleocr"

    def __init__(self, lang: str = "ch", **kwargs):
        try:
            import paddleocr
        except ImportError:
            raise EngineUnavailable(
                "PaddleOcrEngine needs paddleocr and paddlepaddle, which are not installed: "
                "pip install 'juesuan[paddle]' (or use the default RapidOcrEngine)"
            ) from None
        self._v3 = hasattr(paddleocr, "TextRecognition")
        if self._v3:
            self._ocr = paddleocr.PaddleOCR(lang=lang, use_doc_orientation_classify=False, use_doc_unwarping=False,
                                            use_textline_orientation=False, **kwargs)
            self._rec = paddleocr.TextRecognition()
        else:  # PaddleOCR 2.x
            self._ocr = paddleocr.PaddleOCR(lang=lang, use_angle_cls=False, show_log=False, **kwargs)
            self._rec = None

    @staticmethod
    def _data(res):
        data = getattr(res, "json", res)
        return data.get("res", data) if isinstance(data, dict) else data

    def read(self, image: np.ndarray) -> list[TextBox]:
        found = []
        if self._v3:
            for res in self._ocr.predict(_bgr(image)):
                data = self._data(res)
                found += list(zip(data["rec_texts"], data["rec_scores"], data["rec_polys"]))
        else:
            for line in (self._ocr.ocr(_bgr(image), cls=False) or [None])[0] or []:
                poly, (text, score) = line
                found.append((text, score, poly))
        boxes = []
        for text, score, poly in found:
            poly = np.asarray(poly, dtype=np.float32)
            x0, y0 = poly.min(axis=0)
            x1, y1 = poly.max(axis=0)
            if text.strip():
                boxes.append(TextBox(text, (float(x0), float(y0), float(x1), float(y1)), float(score)))
        return boxes

    def recognize(self, crops: list[np.ndarray]) -> list[LineRead]:
        if not crops:
            return []
        out = []
        if self._v3:
            for res in self._rec.predict([_bgr(c) for c in crops], batch_size=8):
                data = self._data(res)
                out.append(LineRead(data["rec_text"], float(data["rec_score"]), []))
            return out
        for crop in crops:
            res = self._ocr.ocr(_bgr(crop), det=False, cls=False) or [[("", 0.0)]]
            text, score = (res[0] or [("", 0.0)])[0]
            out.append(LineRead(text, float(score), []))
        return out


ENGINES = {"rapidocr": RapidOcrEngine, "paddleocr": PaddleOcrEngine, "paddle": PaddleOcrEngine}


def make_engine(name: str = "rapidocr", **kwargs) -> OcrEngine:
    """An engine by name: one of ENGINES, or `package.module:factory` for an engine of your own
    (a class or function returning an `OcrEngine`; what `--ocr-engine` and worker processes use)."""
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
