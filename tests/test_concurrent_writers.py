"""Concurrent writers: several processes replacing the same documents in one warehouse at once
leave exactly one copy of each; a DuckDB file another process holds is waited for, and past the
lock timeout the error is one line naming that process. Real processes, real PostgreSQL."""
from __future__ import annotations

import copy
import hashlib
import logging
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from pg import fresh_database

from pipeline.process import process_document
from pipeline.store import SCHEMA, WarehouseBusy, open_warehouse

N_DOCUMENTS = 10
ROUNDS = 3

# A writer process: opens the warehouse, waits for the common start time, then replaces the
# documents as one batch, in batches of three and one by one, each pass in its own order (so
# that two batches ask for the same documents' locks in different orders).
WRITER = """
import pickle, random, sys, time
from pipeline.store import open_warehouse
url, docs_path, start_at, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
documents = pickle.loads(open(docs_path, "rb").read())
warehouse = open_warehouse(url)
order = random.Random(seed)
while time.time() < start_at:
    time.sleep(0.002)
for size in (len(documents), 3, 1):
    order.shuffle(documents)
    for i in range(0, len(documents), size):
        warehouse.replace_documents(documents[i:i + size])
warehouse.close()
print("done")
"""

# Holds the DuckDB file open until it has been held `seconds`, then lets it go.
HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def distinct_copy(records: dict[str, list[dict]], n: int) -> tuple[str, dict[str, list[dict]]]:
    """The records as another document: a document id of its own and a changed value."""
    document_id = hashlib.sha256(f"copy-{n}".encode()).hexdigest()
    out = copy.deepcopy(records)
    for rows in out.values():
        for row in rows:
            row["document_id"] = document_id
    out["documents"][0]["filename"] = f"copy_{n}.pdf"
    if out["fiscal_facts"]:
        out["fiscal_facts"][0]["value"] = (out["fiscal_facts"][0]["value"] or 0) + n
    return document_id, out


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, dict[str, list[dict]]]]:
    """Ten distinct documents from the four sample PDFs, processed once."""
    pdfs = [*sorted((SAMPLES / "native").glob("*.pdf")), SAMPLES / "budget" / "data_bureau_2026.pdf"]
    results = [process_document(p).records for p in pdfs]
    return [distinct_copy(results[n % len(results)], n) for n in range(N_DOCUMENTS)]


@pytest.fixture(scope="module")
def documents_file(documents, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("concurrent") / "documents.pickle"
    path.write_bytes(pickle.dumps(documents))
    return path


def expected_counts(documents) -> dict[str, int]:
    return {table: sum(len(records.get(table, [])) for _, records in documents) for table in SCHEMA}


def counts(url: str) -> dict[str, int]:
    warehouse = open_warehouse(url)
    try:
        return {table: int(warehouse.query(f'SELECT count(*) AS n FROM "{table}"')[0]["n"]) for table in SCHEMA}
    finally:
        warehouse.close()


def copies_per_document(url: str) -> set[int]:
    warehouse = open_warehouse(url)
    try:
        return {int(r["n"]) for r in warehouse.query("SELECT count(*) AS n FROM documents GROUP BY document_id")}
    finally:
        warehouse.close()


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def run_writers(url: str, documents_file: Path, n: int, round_: int) -> None:
    """`n` writer processes at once; each must finish cleanly."""
    start_at = time.time() + 3  # time for every process to import and open the warehouse first
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(documents_file), str(start_at),
                               str(round_ * 100 + i)], cwd=ROOT, env=environment(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(n)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "done", err[-2000:]


def test_four_processes_write_the_same_documents_into_postgresql(postgres_url, documents, documents_file):
    url = fresh_database(postgres_url, "concurrent_writers")
    open_warehouse(url).close()  # the tables exist before the writers race (their setup is locked anyway)
    for round_ in range(ROUNDS):
        run_writers(url, documents_file, 4, round_)
        assert counts(url) == expected_counts(documents), f"round {round_ + 1}"
        assert copies_per_document(url) == {1}


def test_two_processes_write_the_same_documents_into_one_duckdb_file(tmp_path, documents, documents_file):
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    for round_ in range(2):
        run_writers(url, documents_file, 2, round_)
        assert counts(url) == expected_counts(documents), f"round {round_ + 1}"


def juesuan_run(out: Path, warehouse: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(SAMPLES / "native"), "--out", str(out),
                             "--warehouse", warehouse, "--workers", "0"], cwd=ROOT, env=environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_into_one_duckdb_file_both_finish(tmp_path):
    single = f"duckdb:///{tmp_path / 'single.duckdb'}"
    proc = juesuan_run(tmp_path / "single", single)
    assert proc.wait(timeout=300) == 0, proc.stderr.read()[-2000:]
    shared = f"duckdb:///{tmp_path / 'shared.duckdb'}"
    runs = [juesuan_run(tmp_path / f"run{i}", shared) for i in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    assert counts(shared) == counts(single)
    assert counts(single)["fiscal_facts"] > 0


def hold(path: Path, seconds: float) -> subprocess.Popen:
    """A process that holds the DuckDB file open, started once it does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], env=environment(),
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_a_held_duckdb_file_past_the_lock_timeout_is_one_line_naming_the_holder(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    open_warehouse(f"duckdb:///{path}").close()
    holder = hold(path, 60)
    try:
        monkeypatch.setenv("JUESUAN_WAREHOUSE_LOCK_TIMEOUT", "2")
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as caught:
            open_warehouse(f"duckdb:///{path}")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    message = str(caught.value)
    assert 2 <= waited < 5, waited
    assert "\n" not in message
    assert f"pid {holder.pid}" in message and "duckdb.connect" in message, message


def test_a_held_duckdb_file_is_waited_for_with_progress(tmp_path, caplog):
    """The holder lets go after six seconds: the write waits (saying so), then lands."""
    url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    warehouse = open_warehouse(url)
    holder = hold(tmp_path / "w.duckdb", 6)
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="pipeline.store"):
            warehouse.register({"url": "https://x/a.pdf", "status": "processed"})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert 4 < waited < 15, waited
    assert any(f"pid {holder.pid}" in r.getMessage() for r in caplog.records), caplog.text
    assert warehouse.registry_entry("https://x/a.pdf")["status"] == "processed"
    warehouse.close()
