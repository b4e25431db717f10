"""What an operator sees when the environment is wrong: `juesuan run` ends with one line on
stderr, its own exit code (README: Exit status) and no traceback, for a read-only --out, an
--out that is a file, a warehouse held by another process, and Ctrl-C in the middle of a run
(which still writes the documents finished before it: warehouse, JSONL and report). Real
processes and real signals."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

from pipeline import exit_codes

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
NATIVE = SAMPLES / "native"


def juesuan(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *argv], cwd=ROOT, env=env or dict(os.environ),
                          capture_output=True, text=True, timeout=600)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    """The stderr of a failed command: exactly one `juesuan: …` line (after any progress lines)."""
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("juesuan: ")]
    assert len(lines) == 1, done.stderr[-3000:]
    return lines[0]


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write to: a read-only tmpfs as root (root ignores file modes), a
    mode-555 folder otherwise."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
        if mounted.returncode:
            pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
        yield folder
        subprocess.run(["umount", str(folder)], check=False)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_a_read_only_out_is_one_line_with_the_output_code(read_only_folder):
    done = juesuan("run", str(NATIVE), "--out", str(read_only_folder / "out"))
    assert done.returncode == exit_codes.OUTPUT
    assert "--out" in one_line_error(done)


def test_an_out_that_is_a_file_is_one_line_with_the_output_code(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    done = juesuan("run", str(NATIVE), "--out", str(tmp_path / "out"))
    assert done.returncode == exit_codes.OUTPUT
    assert str(tmp_path / "out") in one_line_error(done)


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_a_warehouse_held_by_another_process_is_one_line_with_the_busy_code(tmp_path):
    out = tmp_path / "out"
    first = juesuan("run", str(NATIVE / "dept_a_2022.pdf"), "--out", str(out))
    assert first.returncode == 0, first.stderr[-2000:]
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out / "warehouse.duckdb"), "120"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = juesuan("run", str(NATIVE), "--out", str(out), env=dict(os.environ, JUESUAN_WAREHOUSE_LOCK_TIMEOUT="2"))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == exit_codes.BUSY
    assert f"pid {holder.pid}" in one_line_error(done)


def test_ctrl_c_mid_run_writes_the_documents_finished(tmp_path):
    """Three documents, the last a slow scan: Ctrl-C (SIGINT to the command's process group, as
    a terminal sends it) once the first is done. Exit 130, one line, and the finished
    documents in every output, whole."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("dept_a_2022.pdf", "dept_c_2023.pdf"):
        shutil.copy(NATIVE / name, inputs / f"1_{name}")
    shutil.copy(SAMPLES / "scanned" / "dept_a_2022_scan.pdf", inputs / "2_scan.pdf")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=f"{TESTS}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               JUESUAN_TEST_THREADS_LOG=str(tmp_path / "threads.log"))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(inputs), "--out", str(out),
                             "--ocr-engine", "slow_engines:SlowEngine"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    progress = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # progress lines come on stderr, one per document (not a terminal)
        line = proc.stderr.readline()
        progress.append(line)
        if line.startswith("[2/3]") or not line:
            break
    assert progress[-1].startswith("[2/3]"), progress
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    stdout, rest = proc.communicate(timeout=60)
    stderr = "".join(progress) + rest
    stopped_in = time.monotonic() - started
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    assert done.returncode == exit_codes.INTERRUPTED, stderr[-3000:]
    assert "interrupted by SIGINT after 2 of 3 documents" in one_line_error(done)
    assert stopped_in < 15, stopped_in  # the scan in hand is abandoned, not finished
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(d["filename"] for d in documents) == ["1_dept_a_2022.pdf", "1_dept_c_2023.pdf"]
    facts = (out / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(facts) > 100
    assert "1_dept_c_2023.pdf" in (out / "report.html").read_text(encoding="utf-8")
    import duckdb

    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] == 2
        assert con.execute("select count(*) from fiscal_facts").fetchone()[0] == len(facts)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary left
    assert "documents: 2 (0 failed, 0 partial)" in stdout


def test_an_unreachable_dask_scheduler_is_one_line_with_the_cluster_code(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUESUAN_DASK_CONNECT_TIMEOUT="3")
    done = juesuan("run", str(NATIVE), "--out", str(tmp_path / "out"), "--dask", f"tcp://127.0.0.1:{port}", env=env)
    assert done.returncode == exit_codes.CLUSTER
    assert f"tcp://127.0.0.1:{port}" in one_line_error(done)
