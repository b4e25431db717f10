"""`juesuan run --dask ADDRESS` on a real Dask cluster: a `dask scheduler` and two `dask worker`
processes on loopback, as a user starts them on their machines (README: Scale-out). The records
equal a local run's, and the command's memory does not grow with the number of documents: each
result is stored as it comes back and then dropped."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import SAMPLES

from pipeline.store import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
TIMESTAMPS = {"processed_at"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask(*argv: str, log: Path) -> subprocess.Popen:
    with log.open("wb") as sink:
        return subprocess.Popen([sys.executable, "-m", "dask", *argv], stdout=sink, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=log.parent)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """The scheduler's address, once both workers have joined it."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    processes = [dask("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard",
                      log=folder / "scheduler.log")]
    try:
        for i in (1, 2):
            processes.append(dask("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                                  "--local-directory", str(folder / f"w{i}"), log=folder / f"worker{i}.log"))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def juesuan_run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "run", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


def records(out: Path) -> dict[str, list[str]]:
    """Every record of the run's JSONL files, timestamps aside, in a stable order."""
    found = {}
    for table in SCHEMA:
        rows = [json.loads(line) for line in (out / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
        found[table] = sorted(json.dumps({k: v for k, v in r.items() if k not in TIMESTAMPS}, ensure_ascii=False,
                                         sort_keys=True) for r in rows)
    return found


def test_a_run_on_a_dask_cluster_gives_the_records_of_a_local_run(cluster, tmp_path):
    local = juesuan_run(str(SAMPLES), "--out", str(tmp_path / "local"), "--workers", "1")
    assert local.returncode == 0, local.stderr[-2000:]
    remote = juesuan_run(str(SAMPLES), "--out", str(tmp_path / "dask"), "--dask", cluster)
    assert remote.returncode == 0, remote.stderr[-2000:]
    assert "Traceback" not in remote.stderr
    got, want = records(tmp_path / "dask"), records(tmp_path / "local")
    assert len(want["documents"]) >= 5 and len(want["fiscal_facts"]) > 2000
    for table in SCHEMA:
        assert got[table] == want[table], table


def peak_rss_mb(argv: list[str]) -> float:
    """The highest resident memory of the `juesuan` process itself (not its cluster), read every 50 ms."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", *argv], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched, peak = psutil.Process(proc.pid), 0.0
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss / 2**20)
        except psutil.Error:
            break
        time.sleep(0.05)
    _, err = proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    return peak


def test_memory_of_a_dask_run_does_not_grow_with_its_documents(cluster, tmp_path):
    source = (SAMPLES / "native" / "dept_a_2022.pdf").read_bytes()
    peaks = {}
    for count in (20, 80):
        folder = tmp_path / f"in{count}"
        folder.mkdir()
        for i in range(count):  # a comment after %%EOF: the same tables, a document of its own
            (folder / f"copy_{i:03d}.pdf").write_bytes(source + f"\n% copy {i}\n".encode())
        peaks[count] = peak_rss_mb([str(folder), "--out", str(tmp_path / f"out{count}"), "--dask", cluster, "-q"])
    print(f"peak RSS of juesuan run --dask: 20 documents {peaks[20]:.0f} MB, 80 documents {peaks[80]:.0f} MB")
    # four times the documents: what grows is bounded by the batch, not by the run
    assert peaks[80] < peaks[20] * 1.15 + 10, peaks
