"""The Prefect flows run for real (ephemeral API under prefect_test_harness)."""
import json

import pytest
from conftest import SAMPLES


@pytest.fixture(scope="module")
def prefect_harness():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # without this each flow waits about a second at its end to stop a heartbeat thread
    with (temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
          prefect_test_harness(server_startup_timeout=120)):
        yield


def test_run_flow_processes_and_stores(prefect_harness, tmp_path):
    from flows.process import run_flow

    summary = run_flow(inputs=[str(SAMPLES / "native")], out=str(tmp_path))
    assert (summary.documents, summary.failed) == (3, 0)
    facts = (tmp_path / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(facts) == summary.facts == 1441
    assert json.loads(facts[0])["document_id"]


@pytest.fixture
def portal_sources(portal_site):
    return portal_site


def test_crawl_flow_and_its_artifact(prefect_harness, portal_sources, tmp_path):
    _, portal_sources = portal_sources
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.crawl import crawl_flow

    summary = crawl_flow(sources=str(portal_sources), out=str(tmp_path / "out"))
    assert (summary.processed, summary.failed) == (3, 0)

    async def artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()

    latest = {a.key: a for a in asyncio.run(artifact())}
    assert "juesuan-crawl" in latest and "processed" in str(latest["juesuan-crawl"].data)

    async def task_runs():
        from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterFlowRunId

        async with get_client() as client:
            flow_run_id = latest["juesuan-crawl"].flow_run_id
            return await client.read_task_runs(
                task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[flow_run_id])))

    names = {run.name for run in asyncio.run(task_runs())}
    # each task run is named after what it works on: its source, or the URL it fetched
    assert "discover fake-portal" in names
    fetched = {name for name in names if name.startswith("http://")}
    assert len(fetched) == summary.discovered and all(name.endswith(".pdf") for name in fetched), names


def test_serve_deployment_carries_the_cron_schedule(prefect_harness, portal_sources, tmp_path):
    _, portal_sources = portal_sources
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.crawl import crawl_deployment

    deployment_id = crawl_deployment(str(portal_sources), str(tmp_path / "out")).apply()

    async def read():
        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    deployment = asyncio.run(read())
    crons = [s.schedule.cron for s in deployment.schedules]
    assert crons == ["0 3 * * *"]
    assert deployment.parameters["sources"] == str(portal_sources.resolve())


def test_documents_processed_on_a_local_dask_cluster(prefect_harness, tmp_path):
    from flows.process import run_distributed_flow

    summary = run_distributed_flow(inputs=[str(SAMPLES / "native")], out=str(tmp_path), n_workers=2)
    assert (summary.documents, summary.failed, summary.facts) == (3, 0, 1441)


def test_rerun_failed_flow_completes_what_failed(prefect_harness, portal_sources, tmp_path):
    from flows.crawl import CrawlFailed, crawl_flow, rerun_failed_flow, summary_of

    portal, portal_sources = portal_sources
    portal.fault("/jsgk/docs/dept_b_2023.pdf", "status", code=404)
    out = str(tmp_path / "out")
    state = crawl_flow(sources=str(portal_sources), out=out, return_state=True)
    assert state.is_failed() and state.message == "1 document failed"
    first = summary_of(state)
    assert (first.processed, first.failed) == (2, 1)
    assert [f.url.rsplit("/", 1)[1] for f in first.failures] == ["dept_b_2023.pdf"]
    with pytest.raises(CrawlFailed, match="1 document failed"):  # called plainly, the flow raises
        crawl_flow(sources=str(portal_sources), out=out)
    portal.faults.clear()
    second = rerun_failed_flow(sources=str(portal_sources), out=out)
    assert (second.discovered, second.processed, second.failed) == (1, 1, 0)


def test_crawl_flow_keeps_the_crawl_budget(prefect_harness, tmp_path):
    """The flow runs each URL as its own task: the sources file's crawl_budget_seconds still
    bounds the whole crawl (the budget's end travels into every task)."""
    import time

    from portal import Portal, fake_disclosure_site
    from prefect.states import State
    from test_fetch_deadlines import DripServer, sources_file

    from flows.crawl import crawl_flow, summary_of

    drip = DripServer()
    try:
        with Portal() as portal:
            fake_disclosure_site(portal)
            slow = [drip.url(f"/drip-body-{i}.pdf") for i in range(6)]
            portal.add_html("/many/index.html", "<html><body>" + "".join(f'<a href="{u}">x</a>' for u in slow)
                            + "</body></html>")
            sources = sources_file(tmp_path, portal.url("/many/index.html"),
                                   extra="    deadline_seconds: 2\n    url_budget_seconds: 2\n",
                                   top="crawl_budget_seconds: 5\n")
            started = time.monotonic()
            state = crawl_flow(sources=str(sources), out=str(tmp_path / "out"), return_state=True)
            elapsed = time.monotonic() - started
    finally:
        drip.close()
    assert isinstance(state, State) and state.is_failed()
    summary = summary_of(state)
    assert summary.failed == 6
    assert sum("crawl budget 5 s" in f.error for f in summary.failures) >= 3
    assert elapsed < 30, elapsed  # six 2 s deadlines in a row would cost 12 s plus tasks; unbounded, minutes
