"""Documents processed on a running Dask cluster: `juesuan run --dask tcp://host:8786`.

Entry point: `DaskPool(address, options)`, a `pipeline.workers.DocumentPool`: `submit` jobs,
take `completed` results as they come back, so the run stores each document as it arrives and
drops it (its memory does not grow with the number of documents).

- The documents travel as bytes: the cluster's machines need not see this machine's files.
- On a Dask worker each document is processed by the same watched worker process as a local
  run (`pipeline.workers.WorkerPool`, one per Dask thread, kept between documents): a page that
  hangs or crashes PyMuPDF or the OCR engine costs that page, not the Dask worker.
- At most `IN_FLIGHT_PER_THREAD` documents per Dask thread are on the cluster at a time; the
  rest wait here as paths, so neither the scheduler nor this process holds a big run's bytes.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.process import DocumentResult, Options, failed_document
from pipeline.workers import POLL, Job, WorkerPool

CONNECT_TIMEOUT = 30.0  # s to reach the scheduler (JUESUAN_DASK_CONNECT_TIMEOUT)
CHECK_EVERY = 0.02  # s between looks at the futures while waiting
IN_FLIGHT_PER_THREAD = 2  # one in hand, one queued: a free thread never waits on this process

if TYPE_CHECKING:
    from distributed import Future


class ClusterUnavailable(Exception):
    """The Dask scheduler could not be reached (one line: the address and why)."""


_local = threading.local()


def process_on_worker(job: Job, data: bytes, options: Options) -> DocumentResult:
    """Runs on a Dask worker: the document's bytes to a temporary file, then through this
    thread's watched worker process, which is kept for the thread's next documents."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = WorkerPool(options, 1)
    pool.options = options
    suffix = Path(job.filename or job.path).suffix
    with tempfile.TemporaryDirectory(prefix="juesuan-dask-") as folder:
        path = Path(folder) / f"document{suffix}"
        path.write_bytes(data)
        (index,) = pool.submit([replace(job, path=str(path))])
        while True:
            for done, result in pool.completed():
                if done == index:
                    result.path = job.path
                    return result


class DaskPool:
    """The cluster at `address` as a document pool (see the module docstring)."""

    def __init__(self, address: str, options: Options | None = None):
        try:
            from distributed import Client

            timeout = float(os.environ.get("JUESUAN_DASK_CONNECT_TIMEOUT") or CONNECT_TIMEOUT)
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self.options = options or Options()
        self.waiting: deque[tuple[int, Job]] = deque()
        self.running: dict[Future[DocumentResult], tuple[int, Job]] = {}  # future -> (job index, job)
        self.submitted = 0

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def submit(self, jobs: list[Job]) -> list[int]:
        indexes = list(range(self.submitted, self.submitted + len(jobs)))
        self.submitted += len(jobs)
        self.waiting.extend(zip(indexes, jobs))
        self._send()
        return indexes

    def _send(self) -> None:
        room = self.threads() * IN_FLIGHT_PER_THREAD - len(self.running)
        while self.waiting and room > 0:
            index, job = self.waiting.popleft()
            data = Path(job.path).read_bytes()
            # the records name the file as a local run does, not the worker's temporary copy
            job = replace(job, source_uri=job.source_uri or str(Path(job.path).resolve()),
                          filename=job.filename or Path(job.path).name)
            # pure=False: two copies of one file are two documents of the run, as they are locally
            future = self.client.submit(process_on_worker, job, data, self.options, pure=False,
                                        key=f"juesuan-{os.getpid()}-{index}")
            self.running[future] = (index, job)
            room -= 1

    @property
    def busy(self) -> bool:
        return bool(self.waiting or self.running)

    def completed(self, timeout: float = POLL) -> list[tuple[int, DocumentResult]]:
        deadline = time.monotonic() + timeout
        finished = [f for f in self.running if f.done()]
        while self.running and not finished and time.monotonic() < deadline:
            time.sleep(CHECK_EVERY)  # a future's state is kept current by the client's own thread
            finished = [f for f in self.running if f.done()]
        done = [self._take(future) for future in finished]
        self._send()
        return done

    def _take(self, future: Future[DocumentResult]) -> tuple[int, DocumentResult]:
        """A future's result, or the document failed with the cluster's one-line reason (a Dask
        worker lost with the document in hand, an error outside the watched process)."""
        index, job = self.running.pop(future)
        try:
            result = future.result()
        except Exception as exc:
            why = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            result = failed_document(Path(job.path), f"on the Dask cluster: {type(exc).__name__}: {why}",
                                     job.source_uri, job.source_name, job.filename)
        future.release()  # the cluster forgets it: a result is held here only until stored
        return index, result

    def close(self) -> None:
        for future in self.running:
            future.cancel()
        self.running.clear()
        self.client.close()
