"""The worker side of the supervised processes (`python -m pipeline.worker_entry FD PID`).

Entry point: `serve(fd, parent_pid)`: documents in, heartbeats and results out over the socket
(`pipeline.workers.messages`), until told to stop or orphaned."""
from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline.model import Stage
from pipeline.ocr import use_threads
from pipeline.outputs import document_outputs
from pipeline.process import DocumentResult, process_document
from pipeline.workers.messages import Assign, Finished, Heartbeat, Ready, Setup, Threads, ToWorker

PR_SET_PDEATHSIG = 1  # prctl(2)


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
    setup: Setup = conn.recv()
    sys.path[:] = setup.sys_path  # `module:factory` OCR engines import here as they would in the run
    if setup.log_file:
        logging.basicConfig(filename=setup.log_file, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s[worker %(process)d]: %(message)s")
    use_threads(int(os.environ.get("JUESUAN_THREADS") or 0) or (os.cpu_count() or 1))
    conn.send(Ready())

    def take_share(threads: int) -> None:
        logging.getLogger("juesuan").info("OCR and OpenCV threads: %d", threads)
        use_threads(threads)

    def follow_share() -> None:
        """Between pages: the supervisor's word on this worker's share of the cores, if any."""
        try:
            while conn.poll():
                take_share(conn.recv().threads)  # only `Threads` comes while a document is in hand
        except (EOFError, OSError):  # the supervisor is gone: no one wants this document now
            os._exit(1)

    while True:
        try:
            message: ToWorker = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(message, Threads):
            take_share(message.threads)
        elif isinstance(message, Assign):
            result = _process(message, conn, follow_share)
            try:
                conn.send(Finished(message.index, result))
            except OSError:
                return
        else:
            return


def _process(task: Assign, conn: Connection, between_pages: Callable[[], None]) -> DocumentResult:
    """The document, with a heartbeat to the supervisor before each page, table and later stage."""
    def progress(stage: Stage, detail: int | None) -> None:
        conn.send(Heartbeat(task.index, stage, detail))
        between_pages()

    job = task.job
    result = process_document(Path(job.path), task.options, job.source_uri, job.source_name, job.filename,
                              skip_pages=task.skip, progress=progress, with_crops=job.with_outputs)
    if job.with_outputs:
        progress("outputs", None)
        result.outputs, result.views = document_outputs(result), []  # the crops are in the section now
    return result
