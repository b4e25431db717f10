"""The Prefect flows run for real (ephemeral API under prefect_test_harness)."""
import json

import pytest

from conftest import SAMPLES


@pytest.fixture(scope="module")
def prefect_harness():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # without this each flow waits about a second at its end to stop a heartbeat thread
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        with prefect_test_harness(server_startup_timeout=120):
            yield


def test_run_flow_processes_and_stores(prefect_harness, tmp_path):
    from flows.process import run_flow

    summary = run_flow(inputs=[str(SAMPLES / "native")], out=str(tmp_path))
    assert (summary.documents, summary.failed) == (3, 0)
    facts = (tmp_path / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(facts) == summary.facts == 1441
    assert json.loads(facts[0])["document_id"]
