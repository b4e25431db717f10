"""The messages between a supervisor and its worker processes (pickled over a socket pair), and
the job they are about.

Entry points: `Job`; the supervisor sends `Setup` once, then `Threads`, `Assign` and `Stop`
(`ToWorker`); a worker answers `Ready` once, then `Heartbeat` and `Finished` (`FromWorker`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import Stage
from pipeline.process import DocumentResult, Options


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


@dataclass(frozen=True)
class Setup:
    """First message to a new worker: the caller's import path (`module:factory` OCR engines
    import there as in the run) and the run's log file."""

    sys_path: list[str]
    log_file: str | None


@dataclass(frozen=True)
class Threads:
    """The worker's share of the cores for OCR and OpenCV, from now on."""

    threads: int


@dataclass(frozen=True)
class Assign:
    """Process this document (`skip`: pages not to read again, and why)."""

    index: int
    job: Job
    options: Options
    skip: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Stop:
    """Finish: the worker exits."""


@dataclass(frozen=True)
class Ready:
    """The worker has imported the pipeline and waits for documents."""


@dataclass(frozen=True)
class Heartbeat:
    """The worker is at `stage` of document `index` (`detail`: the page or table number)."""

    index: int
    stage: Stage
    detail: int | None


@dataclass(frozen=True)
class Finished:
    """Document `index` is done."""

    index: int
    result: DocumentResult


ToWorker = Setup | Threads | Assign | Stop
FromWorker = Ready | Heartbeat | Finished
