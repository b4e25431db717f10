"""Process local files as a Prefect flow: the same run as `juesuan run`, observable in Prefect."""
from __future__ import annotations

from prefect import flow, task

from pipeline.process import Options
from pipeline.run import RunSummary, run_inputs


@task(name="run-inputs")
def run_inputs_task(inputs: list[str], out: str, warehouse: str | None, ocr: str, workers: int) -> RunSummary:
    return run_inputs(inputs, out, warehouse, Options(ocr=ocr), workers)


@flow(name="juesuan-run", log_prints=True)
def run_flow(inputs: list[str], out: str = "out", warehouse: str | None = None, ocr: str = "auto", workers: int = 1) -> RunSummary:
    summary = run_inputs_task(inputs, out, warehouse, ocr, workers)
    print(summary.line())
    return summary
