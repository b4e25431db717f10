"""A crawl says what failed: its Prefect flow run FAILED with the failures counted, an artifact and
the terminal naming each URL with its error and attempts, exit 1; and a first crawl on a fresh
PREFECT_HOME starts on a busy machine. Real Prefect, real HTTP on loopback."""
import asyncio
import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import main

TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


def juesuan(*argv: str) -> tuple[int, str]:
    """`juesuan ARGV` in this process: exit code and what it printed. Only stdout is taken, not
    through pytest's capture fixtures: Prefect's console log handler keeps the stderr it first
    saw, which such a fixture closes after its test."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(list(argv))
    return code, printed.getvalue()


@pytest.fixture(scope="module")
def prefect_harness():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
          prefect_test_harness(server_startup_timeout=120)):
        yield


@pytest.fixture(autouse=True)
def _scoped_timeout(monkeypatch):
    # the CLI sets a start-up timeout where none is set: keep that inside the test
    monkeypatch.setenv(TIMEOUT_VARIABLE, os.environ.get(TIMEOUT_VARIABLE, "120"))


def source(name: str, start: str, allow_private: bool = True, allow_hosts: str = "127.0.0.1") -> str:
    return f"""  - name: {name}
    start_urls: ["{start}"]
    allow_hosts: ["{allow_hosts}"]
    allow_private: {str(allow_private).lower()}
    follow_pattern: "index_\\\\d+\\\\.html$"
    link_pattern: "\\\\.pdf$"
    max_depth: 2
    rate_per_second: 200
"""


def crawl_run(out: Path, flow_name: str = "juesuan-crawl"):
    """The latest flow run of `flow_name` whose `out` parameter is `out`, and its artifacts, read
    through Prefect's client."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    async def read():
        async with get_client() as client:
            runs = await client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                                               sort=FlowRunSort.START_TIME_DESC)
            run = next(r for r in runs if r.parameters.get("out") == str(out))
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
            return run, {a.key: a for a in artifacts}

    return asyncio.run(read())


def test_failed_urls_fail_the_flow_run_and_are_named_then_rerun_completes(prefect_harness, portal_site, tmp_path):
    portal, sources = portal_site
    portal.add_html("/broken/index.html", "<html><body>nothing yet</body></html>")
    sources.write_text(sources.read_text(encoding="utf-8").split("schedule:")[0]
                       + source("broken-start", portal.url("/broken/index.html")), encoding="utf-8")
    b, c, start = (portal.url(p) for p in ("/jsgk/docs/dept_b_2023.pdf", "/files/dept_c_2023.pdf", "/broken/index.html"))
    portal.fault("/jsgk/docs/dept_b_2023.pdf", "status", code=404)
    portal.fault("/files/dept_c_2023.pdf", "status", code=500)  # every request
    portal.fault("/broken/index.html", "status", code=500)
    out = tmp_path / "out"

    code, printed = juesuan("crawl", "--sources", str(sources), "--out", str(out))
    assert code == 1
    lines = {line.split("  ")[0]: line for line in printed.splitlines() if line.startswith("failed ")}
    assert set(lines) == {f"failed document: {b}", f"failed document: {c}", f"failed start page: {start}"}
    assert "error: HTTP 404" in lines[f"failed document: {b}"] and lines[f"failed document: {b}"].endswith("attempts: 1")
    assert "error: HTTP 500" in lines[f"failed document: {c}"] and lines[f"failed document: {c}"].endswith("attempts: 4")
    assert "error: HTTP 500" in lines[f"failed start page: {start}"]
    assert "failed: 2  pages failed: 1" in printed

    run, artifacts = crawl_run(out)
    assert run.state.is_failed()
    assert run.state.message == "2 documents failed, 1 start page failed"
    table = str(artifacts["juesuan-crawl-failures"].data)
    assert all(url in table for url in (b, c, start)) and "HTTP 404" in table

    portal.faults.clear()
    code, printed = juesuan("rerun-failed", "--sources", str(sources), "--out", str(out))
    assert code == 0, printed
    assert "processed: 2" in printed and "failed: 0" in printed and "failed document" not in printed
    run, artifacts = crawl_run(out, "juesuan-rerun-failed")
    assert run.state.is_completed()
    assert str(artifacts["juesuan-crawl-failures"].data) in ("[]", "")


def test_refused_start_pages_name_the_rule_and_the_setting(prefect_harness, portal_site, tmp_path):
    portal, sources = portal_site
    # loopback without allow_private; and a start page redirecting to a host not in allow_hosts
    portal.fault("/redirecting.html", "redirect", location=portal.url("/jsgk/index.html", host="localhost"))
    loopback, redirecting = portal.url("/jsgk/index.html"), portal.url("/redirecting.html")
    sources.write_text("sources:\n" + source("no-private", loopback, allow_private=False)
                       + source("elsewhere", redirecting), encoding="utf-8")
    out = tmp_path / "out"

    code, printed = juesuan("crawl", "--sources", str(sources), "--out", str(out))
    assert code == 1
    lines = [line for line in printed.splitlines() if line.startswith("failed start page: ")]
    assert len(lines) == 2
    private = next(line for line in lines if loopback in line)
    assert "private/loopback" in private and "allow_private: true" in private and private.endswith("attempts: 0")
    hosts = next(line for line in lines if redirecting in line)
    assert "'localhost' is not in allow_hosts" in hosts and "add it to allow_hosts" in hosts
    assert portal.count("/jsgk/index.html") == 0  # refused before any request
    assert "urls: 0" in printed
    run, _ = crawl_run(out)
    assert run.state.is_failed() and run.state.message == "2 start pages failed"


def test_first_crawl_on_a_fresh_prefect_home_starts_on_a_busy_machine(portal_site, tmp_path):
    """Prefect's own start-up time (20 s) with a fresh PREFECT_HOME and both cores busy killed
    this crawl; nothing here raises it: the CLI must."""
    _, sources = portal_site
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_SERVER_EPHEMERAL_") and k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.update(PREFECT_HOME=str(tmp_path / "fresh-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    out = tmp_path / "out"
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(sources),
                               "--out", str(out)], env=env, capture_output=True, text=True, timeout=600)
        print(f"crawl on a fresh PREFECT_HOME under load: {time.monotonic() - started:.0f} s")
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    assert "processed: 3" in done.stdout
    assert len((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 3
