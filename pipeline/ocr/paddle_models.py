"""Model folders for PaddleOCR 3.x, found on disk: nothing is ever fetched from a model hub.

PaddleX (under PaddleOCR 3.x) loads a model from a folder holding the weights
(`inference.onnx`, or Paddle's `inference.json` / `inference.pdmodel` + `inference.pdiparams`)
and an `inference.yml` naming the model (`Global.model_name`, which must be a name PaddleX
knows) and its pre- and post-processing. Three sources, in `model_folders(model_dir)`:

- no folder given: the PP-OCR ONNX models shipped inside the `rapidocr` wheel (a core
  dependency), each given a folder of its own in a cache (`JUESUAN_MODEL_CACHE`, else
  `~/.cache/juesuan/paddle-models`, else a temporary folder) with `inference.onnx` linked to
  the wheel's file and an `inference.yml` written here: the detector with RapidOCR's own
  preprocessing and DB post-processing, the recogniser with its character list (read from the
  ONNX model's metadata);
- a folder of model folders (PaddleOCR's downloads, e.g. `PP-OCRv5_server_det/` and
  `PP-OCRv5_server_rec/`): the detector and the recogniser are told apart by their
  post-processing (`DBPostProcess` / `CTCLabelDecode`) or their names (`…_det` / `…_rec`);
- a folder of bare ONNX files named like the wheel's (`…det….onnx`, `…rec….onnx`, with the
  character list in the recogniser's metadata): given folders as for the wheel.

`python -m pipeline.ocr.paddle_models [DIR]` prints the folders found (and writes the cached
ones) and which OpenCV build `cv2` is.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml


class ModelFolderError(ValueError):
    """No usable det / rec model folders where they were looked for (the message says why)."""


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    model_name: str  # Global.model_name of its inference.yml
    task: str  # "det" or "rec"
    engine: str  # PaddleX engine for its weights: "onnxruntime" or "paddle_static"

    @property
    def onnx(self) -> Path | None:
        path = self.path / "inference.onnx"
        return path if path.exists() else None


def wheel_models() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).resolve().parent / "models"


def paddlex_name(stem: str, task: str) -> str:
    """`PP-OCRv6_det_small` (the wheel's file name) → `PP-OCRv6_small_det` (PaddleX's name)."""
    m = re.match(rf"^(.*?)_{task}_(\w+)$", stem)
    if m:
        return f"{m.group(1)}_{m.group(2)}_{task}"
    return stem if stem.endswith(f"_{task}") else f"{stem}_{task}"


def det_config(model_name: str) -> dict:
    """inference.yml of a DB text detector, with the preprocessing RapidOCR uses for the same
    weights (mean = std = 0.5) and its DB post-processing settings."""
    return {
        "Global": {"model_name": model_name},
        "PreProcess": {"transform_ops": [
            {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
            {"DetResizeForTest": {"resize_long": 960}},
            {"NormalizeImage": {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "scale": 1 / 255.0, "order": "hwc"}},
            {"ToCHWImage": None},
            {"KeepKeys": {"keep_keys": ["image", "shape"]}},
        ]},
        "PostProcess": {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.5, "max_candidates": 1000,
                        "unclip_ratio": 1.6, "use_dilation": True, "score_mode": "fast"},
    }


def rec_config(model_name: str, characters: list[str]) -> dict:
    """inference.yml of a CTC text recogniser (48 px high input, PaddleOCR's resize)."""
    return {
        "Global": {"model_name": model_name},
        "PreProcess": {"transform_ops": [
            {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
            {"RecResizeImg": {"image_shape": [3, 48, 320]}},
            {"KeepKeys": {"keep_keys": ["image", "length"]}},
        ]},
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def onnx_characters(path: Path) -> list[str]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    meta = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"]).get_modelmeta()
    chars = meta.custom_metadata_map.get("character")
    if not chars:
        raise ModelFolderError(f"{path.name} has no character list in its metadata: give a model folder "
                               "with an inference.yml instead")
    return chars.split("\n")


def cache_root() -> Path:
    root = os.environ.get("JUESUAN_MODEL_CACHE")
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "juesuan" / "paddle-models"


_temp_root: Path | None = None


def _writable_root() -> Path:
    global _temp_root
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
        return root
    except OSError:
        if _temp_root is None:
            _temp_root = Path(tempfile.mkdtemp(prefix="juesuan-paddle-models-"))
        return _temp_root


def folder_for_onnx(onnx: Path, task: str) -> ModelFolder:
    """A PaddleX model folder for one ONNX file (cached; rebuilt when the file changes)."""
    onnx = onnx.resolve()
    stat = onnx.stat()
    name = paddlex_name(onnx.stem, task)
    tag = hashlib.sha1(f"{onnx}|{stat.st_size}|{stat.st_mtime_ns}|1".encode()).hexdigest()[:12]
    folder = _writable_root() / f"{name}-{tag}"
    if not (folder / "inference.yml").exists():
        config = det_config(name) if task == "det" else rec_config(name, onnx_characters(onnx))
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder.parent))
        try:
            try:
                (tmp / "inference.onnx").symlink_to(onnx)
            except OSError:  # no symlinks here: a copy
                shutil.copyfile(onnx, tmp / "inference.onnx")
            with open(tmp / "inference.yml", "w", encoding="utf-8") as fh:
                yaml.safe_dump(config, fh, allow_unicode=True, sort_keys=False)
            try:
                tmp.rename(folder)
            except OSError:  # another process wrote it first
                if not (folder / "inference.yml").exists():
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return ModelFolder(folder, name, task, "onnxruntime")


def read_folder(path: Path) -> ModelFolder:
    """A model folder with its inference.yml: name, task and the engine its weights need."""
    path = Path(path)
    try:
        config = yaml.safe_load((path / "inference.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ModelFolderError(f"{path}: no readable inference.yml ({exc})") from None
    name = str((config.get("Global") or {}).get("model_name") or "")
    if not name:
        raise ModelFolderError(f"{path}/inference.yml names no Global.model_name")
    post = str((config.get("PostProcess") or {}).get("name") or "")
    if post == "DBPostProcess" or name.endswith("_det"):
        task = "det"
    elif post == "CTCLabelDecode" or name.endswith("_rec"):
        task = "rec"
    else:
        task = "other"
    if (path / "inference.onnx").exists():
        engine = "onnxruntime"
    elif (path / "inference.pdiparams").exists() and any((path / f).exists() for f in ("inference.json", "inference.pdmodel")):
        engine = "paddle_static"
    else:
        raise ModelFolderError(f"{path}: no inference.onnx, nor inference.json / .pdmodel with inference.pdiparams")
    return ModelFolder(path, name, task, engine)


def _pick(found: list[ModelFolder], task: str, where: Path) -> ModelFolder:
    mine = sorted((f for f in found if f.task == task), key=lambda f: f.model_name)
    if not mine:
        raise ModelFolderError(f"no {task} model under {where} (a folder holding det and rec model folders, "
                               "each with an inference.yml, or bare …det….onnx / …rec….onnx files)")
    if len(mine) > 1:
        names = ", ".join(f.path.name for f in mine)
        raise ModelFolderError(f"several {task} models under {where} ({names}): give a folder with one of each")
    return mine[0]


def model_folders(model_dir: str | os.PathLike | None = None, det_dir: str | os.PathLike | None = None,
                  rec_dir: str | os.PathLike | None = None) -> tuple[ModelFolder, ModelFolder]:
    """(detector, recogniser) folders; see the module docstring."""
    det = read_folder(Path(det_dir)) if det_dir else None
    rec = read_folder(Path(rec_dir)) if rec_dir else None
    if det is None or rec is None:
        root = Path(model_dir) if model_dir else wheel_models()
        if not root.is_dir():
            raise ModelFolderError(f"model folder {root} does not exist")
        found: list[ModelFolder] = []
        if (root / "inference.yml").exists():
            raise ModelFolderError(f"{root} is one model's folder: give the folder that holds the det and rec folders")
        for sub in sorted(p for p in root.iterdir() if p.is_dir() and (p / "inference.yml").exists()):
            found.append(read_folder(sub))
        if not found:  # bare ONNX files (the rapidocr wheel's layout)
            for task in ("det", "rec"):
                files = sorted(root.glob(f"*_{task}_*.onnx")) or sorted(root.glob(f"*{task}*.onnx"))
                if files:
                    found.append(folder_for_onnx(files[-1], task))  # the newest PP-OCR version
        det = det or _pick(found, "det", root)
        rec = rec or _pick(found, "rec", root)
    if det.task != "det" or rec.task != "rec":
        raise ModelFolderError(f"{det.path} must be a text detector and {rec.path} a text recogniser")
    return det, rec


def opencv_build() -> str:
    """Which OpenCV build `cv2` is: paddlex pulls opencv-contrib-python, whose files replace
    opencv-python-headless's in the same `cv2/` folder when installed after it."""
    import cv2

    try:
        from cv2 import version as v  # written by the opencv-python wheels

        kind = "contrib" if getattr(v, "contrib", False) else "main"
        kind += "-headless" if getattr(v, "headless", False) else ""
        return f"opencv-{kind} {v.opencv_version}"
    except ImportError:  # pragma: no cover - a cv2 built from source
        return f"opencv {cv2.__version__}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        det, rec = model_folders(args[0] if args else None)
    except ModelFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for folder in (det, rec):
        print(f"{folder.task}: {folder.model_name} ({folder.engine}) {folder.path}")
    print(f"cv2: {opencv_build()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
