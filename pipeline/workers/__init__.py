"""Supervised worker processes: every document is processed in a child process the run watches.

Entry points: `process_supervised(jobs, options, workers)` → (job index, DocumentResult) for every
job, as each is done; `WorkerPool(options, workers)` for jobs that come one by one (a crawl).

Why processes: PyMuPDF, OpenCV and onnxruntime run native code that no Python timeout can
interrupt, and a crash there (a segfault, an abort, the OOM killer) ends its whole process. So a
worker reports its progress over a pipe (before each page, each table, validation, the report
crops) and the supervisor

- kills a worker that reports nothing for `options.page_timeout` seconds, or whose resident
  memory passes `options.max_memory_mb`;
- when it killed a worker, or a worker died, on a page: processes that document again in a
  fresh worker without that page (an `error` finding names the page and why; the document ends
  `partial`), up to MAX_SKIPPED_PAGES pages; stuck or dead anywhere else, or past that count,
  the document fails with a one-line error and no other record.

Either way the run goes on with the other documents. A worker is a fresh interpreter (about
0.5 s to start) that serves document after document and keeps its OCR engine between them; it
retires after RECYCLE_AFTER documents, or between documents once its memory passes half the
cap, and a fresh one takes over. With several workers, the largest files go first (the
slowest, as a rule), so that one long scan does not finish alone at the end of the run, and
the cores are shared among the busy workers for OCR threads (`WorkerPool.hand_out`).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from pipeline.process import DocumentResult, Options
from pipeline.workers.child import serve
from pipeline.workers.messages import Job
from pipeline.workers.pool import POLL, WorkerPool


class DocumentPool(Protocol):
    """What a run or a crawl hands documents to: `WorkerPool` here, `pipeline.cluster.DaskPool`
    on a Dask cluster."""

    def submit(self, jobs: list[Job]) -> list[int]: ...
    def completed(self, timeout: float = POLL) -> list[tuple[int, DocumentResult]]: ...
    @property
    def busy(self) -> bool: ...
    def close(self) -> None: ...


def document_pool(options: Options, workers: int = 1, dask: str | None = None) -> DocumentPool:
    """`workers` watched processes here, or the Dask cluster whose scheduler is at `dask`."""
    if dask:
        from pipeline.cluster import DaskPool

        return DaskPool(dask, options)
    return WorkerPool(options, workers)


def results_of(pool: DocumentPool, jobs: list[Job]) -> Iterator[tuple[int, DocumentResult]]:
    """(index in `jobs`, result) of each job as soon as it is done; the pool is closed after."""
    try:
        pool.submit(jobs)
        left = len(jobs)
        while left:
            for done in pool.completed():
                yield done
                left -= 1
    finally:
        pool.close()


def process_supervised(jobs: list[Job], options: Options | None = None,
                       workers: int = 1) -> Iterator[tuple[int, DocumentResult]]:
    """(index in `jobs`, result) of each job as soon as it is done, processed by `workers`
    watched worker processes. Nothing waits on a slow document: the caller stores each result
    when it comes, and puts them in job order itself where order matters."""
    return results_of(WorkerPool(options, workers), jobs)


__all__ = ["POLL", "DocumentPool", "Job", "WorkerPool", "document_pool", "process_supervised", "results_of", "serve"]
