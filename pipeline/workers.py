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

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

import psutil

from pipeline.ocr import use_threads
from pipeline.outputs import document_outputs
from pipeline.process import DocumentResult, Options, failed_document, process_document

POLL = 0.25  # s between checks of the workers' clocks and memory
MAX_SKIPPED_PAGES = 3  # pages of one document that may hang or crash a worker before it is given up
PR_SET_PDEATHSIG = 1  # prctl(2)
RECYCLE_AFTER = 200  # documents a worker serves before a fresh one takes over
RECYCLE_SHARE = 0.5  # ... or once, between documents, its memory passes this share of the cap
STARTUP_TIMEOUT = 60.0  # s a new worker may take to import the pipeline (a busy machine is slow)


@dataclass
class Job:
    """One document to process; the `source_*` / `filename` fields as in `process_document`."""

    path: str
    source_uri: str | None = None
    source_name: str | None = None
    filename: str | None = None
    # a run's job: the worker draws the report crops and renders the document's JSONL lines and
    # report section too (pipeline.outputs), in parallel with the other workers
    with_outputs: bool = True


@dataclass
class _Task:
    index: int
    job: Job
    skip: dict[int, str] = field(default_factory=dict)  # pages not to read again, and why


def die_with_parent(parent_pid: int) -> None:
    """A worker must not outlive its supervisor, even while stuck in native code that never
    reads the socket again: the kernel kills it when the supervisor dies (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the EOF on the socket still ends an idle worker
        return
    if os.getppid() != parent_pid:  # the supervisor died before the request took effect
        os._exit(1)


def serve(fd: int, parent_pid: int) -> None:
    """A worker (`python -m pipeline.worker_entry FD PID`): documents in, progress and results out over
    the socket FD, until told to stop or orphaned (the supervisor gone: EOF, or PDEATHSIG)."""
    die_with_parent(parent_pid)
    conn = Connection(fd)
    sys_path, log_file = conn.recv()
    sys.path[:] = sys_path  # `module:factory` OCR engines import here as they would in the run
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s[worker %(process)d]: %(message)s")
    use_threads(int(os.environ.get("JUESUAN_THREADS") or 0) or (os.cpu_count() or 1))
    conn.send(("ready", None))

    def take_share(threads: int) -> None:
        logging.getLogger("juesuan").info("OCR and OpenCV threads: %d", threads)
        use_threads(threads)

    def follow_share() -> None:
        """Between pages: the supervisor's word on this worker's share of the cores, if any."""
        try:
            while conn.poll():
                take_share(conn.recv()[1])  # only ("threads", n) comes while a document is in hand
        except (EOFError, OSError):  # the supervisor is gone: no one wants this document now
            os._exit(1)

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if message[0] == "threads":
            take_share(message[1])
            continue
        _, index, job, options, skip = message

        def progress(stage: str, detail, index=index) -> None:
            conn.send(("progress", index, stage, detail))
            follow_share()

        result = process_document(Path(job.path), options, job.source_uri, job.source_name, job.filename,
                                  skip_pages=skip, progress=progress, with_crops=job.with_outputs)
        if job.with_outputs:
            progress("outputs", None)
            result.outputs, result.views = document_outputs(result), []  # the crops are in the section now
        try:
            conn.send(("result", index, result))
        except OSError:
            return


def _log_file() -> str | None:
    """The run's log file (cli.py logs to one): the workers write their tracebacks and the PDF
    and OCR libraries' messages there too, not on the terminal."""
    for handler in reversed(logging.getLogger().handlers):  # the latest added first
        if isinstance(handler, logging.FileHandler) and handler.baseFilename != os.devnull:
            return handler.baseFilename
    return None


class _Worker:
    """A worker process: a fresh interpreter (no fork of this one, whatever threads it runs, and
    no re-import of the caller's main script), joined to the supervisor by a socket pair."""

    def __init__(self, log_file: str | None, threads: int):
        ours, theirs = socket.socketpair()
        sink = open(log_file, "ab") if log_file else None
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipeline.worker_entry", str(theirs.fileno()), str(os.getpid())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, env=dict(os.environ, JUESUAN_THREADS=str(threads)),
                start_new_session=True)  # Ctrl-C reaches the supervisor, which stops the workers
        finally:
            theirs.close()
            if sink:
                sink.close()
        self.conn = Connection(ours.detach())
        self.conn.send((list(sys.path), log_file))
        self.task: _Task | None = None
        self.where: tuple[str, object] = ("start", None)
        self.heard = time.monotonic()
        self.ready = False  # until its hello: the interpreter is still importing
        self.weighed = 0.0  # when its memory was last read
        self.served = 0
        self.threads = threads  # its share of the cores, as last told

    def tell_threads(self, threads: int) -> None:
        if threads != self.threads:
            try:
                self.conn.send(("threads", threads))
            except OSError:  # dead: `listen` finds out and deals with it
                return
            self.threads = threads

    def worn_out(self, options: Options) -> bool:
        """Whether to replace this worker between documents: allocator arenas, MuPDF's store and
        onnxruntime's buffers keep what the largest document needed, and fragments add up."""
        return self.served >= RECYCLE_AFTER or self.rss_mb() > options.max_memory_mb * RECYCLE_SHARE

    def time_limit(self, options: Options) -> float:
        return options.page_timeout if self.ready else max(options.page_timeout, STARTUP_TIMEOUT)

    def assign(self, task: _Task, options: Options) -> None:
        self.task, self.where = task, ("start", None)
        if self.ready:
            self.heard = time.monotonic()
        self.conn.send(("task", task.index, task.job, options, task.skip))

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_mb(self) -> float:
        try:
            return psutil.Process(self.process.pid).memory_info().rss / 2**20
        except psutil.Error:
            return 0.0

    def receive(self) -> tuple[int, DocumentResult] | None:
        """Drain the socket: (job index, result) once the document is done. EOFError: the worker died."""
        while self.conn.poll():
            kind, *rest = self.conn.recv()
            self.heard = time.monotonic()
            if kind == "ready":
                self.ready = True
                continue
            index, *rest = rest
            if kind == "progress":
                self.where = (rest[0], rest[1])
            elif kind == "result":
                self.task = None
                self.served += 1
                return index, rest[0]
        return None

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
                self.process.wait(2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.conn.close()


def _death(process: subprocess.Popen) -> str:
    code = process.wait()
    if code is not None and code < 0:
        try:
            return f"the worker process crashed (killed by {signal.Signals(-code).name})"
        except ValueError:
            return f"the worker process crashed (signal {-code})"
    return f"the worker process exited unexpectedly (exit status {code})"


def _where(stage: str, detail) -> str:
    return {"start": "while opening the document", "page": f"on page {detail}", "stitch": "while stitching tables",
            "table": f"while realigning table {detail}", "validate": "while validating",
            "crops": "while drawing the report's page crops", "outputs": "while rendering its records and report"}.get(stage, f"in {stage}")


def _largest_first(tasks: list[_Task]) -> list[_Task]:
    def size(task: _Task) -> int:
        try:
            return Path(task.job.path).stat().st_size
        except OSError:
            return 0
    return sorted(tasks, key=size, reverse=True)


class WorkerPool:
    """Workers kept for a run or a crawl: jobs are submitted as they come (`submit`), results
    taken as they are done (`completed`); the pool hands out, listens, and deals with the stuck.
    A crawl submits each document as it is fetched and its workers serve them all."""

    def __init__(self, options: Options | None = None, workers: int = 1):
        self.options, self.size = options or Options(), max(1, workers)
        self.pending: deque[_Task] = deque()
        self.done: dict[int, DocumentResult] = {}
        self.pool: list[_Worker] = []
        self.submitted = 0
        self.log_file = _log_file()
        # OCR and OpenCV threads: the cores shared among the busy workers, told again as that
        # number changes. The workers of a busy run do not oversubscribe the cores (two
        # 2-thread onnxruntime sessions on 2 cores wait on each other's threads), and a long
        # scan left alone at the end of a run gets them all. JUESUAN_THREADS fixes the count.
        self.cores = os.cpu_count() or 1
        self.fixed_threads = int(os.environ.get("JUESUAN_THREADS") or 0)

    def submit(self, jobs: list[Job]) -> list[int]:
        """Queue `jobs` (with several workers, the largest files of them first, so that one long
        scan does not finish alone at the end); their indexes, counted over the pool's life."""
        tasks = [_Task(self.submitted + i, job) for i, job in enumerate(jobs)]
        self.submitted += len(tasks)
        self.pending.extend(_largest_first(tasks) if self.size > 1 else tasks)
        self.hand_out()
        return [t.index for t in tasks]

    @property
    def busy(self) -> bool:
        """Jobs queued or in hand (results not yet taken count as done)."""
        return bool(self.pending) or any(w.task is not None for w in self.pool)

    def completed(self, timeout: float = POLL) -> list[tuple[int, DocumentResult]]:
        """The results done by now, after waiting up to `timeout` s for one (`listen`)."""
        if not self.done and self.busy:
            self.hand_out()
            self.listen(timeout)
        done, self.done = list(self.done.items()), {}
        return done

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def hand_out(self) -> None:
        """Free workers take the next documents. Every busy worker is told its share of the
        cores first (an idle one before its document: messages arrive in order), so that a
        document never starts on a stale count."""
        busy = sum(w.task is not None for w in self.pool)
        share = self.fixed_threads or max(1, self.cores // max(1, min(self.size, busy + len(self.pending))))
        for worker in self.pool:
            if worker.task is not None or self.pending:
                worker.tell_threads(share)
            if worker.task is None and self.pending:
                worker.assign(self.pending.popleft(), self.options)
        while self.pending and len(self.pool) < self.size:
            self.pool.append(_Worker(self.log_file, share))
            self.pool[-1].assign(self.pending.popleft(), self.options)

    def listen(self, timeout: float = POLL) -> None:
        """Wait a moment for messages; collect results; stop the stuck, the dead, the bloated."""
        busy = [w for w in self.pool if w.task is not None]
        if busy:
            wait([w.conn for w in busy], timeout=timeout)  # a message, or EOF when a worker dies
        now = time.monotonic()
        for worker in busy:
            try:
                finished = worker.receive()
            except (EOFError, OSError):
                finished = None
            if finished is not None:
                self.done[finished[0]] = finished[1]
                if worker.worn_out(self.options):
                    self.retire(worker)
                continue
            problem = self.problem(worker, now)
            if problem:
                task, where = worker.task, worker.where
                self.retire(worker, kill=True)
                self.retry_or_fail(task, where, problem)
        self.hand_out()  # before the caller stores the results: a free worker does not wait on that

    def problem(self, worker: _Worker, now: float) -> str | None:
        if not worker.alive():
            return _death(worker.process)
        if now - worker.heard > worker.time_limit(self.options):
            return f"the worker made no progress for {self.options.page_timeout:g} s (--page-timeout)"
        if now - worker.weighed < POLL:  # messages come by the hundred a second; /proc need not
            return None
        worker.weighed = now
        if worker.rss_mb() > self.options.max_memory_mb:
            return f"the worker passed the memory cap of {self.options.max_memory_mb} MB (--max-memory)"
        return None

    def retire(self, worker: _Worker, kill: bool = False) -> None:
        worker.stop(kill=kill)
        self.pool.remove(worker)

    def retry_or_fail(self, task: _Task, where: tuple[str, object], why: str) -> None:
        """Stuck on a page: that page is skipped and the document processed again (first, before
        anything else). Stuck elsewhere, or on too many pages: the document fails."""
        stage, page = where
        if stage == "page" and len(task.skip) < MAX_SKIPPED_PAGES:
            task.skip[page] = why
            self.pending.appendleft(task)
            return
        if stage == "page":
            pages = ", ".join(str(p) for p in [*task.skip, page])
            why = f"{len(task.skip) + 1} pages hung or crashed the worker (pages {pages}); document abandoned"
        else:
            why = f"{why} {_where(stage, page)}"
        job = task.job
        self.done[task.index] = failed_document(Path(job.path), why, job.source_uri, job.source_name, job.filename)

    def close(self) -> None:
        for worker in self.pool:
            worker.stop(kill=worker.task is not None)


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
