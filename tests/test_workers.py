"""Worker isolation and resource limits (`pipeline.workers`): a page that hangs, crashes or eats
memory inside the OCR library costs its document that page — or, past three such pages, the
document — never the run. Real worker processes, real supervisor, real CLI; only the OCR engine
misbehaves (tests/faulty_engines.py)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pymupdf
import pytest
from conftest import SAMPLES
from pdfgen import income_table_pdf

from pipeline.ocr.simulate import simulate_scan

TESTS = Path(__file__).resolve().parent
INCOME_FACTS = 27  # income_table_pdf: 9 rows × 3 amount columns over its two pages


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def native_then_scanned(path: Path) -> None:
    """Pages 1–2: the native two-page 收入决算表; page 3: a scan of page 1 (goes to OCR)."""
    income_table_pdf(path.with_name("native.pdf"))
    native = pymupdf.open(path.with_name("native.pdf"))
    scan = pymupdf.open(stream=simulate_scan(native, [1]), filetype="pdf")
    native.insert_pdf(scan)
    native.save(path)
    path.with_name("native.pdf").unlink()


def run_cli(folder: Path, out: Path, *extra: str, timeout: int = 240):
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=timeout, env=env)
    return done, time.monotonic() - started


def docs_by_name(out: Path) -> dict:
    return {d["filename"]: d for d in jsonl(out / "documents.jsonl")}


def records_of(out: Path, name: str, document_id: str) -> list[dict]:
    return [r for r in jsonl(out / f"{name}.jsonl") if r["document_id"] == document_id]


@pytest.mark.parametrize("engine, extra, words", [
    ("HangingEngine", ["--page-timeout", "3"], "no progress for 3 s"),
    ("CrashingEngine", [], "crashed (killed by SIGSEGV)"),
    ("GreedyEngine", ["--max-memory", "700"], "memory cap of 700 MB"),
])
def test_a_page_that_hangs_crashes_or_bloats_costs_that_page_only(tmp_path, engine, extra, words):
    folder = tmp_path / "in"
    folder.mkdir()
    native_then_scanned(folder / "mixed.pdf")
    income_table_pdf(folder / "good.pdf")
    out = tmp_path / "out"
    done, seconds = run_cli(folder, out, "--ocr-engine", f"faulty_engines:{engine}", "--workers", "2", *extra)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr  # partial is not failed
    docs = docs_by_name(out)
    assert docs["good.pdf"]["status"] == "done"
    mixed = docs["mixed.pdf"]
    assert mixed["status"] == "partial" and mixed["pages"] == 3
    errors = [f for f in records_of(out, "quality_log", mixed["document_id"]) if f["severity"] == "error"]
    assert [(f["page"], f["check"]) for f in errors] == [(3, "page_unreadable")]
    assert words in errors[0]["message"] and errors[0]["message"].startswith("page 3: ")
    # pages 1–2 were read in full, once: no duplicate from the retry
    assert len(records_of(out, "fiscal_facts", mixed["document_id"])) == INCOME_FACTS
    assert len(records_of(out, "fiscal_facts", docs["good.pdf"]["document_id"])) == INCOME_FACTS
    assert seconds < 120


def test_document_abandoned_after_too_many_bad_pages(tmp_path):
    """The mixed sample has 4 scanned pages: three are skipped, the fourth gives the document up."""
    folder = tmp_path / "in"
    folder.mkdir()
    mixed = folder / "mixed.pdf"
    mixed.write_bytes((SAMPLES / "mixed/dept_c_2023_mixed.pdf").read_bytes())
    income_table_pdf(folder / "good.pdf")
    out = tmp_path / "out"
    done, _ = run_cli(folder, out, "--ocr-engine", "faulty_engines:CrashingEngine")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    docs = docs_by_name(out)
    assert docs["good.pdf"]["status"] == "done"
    bad = docs["mixed.pdf"]
    assert bad["status"] == "failed" and "4 pages hung or crashed the worker" in bad["error"]
    assert "\n" not in bad["error"]
    for name in ("tables", "fiscal_facts", "perf_projects", "perf_funds", "perf_indicators"):
        assert not records_of(out, name, bad["document_id"])
    assert [f["message"] for f in records_of(out, "quality_log", bad["document_id"])] == [bad["error"]]


def test_max_pages(tmp_path):
    income_table_pdf(tmp_path / "two_pages.pdf")
    out = tmp_path / "out"
    done, _ = run_cli(tmp_path / "two_pages.pdf", out, "--max-pages", "1")
    assert done.returncode == 0
    doc = jsonl(out / "documents.jsonl")[0]
    assert doc["status"] == "partial" and doc["pages"] == 2
    limit = [f for f in jsonl(out / "quality_log.jsonl") if f["check"] == "page_limit"]
    assert len(limit) == 1 and limit[0]["severity"] == "error" and "pages 2–2 not read" in limit[0]["message"]
    assert {f["page"] for f in jsonl(out / "fiscal_facts.jsonl")} == {1}
    assert len(jsonl(out / "fiscal_facts.jsonl")) == 18


def test_oversized_page_refused_for_ocr(tmp_path):
    """A scanned page whose rendering at the OCR resolution would pass the pixel cap."""
    doc = pymupdf.open()
    page = doc.new_page(width=7200, height=7200)  # 100 × 100 inches: 400 Mpx at 200 dpi
    page.insert_image(pymupdf.Rect(0, 0, 500, 500), pixmap=pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 50, 50), False))
    doc.save(tmp_path / "poster.pdf")
    out = tmp_path / "out"
    done, _ = run_cli(tmp_path / "poster.pdf", out)
    assert done.returncode == 0
    (finding,) = [f for f in jsonl(out / "quality_log.jsonl") if f["severity"] == "error"]
    assert "pixel cap at 200 dpi" in finding["message"]


def test_results_in_input_order_whatever_the_schedule(tmp_path):
    """With two workers the largest file goes first; records still come in input order, and
    equal those of one worker."""
    outs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        done, _ = run_cli(SAMPLES / "native", out, "--workers", workers)
        assert done.returncode == 0
        outs[workers] = out
    for name in ("documents", "tables", "fiscal_facts", "quality_log"):
        one, two = jsonl(outs["1"] / f"{name}.jsonl"), jsonl(outs["2"] / f"{name}.jsonl")
        for rows in (one, two):
            for r in rows:
                r.pop("processed_at", None)
                r.pop("source_uri", None)
        assert one == two, name
    assert [d["filename"] for d in jsonl(outs["2"] / "documents.jsonl")] == sorted(
        p.name for p in (SAMPLES / "native").glob("*.pdf"))


def test_orphaned_worker_exits(tmp_path):
    """A supervisor killed mid-run leaves no worker behind: the worker sees its socket close."""
    import psutil

    code = ("import sys; sys.path.insert(0, {!r})\n"
            "from pipeline.run import run_inputs\n"
            "from pipeline.process import Options\n"
            "run_inputs([{!r}], {!r}, options=Options(ocr_engine='faulty_engines:HangingEngine'))\n".format(str(TESTS), str(SAMPLES / "scanned"), str(tmp_path / "out")))
    parent = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    workers = []
    while time.monotonic() < deadline and not workers:
        time.sleep(0.5)
        workers = [p for p in psutil.Process(parent.pid).children(recursive=True) if "pipeline.worker_entry" in " ".join(p.cmdline())]
    assert workers, "no worker started"
    parent.kill()
    parent.wait()
    # the worker is stuck in the engine and never reads its socket again: the kernel ends it
    gone, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive


def test_worn_workers_are_replaced_between_documents(tmp_path, monkeypatch):
    """A worker retires after RECYCLE_AFTER documents (memory that allocators and onnxruntime
    keep is given back); the run sees no difference but the worker ids in the log."""
    import logging
    import re

    from pipeline.run import run_inputs
    from pipeline.workers import pool as workers

    monkeypatch.setattr(workers, "RECYCLE_AFTER", 1)
    handler = logging.FileHandler(tmp_path / "run.log")
    logging.getLogger().addHandler(handler)
    try:
        summary = run_inputs([str(SAMPLES / "native")], tmp_path / "out")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert summary.documents == 3 and summary.failed == 0 and summary.facts > 1000
    served_by = re.findall(r"\[worker (\d+)\]: \S+\.pdf: done", (tmp_path / "run.log").read_text(encoding="utf-8"))
    assert len(served_by) == 3 and len(set(served_by)) == 3


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: nothing to share")
def test_busy_workers_share_the_cores_and_the_last_one_gets_them_all(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    income_table_pdf(tmp_path / "native.pdf")
    # two scans, both read by the OCR engine from their first page: one page, and four
    (folder / "short.pdf").write_bytes(simulate_scan(tmp_path / "native.pdf", [1]))
    (folder / "long.pdf").write_bytes(simulate_scan(tmp_path / "native.pdf", [1, 2, 1, 2]))
    log = tmp_path / "threads.log"
    monkeypatch.setenv("JUESUAN_TEST_THREADS_LOG", str(log))
    monkeypatch.delenv("JUESUAN_THREADS", raising=False)
    done, _ = run_cli(folder, tmp_path / "out", "--ocr-engine", "slow_engines:SlowEngine", "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    told: dict[str, list[int]] = {}
    for line in log.read_text().splitlines():
        pid, threads = line.split()
        told.setdefault(pid, []).append(int(threads))
    cores = os.cpu_count()
    # both workers start on half the cores; the one left with the long scan then gets them all
    assert sorted(told.values()) == [[cores // 2], [cores // 2, cores]]
