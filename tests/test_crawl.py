"""Crawls of a fake portal on loopback: everything reachable processed, nothing else fetched,
idempotent, recoverable after a kill, failed documents completed by rerun-failed."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from pipeline.crawl import crawl, rerun_failed
from pipeline.store import open_warehouse

FAST = dict(timeout=0.5, total_timeout=5.0, retries=1, backoff_base=0.01, backoff_max=0.05)


@pytest.fixture
def site(portal_site):
    return portal_site


def warehouse_rows(url):
    w = open_warehouse(url)
    try:
        out = {}
        for table in ("documents", "tables", "fiscal_facts", "perf_funds", "perf_indicators", "quality_log"):
            rows = [{k: v for k, v in r.items() if k != "processed_at"} for r in w.rows(table)]
            out[table] = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in rows)
        out["registry"] = sorted((r["url"], r["sha256"], r["status"]) for r in w.rows("registry"))
        return out
    finally:
        w.close()


def test_crawl_processes_every_reachable_document_once(site, tmp_path):
    portal, sources = site
    out = tmp_path / "out"
    summary = crawl(sources, out, **FAST)
    assert summary.failed == 0 and summary.processed == 3
    url = f"duckdb:///{out / 'warehouse.duckdb'}"
    rows = warehouse_rows(url)
    assert len(rows["documents"]) == 3  # dept_a under two URLs is one document
    assert all(status == "processed" for _, _, status in rows["registry"])
    assert portal.count("/offsite.pdf") == 0 and portal.count("/deep/too_deep.pdf") == 0
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {d["source_name"] for d in docs} == {"fake-portal"} and all(d["source_uri"].startswith("http://") for d in docs)
    assert len((out / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines()) == 1441
    # a second crawl changes no warehouse row (conditional GETs answer 304)
    before = warehouse_rows(url)
    again = crawl(sources, out, **FAST)
    assert again.processed == 0 and warehouse_rows(url) == before


def test_failed_documents_are_recorded_then_completed_by_rerun_failed(site, tmp_path):
    portal, sources = site
    portal.fault("/jsgk/docs/dept_b_2023.pdf", "status", code=500)
    portal.fault("/files/dept_c_2023.pdf", "html200")
    out = tmp_path / "out"
    summary = crawl(sources, out, **FAST)
    assert summary.failed == 2
    w = open_warehouse(f"duckdb:///{out / 'warehouse.duckdb'}")
    failed = {e["url"].rsplit("/", 1)[1]: e for e in w.registry(status="failed")}
    w.close()
    assert set(failed) == {"dept_b_2023.pdf", "dept_c_2023.pdf"}
    assert "500" in failed["dept_b_2023.pdf"]["last_error"] and "not a PDF" in failed["dept_c_2023.pdf"]["last_error"]
    portal.faults.clear()
    again = rerun_failed(sources, out, **FAST)
    assert (again.processed, again.failed) == (2, 0)
    assert len(warehouse_rows(f"duckdb:///{out / 'warehouse.duckdb'}")["documents"]) == 3


def test_killed_crawl_ends_like_an_uninterrupted_one(site, tmp_path):
    portal, sources = site
    reference = tmp_path / "ref"
    crawl(sources, reference, **FAST)
    out = tmp_path / "out"
    for path in ("/files/dept_c_2023.pdf",):
        portal.fault(path, "sleep", seconds=0.4)  # slow enough to be killed while it runs
    code = f"from pipeline.crawl import crawl; crawl({str(sources)!r}, {str(out)!r}, timeout=2.0, total_timeout=5.0)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=os.getcwd())
    deadline = time.time() + 60
    while portal.count("/files/dept_c_2023.pdf") == 0 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    portal.faults.clear()
    crawl(sources, out, **FAST)
    got, want = warehouse_rows(f"duckdb:///{out / 'warehouse.duckdb'}"), warehouse_rows(f"duckdb:///{reference / 'warehouse.duckdb'}")
    for table in got:
        if table == "registry":
            assert [(u.split("/", 3)[3], s, st) for u, s, st in got[table]] == [(u.split("/", 3)[3], s, st) for u, s, st in want[table]]
        else:
            assert got[table] == want[table], table


def test_juesuan_crawl_command_runs_the_flow(site, tmp_path):
    _, sources = site
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90")
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources), "--out", str(tmp_path / "out")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "processed: 3" in done.stdout
    assert len((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    bad = subprocess.run(cmd[:5] + [str(tmp_path / "missing.yaml")], env=env, capture_output=True, text=True, timeout=240)
    assert bad.returncode == 2 and "missing.yaml" in bad.stderr


def test_raw_documents_also_kept_in_an_fsspec_store(site, tmp_path):
    import fsspec

    _, sources = site
    crawl(sources, tmp_path / "out", store_url="memory://juesuan-raw", **FAST)
    fs = fsspec.filesystem("memory")
    stored = sorted(fs.find("/juesuan-raw"))
    assert len(stored) == 3 and all(p.endswith(".pdf") for p in stored)
    local = sorted(p.name for p in (tmp_path / "out" / "raw").rglob("*.pdf"))
    assert sorted(p.rsplit("/", 1)[1] for p in stored) == local


def test_one_pool_of_workers_serves_the_whole_crawl(site, tmp_path):
    """Each document is processed in a watched worker process, and the crawl keeps its worker
    between URLs (a fresh interpreter per URL costs about a second each)."""
    import logging
    import re

    _, sources = site
    log_file = tmp_path / "juesuan.log"
    handler = logging.FileHandler(log_file)  # the workers log to the run's log file, as under the CLI
    logging.getLogger().addHandler(handler)
    try:
        summary = crawl(sources, tmp_path / "out", **FAST)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    done_lines = [line for line in log_file.read_text(encoding="utf-8").splitlines() if ": done in " in line]
    workers = {re.search(r"\[worker (\d+)\]", line).group(1) for line in done_lines}
    assert summary.processed == len(done_lines) == 3
    assert len(workers) == 1, done_lines


def test_a_crawls_report_equals_a_runs_over_the_same_files(site, tmp_path):
    """The same writer for both: every table card (its page images, grid, findings and counts)
    of each document page is the same whether the files came from a portal or from a folder."""
    import re

    from conftest import SAMPLES

    from pipeline.run import run_inputs

    _, sources = site
    crawl(sources, tmp_path / "crawl", **FAST)
    run_inputs([str(SAMPLES / "native")], tmp_path / "run")

    def cards(out):
        pages = {}
        for page in sorted((out / "report").glob("*.html")):
            html = page.read_text(encoding="utf-8")
            pages[page.name] = html[html.index("<div class='card'"):]
        return pages

    crawled, ran = cards(tmp_path / "crawl"), cards(tmp_path / "run")
    assert sorted(crawled) == sorted(ran) and len(ran) == 3
    for name in ran:
        assert len(re.findall(r"<img [^>]*src='data:image/jpeg;base64,", ran[name])) >= 5
        assert crawled[name] == ran[name], name
    index = (tmp_path / "crawl" / "report.html").read_text(encoding="utf-8")
    assert all(f"report/{name}" in index for name in crawled)
