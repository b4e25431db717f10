"""The supervisor's side: a pool of watched worker processes (see `pipeline.workers`).

Entry point: `WorkerPool(options, workers)`: `submit` jobs, take `completed` results, `close`."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Literal

import psutil

from pipeline.model import Stage
from pipeline.process import DocumentResult, Options, failed_document
from pipeline.workers.messages import Assign, FromWorker, Heartbeat, Job, Ready, Setup, Stop, Threads

POLL = 0.25  # s between checks of the workers' clocks and memory
MAX_SKIPPED_PAGES = 3  # pages of one document that may hang or crash a worker before it is given up
RECYCLE_AFTER = 200  # documents a worker serves before a fresh one takes over
RECYCLE_SHARE = 0.5  # ... or once, between documents, its memory passes this share of the cap
STARTUP_TIMEOUT = 60.0  # s a new worker may take to import the pipeline (a busy machine is slow)

# where a worker is: the stage of its last heartbeat and its detail (a page or table number)
Where = tuple[Stage | Literal["start"], int | None]


@dataclass
class _Task:
    index: int
    job: Job
    skip: dict[int, str] = field(default_factory=dict)  # pages not to read again, and why


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
        try:
            # without a log file the worker writes where we do; the child keeps its own descriptor
            with open(log_file, "ab") if log_file else contextlib.nullcontext() as sink:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "pipeline.worker_entry", str(theirs.fileno()), str(os.getpid())],
                    pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
                    env=dict(os.environ, JUESUAN_THREADS=str(threads)),
                    start_new_session=True)  # Ctrl-C reaches the supervisor, which stops the workers
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.conn.send(Setup(list(sys.path), log_file))
        self.task: _Task | None = None
        self.where: Where = ("start", None)
        self.heard = time.monotonic()
        self.ready = False  # until its hello: the interpreter is still importing
        self.weighed = 0.0  # when its memory was last read
        self.served = 0
        self.threads = threads  # its share of the cores, as last told

    def tell_threads(self, threads: int) -> None:
        if threads != self.threads:
            try:
                self.conn.send(Threads(threads))
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
        self.conn.send(Assign(task.index, task.job, options, task.skip))

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
            message: FromWorker = self.conn.recv()
            self.heard = time.monotonic()
            if isinstance(message, Ready):
                self.ready = True
            elif isinstance(message, Heartbeat):
                self.where = (message.stage, message.detail)
            else:
                self.task = None
                self.served += 1
                return message.index, message.result
        return None

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(Stop())
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


def _where(stage: str, detail: int | None) -> str:
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

    def __exit__(self, *exc: object) -> None:
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
            if problem and worker.task is not None:
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

    def retry_or_fail(self, task: _Task, where: Where, why: str) -> None:
        """Stuck on a page: that page is skipped and the document processed again (first, before
        anything else). Stuck elsewhere, or on too many pages: the document fails."""
        stage, page = where
        if stage == "page" and page is not None and len(task.skip) < MAX_SKIPPED_PAGES:
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
