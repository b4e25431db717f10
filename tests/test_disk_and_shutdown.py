"""Reliability: a full disk leaves the previous run's outputs or the new run's, never a mix; a
killed crawl leaves no process behind; a killed run's temporaries go at the next run; the
supervisor hashes a dead worker's document without holding it in memory. Real processes, a
real tmpfs, real kill -9: no mocks."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import psutil
import pytest
from conftest import SAMPLES

from pipeline.outputs import EXIT_OUTPUT
from pipeline.process import failed_document
from pipeline.store import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
OUTPUT_FILES = [f"{table}.jsonl" for table in SCHEMA] + ["report.html"]


def juesuan(*argv: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def marked_copy(source: Path, target: Path, mark: str) -> None:
    """A PDF with a comment after %%EOF: read the same, a document id of its own."""
    target.write_bytes(source.read_bytes() + f"\n% {mark}\n".encode())


def ids_by_file(out: Path) -> dict[str, set[str]]:
    """The document ids each JSONL file names."""
    return {name: {json.loads(line)["document_id"] for line in (out / name).read_text(encoding="utf-8").splitlines()
                   if line.strip()} for name in OUTPUT_FILES if name.endswith(".jsonl")}


def temporaries(out: Path) -> list[str]:
    """Our temporaries and spools all start with a dot (`.documents.jsonl.tmp`, `.spool-…`, and
    the document pages' `report/.<id>.html.tmp`)."""
    site = [*(out / "report").iterdir()] if (out / "report").is_dir() else []
    return sorted(str(p.relative_to(out)) for p in [*out.iterdir(), *site] if p.name.startswith("."))


def report_site(out: Path) -> dict[str, bytes]:
    """report.html (the index) and the document pages under report/."""
    return {str(p.relative_to(out)): p.read_bytes() for p in [out / "report.html", *(out / "report").glob("*.html")]}


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB tmpfs (the warehouse alone is ~3.4 MB after one document): root only."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_run_that_does_not_fit_leaves_the_previous_outputs_whole(small_disk, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    marked_copy(SAMPLES / "native" / "dept_a_2022.pdf", first / "a.pdf", "run 1")
    for copy in range(12):  # ~40 MB of inputs whose outputs cannot fit
        for pdf in sorted(SAMPLES.rglob("*.pdf")):
            marked_copy(pdf, second / f"{copy}_{pdf.name}", f"run 2 copy {copy}")

    started = time.monotonic()
    fits = juesuan("run", str(first), "--out", str(small_disk), "--ocr", "never")
    assert fits.returncode == 0, fits.stderr
    before = ids_by_file(small_disk)
    run1 = before["documents.jsonl"]
    assert len(run1) == 1 and all(ids <= run1 for ids in before.values())
    report = report_site(small_disk)
    assert len(report) == 2  # the index and the document's page

    full = juesuan("run", "-q", str(second), "--out", str(small_disk), "--ocr", "never", "--workers", "2")
    print(f"fitting run + disk-full run: {time.monotonic() - started:.1f} s; stderr: {full.stderr.strip()}")
    assert full.returncode == EXIT_OUTPUT, (full.stdout, full.stderr)
    assert len(full.stderr.splitlines()) == 1 and "Traceback" not in full.stderr
    assert "No space left on device" in full.stderr
    after = ids_by_file(small_disk)
    run2 = after["documents.jsonl"]
    # all files from one run: the first's (as before), or every one of the second's
    assert run2 == run1 or not (run2 & run1)
    assert all(ids <= run2 for ids in after.values())
    if run2 == run1:
        assert after == before and report_site(small_disk) == report
    assert all((small_disk / name).exists() for name in OUTPUT_FILES)
    assert temporaries(small_disk) == []


def test_stale_temporaries_of_a_killed_run_go_at_the_next_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = [".report.html.tmp", ".perf_funds.jsonl.tmp", ".spool-k2j4x9", ".export-ab12.parquet",
             "report/.0123456789abcdef.html.tmp"]
    (out / "report").mkdir()
    for name in stale:
        (out / name).write_bytes(b"left by kill -9")
    marked_copy(SAMPLES / "native" / "dept_b_2023.pdf", tmp_path / "b.pdf", "stale")
    done = juesuan("run", str(tmp_path / "b.pdf"), "--out", str(out), "--ocr", "never")
    assert done.returncode == 0, done.stderr
    assert temporaries(out) == []
    assert (out / "report.html").stat().st_size > 1000


def test_a_killed_runs_temporaries_go_at_the_next_run(tmp_path):
    """A real kill -9 while the run writes its files: whatever it left, the next run removes."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for copy in range(4):
        marked_copy(SAMPLES / "native" / "dept_c_2023.pdf", inputs / f"{copy}.pdf", f"kill {copy}")
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(inputs), "--out", str(out),
                            "--ocr", "never", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline and not (out.is_dir() and temporaries(out)):
        time.sleep(0.005)
    run.send_signal(signal.SIGKILL)
    run.wait()
    (out / ".documents.jsonl.tmp").write_bytes(b"")  # had the kill come a moment later
    done = juesuan("run", str(inputs / "0.pdf"), "--out", str(out), "--ocr", "never")
    assert done.returncode == 0, done.stderr
    assert temporaries(out) == []


def test_kill_9_of_a_crawl_leaves_no_process_of_it(portal_site, tmp_path):
    portal, sources = portal_site
    for path in ("/jsgk/docs/dept_a_2022.pdf", "/jsgk/docs/dept_b_2023.pdf", "/files/dept_c_2023.pdf"):
        portal.fault(path, "sleep", seconds=1.0)  # the crawl is still running when it is killed
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    crawl = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources),
                              "--out", str(tmp_path / "out")], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        parent = psutil.Process(crawl.pid)
        descendants: list[psutil.Process] = []
        server_up = None
        while crawl.poll() is None and time.monotonic() - started < 300:
            descendants = parent.children(recursive=True)
            if server_up is None and any("uvicorn" in " ".join(p.cmdline()) for p in _alive(descendants)):
                server_up = time.monotonic()
            if server_up and time.monotonic() - server_up > 4:  # the flow running, documents in hand
                break
            time.sleep(0.1)
        assert crawl.poll() is None and server_up, "the crawl ended before it could be killed"
        descendants = parent.children(recursive=True)
        names = [" ".join(p.cmdline())[:120] for p in _alive(descendants)]
        print(f"killing the crawl {time.monotonic() - started:.1f} s in, with: {names}")
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        time.sleep(10)
        left = [p for p in _alive(descendants) if p.status() != psutil.STATUS_ZOMBIE]
        assert not left, [" ".join(p.cmdline()) for p in left]
    finally:
        if crawl.poll() is None:
            crawl.kill()
        for process in psutil.Process(os.getpid()).children(recursive=True):
            if process.pid != crawl.pid and any("uvicorn" in part for part in _cmdline(process)):
                process.kill()  # a failed assertion must not leave the orphan to later tests


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running()]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_failed_document_hashes_a_large_file_without_loading_it(tmp_path):
    size = 64 << 20
    big = tmp_path / "big.pdf"
    expected = hashlib.sha256()
    with big.open("wb") as fh:
        for i in range(size >> 20):
            chunk = hashlib.sha256(str(i).encode()).digest() * (1 << 15)  # 1 MiB, not all alike
            fh.write(chunk)
            expected.update(chunk)
    tracemalloc.start()
    try:
        result = failed_document(big, "the worker died")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.document_id == expected.hexdigest()
    assert result.document["status"] == "failed" and result.document["error"] == "the worker died"
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MiB while hashing a {size >> 20} MiB file"
    gone = failed_document(tmp_path / "missing.pdf", "gone")  # unreadable: hashed as empty, as before
    assert gone.document_id == hashlib.sha256(b"").hexdigest()
