"""Process local files as a Prefect flow: the same run as `juesuan run`, observable in Prefect."""
from __future__ import annotations

from prefect import flow, task

from pipeline.process import OcrMode, Options
from pipeline.run import RunSummary, run_inputs


@task(name="run-inputs")
def run_inputs_task(inputs: list[str], out: str, warehouse: str | None, ocr: OcrMode, workers: int) -> RunSummary:
    return run_inputs(inputs, out, warehouse, Options(ocr=ocr), workers)


@flow(name="juesuan-run", log_prints=True)
def run_flow(inputs: list[str], out: str = "out", warehouse: str | None = None, ocr: OcrMode = "auto", workers: int = 1) -> RunSummary:
    summary = run_inputs_task(inputs, out, warehouse, ocr, workers)
    print(summary.line())
    return summary


@flow(name="juesuan-run-distributed", log_prints=True)
def run_distributed_flow(inputs: list[str], out: str = "out", warehouse: str | None = None, ocr: OcrMode = "auto",
                         address: str | None = None, n_workers: int = 2) -> RunSummary:
    """The run with documents processed on a Dask cluster: the running one whose scheduler is at
    `address` (`tcp://host:8786`, workers on any machines), or else a local cluster of
    `n_workers` processes started for this run. Each result is stored here as it comes back
    (`pipeline.cluster`), so this flow's memory does not grow with the run."""
    if address:
        summary = run_inputs(inputs, out, warehouse, Options(ocr=ocr), dask=address)
    else:
        from distributed import LocalCluster

        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            summary = run_inputs(inputs, out, warehouse, Options(ocr=ocr), dask=cluster.scheduler_address)
    print(summary.line())
    return summary
