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


@task(name="process-document", retries=1, timeout_seconds=900)
def process_document_task(path: str, ocr: str = "auto"):
    from pipeline.process import process_document

    return process_document(path, Options(ocr=ocr), with_crops=True)


@flow(name="juesuan-run-distributed", log_prints=True)
def run_distributed_flow(inputs: list[str], out: str = "out", warehouse: str | None = None, ocr: str = "auto",
                         n_workers: int = 2) -> RunSummary:
    """The run with documents processed in parallel on a Dask cluster (worker processes: OCR and
    PDF parsing are CPU-bound), then stored and reported here. `DaskTaskRunner(address=...)`
    points the same flow at a cluster spanning several machines."""
    from prefect_dask import DaskTaskRunner

    from pipeline.run import collect_inputs, store_results

    files = [str(f) for f in collect_inputs(inputs)]
    runner = DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})

    @flow(name="juesuan-process-on-dask", task_runner=runner)
    def fan_out(paths: list[str]):
        futures = [process_document_task.submit(p, ocr) for p in paths]
        return [f.result() for f in futures]

    summary = store_results(enumerate(fan_out(files)), out, warehouse)
    print(summary.line())
    return summary
