"""A run over files and folders: process each document, store, report.

Entry point: `run_inputs(inputs, out_dir, warehouse_url, options, workers)`. Documents are
independent: one that fails is recorded as failed and the others go on. Each is processed in a
watched worker process (`pipeline.workers`); this process only stores and reports."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pipeline.interrupts import InterruptGuard
from pipeline.outputs import OutputError, RunOutputs, one_line
from pipeline.process import PDF_SUFFIXES, TEXT_SUFFIXES, DocumentResult, Options, process_document
from pipeline.store import Warehouse, default_warehouse_url, open_warehouse
from pipeline.workers import DocumentPool, Job, document_pool

INPUT_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES

OnDocument = Callable[[int, int | None, DocumentResult], None]  # (done, total, result) as each is stored
Results = Iterable[tuple[int, DocumentResult]]  # (input index, result), in any order


class UsageError(Exception):
    pass


@dataclass
class RunSummary:
    documents: int
    failed: int
    partial: int
    tables: int
    facts: int
    warnings: int
    errors: int
    # the warehouse's totals after the run: it accumulates every run, the JSONL files hold this one
    warehouse: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # a line per failed or partial document, input order

    def line(self) -> str:
        run = (f"documents: {self.documents} ({self.failed} failed, {self.partial} partial)  tables: {self.tables}  "
               f"facts: {self.facts}  warnings: {self.warnings}  errors: {self.errors}")
        lines = [run]
        if self.warehouse:
            lines.append("warehouse (all runs): " + "  ".join(f"{name}: {n}" for name, n in self.warehouse.items()))
        return "\n".join(lines + self.problems)


def problem_line(result: DocumentResult) -> str | None:
    """`failed  FILE: error` / `partial  FILE: its first error finding`, or None for a done one."""
    doc = result.document
    if doc["status"] == "done":
        return None
    why = doc["error"] or next((f["message"] for f in result.records["quality_log"] if f["severity"] == "error"), "")
    return f"{doc['status']}  {doc['source_uri'] or doc['filename']}: {' '.join(str(why).split())}"


WAREHOUSE_COUNTS = {"documents": "documents", "tables": "tables", "facts": "fiscal_facts"}


def warehouse_totals(warehouse: Warehouse) -> dict[str, int]:
    """Rows the warehouse holds now, from every run into it."""
    # one statement: each is a connection to open (a DuckDB file is opened for each operation)
    counts = ", ".join(f'(SELECT count(*) FROM "{table}") AS "{name}"' for name, table in WAREHOUSE_COUNTS.items())
    row = warehouse.query(f"SELECT {counts}")[0]
    return {name: int(row[name]) for name in WAREHOUSE_COUNTS}


def collect_inputs(inputs: list[str]) -> list[Path]:
    """Files as given, folders searched recursively for PDFs and text dumps, in a stable order."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {item}")
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def process_all(files: list[Path], options: Options, workers: int = 1, dask: str | None = None) -> Results:
    """(index in `files`, result) as each document is done: in `workers` supervised worker
    processes, on the Dask cluster at `dask`, or with `workers=0` in this process (no isolation
    and no time limit: for debugging and profiling)."""
    if workers == 0 and not dask:
        return ((i, process_document(f, options, with_crops=True)) for i, f in enumerate(files))
    return StartedResults(document_pool(options, workers, dask), [Job(str(f)) for f in files])


class StartedResults:
    """`results_of(pool, jobs)`, but the jobs are submitted at once: the workers start (a fresh
    interpreter importing the pipeline, about a second) while this process still opens the
    warehouse and imports what it stores with, not after. Iterate for (index, result) pairs as
    each document is done; the pool is closed when they are all taken, or by `close()` (also
    before the first result, when the warehouse could not be opened)."""

    def __init__(self, pool: DocumentPool, jobs: list[Job]):
        self.pool, self.pool_closed = pool, False
        try:
            pool.submit(jobs)
        except BaseException:
            self._close_pool()
            raise
        self.results = self._results(len(jobs))

    def _results(self, left: int) -> Generator[tuple[int, DocumentResult], None, None]:
        try:
            while left:
                for done in self.pool.completed():
                    left -= 1
                    yield done
        finally:
            self._close_pool()

    def __iter__(self) -> Iterator[tuple[int, DocumentResult]]:
        return self.results

    def __next__(self) -> tuple[int, DocumentResult]:
        return next(self.results)

    def close(self) -> None:
        self.results.close()
        self._close_pool()  # a generator never started runs no `finally`

    def _close_pool(self) -> None:
        if not self.pool_closed:
            self.pool_closed = True
            self.pool.close()


def run_inputs(inputs: list[str], out_dir: str | Path = "out", warehouse_url: str | None = None,
               options: Options | None = None, workers: int = 1, on_document: OnDocument | None = None,
               dask: str | None = None) -> RunSummary:
    """`on_document(done, total, result)`: called as each document is done (progress lines);
    `dask`: a running Dask scheduler's address (`tcp://host:8786`) to process the documents on."""
    options = options or Options()
    files = collect_inputs(inputs)
    results = process_all(files, options, workers, dask)  # the workers start now
    try:
        return store_results(results, out_dir, warehouse_url, on_document, len(files))
    finally:
        _stop(results)  # the warehouse failed to open: no worker is left behind


class RunInterrupted(Exception):
    """Ctrl-C (SIGINT) or SIGTERM stopped the run; the documents finished before it are in the
    warehouse, the JSONL files and the report (`summary`)."""

    def __init__(self, summary: RunSummary, signal_name: str, total: int | None):
        super().__init__(f"interrupted by {signal_name} after {summary.documents} of {total or '?'} documents; "
                         "the finished ones are written (JSONL, report, warehouse)")
        self.summary = summary


def store_results(results: Results, out_dir: str | Path = "out", warehouse_url: str | None = None,
                  on_document: OnDocument | None = None, total: int | None = None,
                  after_store: Callable[[int], None] | None = None) -> RunSummary:
    """`results`: (input index, DocumentResult) pairs in any order. Documents go into the
    warehouse as they come (in batches); the run's JSONL and report list them in input order.
    `after_store(index)`: called once that document's records are in the warehouse."""
    out = Path(out_dir)
    url = warehouse_url or default_warehouse_url(out)
    warehouse = open_run_warehouse(url)
    try:
        # after the warehouse is ours: a run still holding it may still be writing its temporaries
        outputs = RunOutputs(out, warehouse, url)
    except BaseException:
        warehouse.close()
        raise
    problems: dict[int, str] = {}
    guard = InterruptGuard()
    try:
        with guard.installed():
            try:
                for done, (index, result) in enumerate(results, start=1):
                    with guard.shield():  # a document is written whole or not at all
                        outputs.add(index, result, None if after_store is None else partial(after_store, index))
                        if (line := problem_line(result)) is not None:
                            problems[index] = line
                        if on_document is not None:
                            on_document(done, total, result)
            except KeyboardInterrupt:
                guard.requested = guard.requested or "KeyboardInterrupt"
                _stop(results)  # the workers stop now; what they finished is written below
            with guard.shield(reraise=False):
                counts = outputs.finish()
                totals = warehouse_totals(warehouse)
    except BaseException:
        _stop(results)
        outputs.close()
        with contextlib.suppress(Exception):  # the first failure is the one to tell
            warehouse.close()
        raise
    outputs.close()
    close_warehouse(warehouse, url)
    summary = RunSummary(**counts, warehouse=totals, problems=[problems[i] for i in sorted(problems)])
    if guard.requested:
        raise RunInterrupted(summary, guard.requested, total)
    return summary


def _stop(results: Results) -> None:
    """The workers stop now, not when the generator is collected."""
    stop = getattr(results, "close", None)
    if stop:
        with contextlib.suppress(Exception):
            stop()


def open_run_warehouse(url: str) -> Warehouse:
    """The warehouse; `OutputError` when it cannot be created or opened (a full disk),
    `UsageError` for a URL we do not know, `WarehouseBusy` as the store raises it."""
    from pipeline.store import StoreError

    try:
        return open_warehouse(url)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    except StoreError:
        raise
    except Exception as exc:  # duckdb.IOException, OSError, a database refusing: nothing was written
        raise OutputError(f"could not open the warehouse {url}: {one_line(exc)}; nothing of this run was written") from exc


def close_warehouse(warehouse: Warehouse, url: str) -> None:
    """A close that fails (DuckDB checkpointing onto a full disk) is told like a failed write."""
    try:
        warehouse.close()
    except Exception as exc:
        raise OutputError(f"could not close the warehouse {url}: {one_line(exc)}") from exc
