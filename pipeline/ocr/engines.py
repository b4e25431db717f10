"""OCR engines by name, and the engine this process uses.

Entry points: `get_engine(name=None)` (the process's engine, built on first use and kept),
`use_threads(n)` (the threads of every engine of the process), `set_engine(engine)` (replace
the default), and `make_engine(name)` / `engine_spec(name, model_dir)` (an engine from what
`--ocr-engine` and `--ocr-model-dir` say).

`RapidOcrEngine` is the default: RapidOCR's PP-OCR ONNX models from inside the installed
`rapidocr` wheel (`pipeline.ocr.rapidocr_engine`). `PaddleOcrEngine` wraps PaddleOCR 3.x (the
optional `[paddle]` extra) behind the same interface, offline, from model folders on disk
(`pipeline.ocr.paddleocr_engine`). The interface itself is `pipeline.ocr.interface`; its names
are importable from here too.
"""
from __future__ import annotations

import importlib
import os
import threading
from typing import Any

import cv2

from pipeline.ocr.interface import EngineUnavailable, LineRead, OcrEngine, TextBox
from pipeline.ocr.paddleocr_engine import PaddleOcrEngine
from pipeline.ocr.rapidocr_engine import RapidOcrEngine

ENGINES: dict[str, type[RapidOcrEngine] | type[PaddleOcrEngine]] = {
    "rapidocr": RapidOcrEngine, "paddleocr": PaddleOcrEngine, "paddle": PaddleOcrEngine,
}

_default: OcrEngine | None = None  # set_engine's choice; else the RapidOCR engine
_by_name: dict[str, OcrEngine] = {}
_engine_lock = threading.Lock()
_threads: int | None = None  # use_threads's count; else JUESUAN_THREADS; else onnxruntime's own


def engine_spec(name: str | None, model_dir: str | None = None) -> str | None:
    """One string for an engine and its model folder (`paddleocr@/models`): what `--ocr-engine`
    and `--ocr-model-dir` become in the options a worker process or a flow receives."""
    if not model_dir:
        return name
    return f"{name or 'rapidocr'}@{model_dir}"


def make_engine(name: str = "rapidocr", **kwargs: Any) -> OcrEngine:  # the engine's own options
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
        engine: OcrEngine = factory(**kwargs)
        return engine
    try:
        cls = ENGINES[name.lower()]
    except KeyError:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}, or module:factory") from None
    return cls(**kwargs)


def get_engine(name: str | None = None) -> OcrEngine:
    """The process's OCR engine (or the one `name` makes: `rapidocr`, `paddleocr`, or a
    `module:factory` of your own; `name@folder` with its models from that folder), built on
    first use and kept: model load is costly."""
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


__all__ = [
    "ENGINES", "EngineUnavailable", "LineRead", "OcrEngine", "PaddleOcrEngine", "RapidOcrEngine", "TextBox",
    "engine_spec", "get_engine", "make_engine", "set_engine", "use_threads",
]
