"""The `paddle` tier: PaddleOCR 3.x behind `--ocr-engine paddleocr`, offline, from model folders
on disk. Deselected by default (pyproject addopts); it needs the `[paddle]` extra, best in a
virtual environment of its own, so that the main one stays as CI builds it:

    python3 -m venv /tmp/paddle-venv
    /tmp/paddle-venv/bin/pip install -e '.[paddle,dev]'
    # paddlex pulls opencv-contrib-python, whose cv2/ shares its files with
    # opencv-python-headless: put the project's OpenCV back on top
    /tmp/paddle-venv/bin/pip install --force-reinstall --no-deps \\
        "$(/tmp/paddle-venv/bin/pip list --format=freeze | grep -i '^opencv-python-headless==')"
    /tmp/paddle-venv/bin/python -m pytest -m paddle

About 3 minutes on 2 cores (model load ~8 s, then the 14-page scanned sample twice); no
network: the models are the PP-OCR ONNX files of the rapidocr wheel, run by PaddleOCR's own
ONNX Runtime engine (no paddlepaddle). Without paddleocr installed every test here skips.
"""
from __future__ import annotations

import json
import socket
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.paddle

from pipeline.ocr import EngineUnavailable, get_engine, make_engine  # noqa: E402
from pipeline.ocr.engines import PaddleOcrEngine  # noqa: E402
from pipeline.ocr.paddle_models import model_folders, opencv_build  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples/scanned/dept_a_2022_scan.pdf"
TRUTH = ROOT / "samples/scanned/dept_a_2022_scan.truth.json"
FACT_KEY = ("table_key", "section", "row_label", "subject_code", "column", "value", "unit", "page")


@pytest.fixture(autouse=True)
def model_cache(tmp_path_factory, monkeypatch):
    pytest.importorskip("paddleocr", reason="the [paddle] extra is not installed")
    monkeypatch.setenv("JUESUAN_MODEL_CACHE", str(tmp_path_factory.getbasetemp() / "paddle-models"))


@pytest.fixture()
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def text_image() -> np.ndarray:
    image = np.full((80, 420), 255, np.uint8)
    cv2.putText(image, "2,940.05", (20, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    return image


def test_the_projects_opencv_is_the_one_imported():
    """paddlex requires opencv-contrib-python; its cv2/ must not replace the project's
    opencv-python-headless (the install command above puts the latter back)."""
    from importlib.metadata import version

    assert opencv_build() == f"opencv-main-headless {version('opencv-python-headless')}"


def test_engine_builds_offline_from_the_wheels_models(no_network):
    """No model folder given: the rapidocr wheel's PP-OCR ONNX files, in folders with the
    inference.yml PaddleX needs, loaded with every socket refused."""
    engine = PaddleOcrEngine()
    assert {engine.det_folder.engine, engine.rec_folder.engine} == {"onnxruntime"}
    assert engine.det_folder.model_name.endswith("_det") and engine.rec_folder.model_name.endswith("_rec")
    assert [b.text for b in engine.read(text_image())] == ["2,940.05"]
    [box] = engine.detect(text_image())  # the detector alone
    assert 10 < box[0] < 40 and box[2] > 150
    [line] = engine.recognize([text_image()[10:70, 10:300]])
    assert line.text == "2,940.05" and 0.9 < line.score <= 1.0


def test_threads_follow_set_threads():
    engine = PaddleOcrEngine(threads=1)
    runner = engine._rec.paddlex_predictor.runner
    assert runner.session.get_session_options().intra_op_num_threads == 1
    engine.set_threads(2)
    assert runner.session.get_session_options().intra_op_num_threads == 2
    assert engine._det.paddlex_predictor.runner.session.get_session_options().intra_op_num_threads == 2
    assert engine.recognize([text_image()])[0].text == "2,940.05"


def test_model_folder_errors_are_engine_unavailable_in_one_line(tmp_path):
    with pytest.raises(EngineUnavailable) as info:
        make_engine(f"paddleocr@{tmp_path}")  # an empty folder
    assert "no det model" in str(info.value) and "\n" not in str(info.value)
    # a folder PaddleX refuses: the model name of the yml is none it knows
    det, rec = model_folders()
    bad = tmp_path / "bad"
    for folder in (det, rec):
        (bad / folder.path.name).mkdir(parents=True)
        (bad / folder.path.name / "inference.onnx").symlink_to(folder.onnx.resolve())
        text = (folder.path / "inference.yml").read_text(encoding="utf-8")
        (bad / folder.path.name / "inference.yml").write_text(text.replace(folder.model_name, f"No-such-model_{folder.task}"),
                                                              encoding="utf-8")
    with pytest.raises(EngineUnavailable) as info:
        PaddleOcrEngine(model_dir=bad)
    assert "PaddleOCR" in str(info.value) and "\n" not in str(info.value)
    # Paddle weights without paddlepaddle: says what to install
    try:
        import paddle  # noqa: F401
    except ImportError:
        paddle_dir = tmp_path / "paddle"
        for folder in (det, rec):
            target = paddle_dir / folder.path.name
            target.mkdir(parents=True)
            (target / "inference.yml").write_text((folder.path / "inference.yml").read_text(encoding="utf-8"), encoding="utf-8")
            (target / "inference.json").write_text("{}", encoding="utf-8")
            (target / "inference.pdiparams").write_bytes(b"")
        with pytest.raises(EngineUnavailable, match="pip install paddlepaddle"):
            PaddleOcrEngine(model_dir=paddle_dir)


def test_scanned_sample_through_the_cli_with_a_model_folder(tmp_path):
    """`juesuan run --ocr-engine paddleocr --ocr-model-dir DIR` (a folder of model folders,
    as PaddleOCR's own downloads are laid out), in a worker process: at least 99% of the
    scanned sample's ground-truth facts, none invented, the department found."""
    from pipeline.cli import main

    det, rec = model_folders()
    models = tmp_path / "models"
    models.mkdir()
    for folder in (det, rec):
        (models / folder.model_name).symlink_to(folder.path, target_is_directory=True)
    out = tmp_path / "out"
    code = main(["run", str(SCAN), "--out", str(out), "--ocr-engine", "paddleocr", "--ocr-model-dir", str(models),
                 "--workers", "1"])
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert code == 0, docs
    facts = [json.loads(line) for line in (out / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines()]
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    want = Counter(tuple(f[k] for k in FACT_KEY) for f in truth["fiscal_facts"])
    have = Counter(tuple(f[k] for k in FACT_KEY) for f in facts)
    hit = sum(min(n, have[k]) for k, n in want.items())
    total = sum(want.values())
    print(f"\npaddleocr, scanned sample: {hit}/{total} truth facts ({hit / total:.2%})")
    assert hit / total >= 0.99, [k for k, n in want.items() if have[k] < n][:20]
    assert len(facts) <= total * 1.01
    assert docs[0]["department"] == truth["department"] and docs[0]["status"] == "done"


def test_default_engine_name_reads_the_sample_in_process():
    """`--ocr-engine paddleocr` with no folder, in this process (`get_engine("paddleocr")`):
    the same share of the ground truth."""
    from pipeline.process import Options, process_document

    assert isinstance(get_engine("paddleocr"), PaddleOcrEngine)
    result = process_document(SCAN, Options(ocr_engine="paddleocr"))
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    want = Counter(tuple(f[k] for k in FACT_KEY) for f in truth["fiscal_facts"])
    have = Counter(tuple(f[k] for k in FACT_KEY) for f in result.records["fiscal_facts"])
    hit = sum(min(n, have[k]) for k, n in want.items())
    assert hit / sum(want.values()) >= 0.99
