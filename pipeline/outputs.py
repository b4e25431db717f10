"""A run's outputs, written as the documents come: the warehouse in batches, then the JSONL
files in input order and the report site (report.html, the index, and report/<id>.html, a page
per document: pipeline.report).

Entry points: `document_outputs(result)`, a document's JSONL lines, report page and index row
(drawn in its worker, so that this work runs in parallel too), and `RunOutputs(out_dir,
warehouse)`: `add(index, result)` for each document as it is done, in any order, then
`finish()`. Nothing of a document is kept once it is added, besides counts and its index row
(a few scalars): its text waits in temporary files of the output folder (its page as
`report/.<id>.html.tmp`), its records in the next warehouse batch.

All or nothing for the files: `finish()` writes every file to a temporary first, fsyncs them,
and only then renames them, the document pages with them, over the previous run's; any failure
(a full disk) removes every temporary and leaves the previous files. Pages of the previous run
that this run does not link are removed once the renames are done. The warehouse, written in
batches during the run, is not rolled back: a failure raises `OutputError`, one line saying
which outputs are this run's and which the previous run's."""
from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pipeline import exit_codes
from pipeline.files import replace_all, write_synced
from pipeline.model import DocumentOutputs
from pipeline.process import DocumentResult
from pipeline.report import (
    INDEX_NAME,
    RUN_COUNTS,
    SITE_FOLDER,
    index_row,
    remove_other_pages,
    render_document,
    render_index,
    run_counts,
)
from pipeline.store import SCHEMA, Warehouse, jsonl_lines

log = logging.getLogger("juesuan")

EXIT_OUTPUT = exit_codes.OUTPUT  # the CLI's exit code: an output (files or warehouse) could not be written
EXIT_BUSY = exit_codes.BUSY  # ... the warehouse was held by another process past the lock timeout
# what a killed run leaves in --out: our temporaries, spools (where O_TMPFILE is missing) and
# `juesuan export`'s partial files; removed when the next run starts
STALE_PATTERNS = (".*.tmp", ".spool-*", ".export-*")

# A warehouse transaction costs a few statements per table whatever its size (DuckDB: about
# 60 ms for one document, 0.2 s for 48), so documents are stored in batches; a batch is
# written once it is this large or this old, and at the end (or when the run is interrupted)
STORE_BATCH_DOCUMENTS = 32
STORE_BATCH_ROWS = 50_000
STORE_BATCH_SECONDS = 5.0


def document_outputs(result: DocumentResult) -> DocumentOutputs:
    return DocumentOutputs({table: jsonl_lines(table, result.records[table]) for table in SCHEMA},
                           render_document(result.records, result.views), index_row(result.records))


class OutputError(Exception):
    """An output could not be written. One line (`str`) saying what is stale; `code` the exit code."""

    def __init__(self, message: str, code: int = EXIT_OUTPUT):
        super().__init__(message)
        self.code = code


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def first_cause(exc: BaseException) -> BaseException:
    """The error a chain started from: a failed write whose ROLLBACK then fails too (DuckDB on a
    full disk) is told by the write's error, not the rollback's."""
    seen = {id(exc)}
    while (cause := exc.__cause__ or exc.__context__) is not None and id(cause) not in seen:
        exc = cause
        seen.add(id(exc))
    return exc


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporaries a killed run left in `folder` (kill -9 runs no clean-up); the ones removed."""
    removed = []
    for pattern in STALE_PATTERNS:
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):  # a folder or a file gone meanwhile: not ours to fight
                path.unlink()
                removed.append(path)
    if removed:
        log.info("removed %d temporaries of an interrupted run: %s", len(removed), ", ".join(p.name for p in removed))
    return removed


class _Spool:
    """Texts by input index in a temporary file, until they are copied out in input order."""

    def __init__(self, folder: Path):
        # the spool lives as long as the run's outputs (closed by `close`), no `with` spans it
        self.file = tempfile.TemporaryFile(dir=folder, prefix=".spool-")  # noqa: SIM115
        self.where: dict[int, tuple[int, int]] = {}

    def add(self, index: int, text: str) -> None:
        data = text.encode("utf-8")
        self.where[index] = (self.file.tell(), len(data))
        self.file.write(data)

    def copy_in_order(self, target: BinaryIO, separator: bytes = b"") -> None:
        for index in sorted(self.where):
            offset, size = self.where[index]
            self.file.seek(offset)
            target.write(self.file.read(size) + separator)
        self.file.seek(0, 2)

    def close(self) -> None:
        self.file.close()


class RunOutputs:
    """The outputs of one run into `out_dir` and `warehouse` (see the module docstring)."""

    def __init__(self, out_dir: str | Path, warehouse: Warehouse, warehouse_url: str = "the warehouse"):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.site = self.out / SITE_FOLDER
        remove_stale_temporaries(self.out)
        if self.site.is_dir():
            remove_stale_temporaries(self.site)
        self.warehouse = warehouse
        self.warehouse_url = warehouse_url
        self.spools: dict[str, _Spool] = {}
        try:
            self.spools = {name: _Spool(self.out) for name in SCHEMA}
        except OSError as exc:
            self._close_spools()
            raise self._files_failed(exc) from exc
        self.counts: Counter[str] = Counter()
        self.index_rows: dict[int, dict] = {}  # by input index: what the index shows of a document
        self.pages: dict[Path, Path] = {}  # {temporary: target} of the document pages written so far
        self.batch: list[tuple[str, dict]] = []
        self.after_store: list[Callable[[], None]] = []
        self.batch_rows = 0
        self.batch_since = 0.0
        self.stored = 0  # documents of this run the warehouse holds
        self.store_failed = False

    def add(self, index: int, result: DocumentResult, after_store: Callable[[], None] | None = None) -> None:
        """`after_store`: called once the document's records are in the warehouse (a crawl marks
        its URL processed then, not before: a crash in between must not hide a lost document)."""
        outputs = result.outputs or document_outputs(result)
        row = outputs.index or index_row(result.records)
        try:
            for table, text in outputs.jsonl.items():
                self.spools[table].add(index, text)
            self._write_page(row["page"], outputs.html)
        except OSError as exc:  # the spools and pages live in --out: a full disk shows here first
            raise self._files_failed(exc) from exc
        self.counts.update(run_counts(result.records))
        self.index_rows[index] = row
        if not self.batch:
            self.batch_since = time.monotonic()
        self.batch.append((result.document_id, result.records))
        if after_store is not None:
            self.after_store.append(after_store)
        self.batch_rows += sum(len(rows) for rows in result.records.values())
        if (len(self.batch) >= STORE_BATCH_DOCUMENTS or self.batch_rows >= STORE_BATCH_ROWS
                or time.monotonic() - self.batch_since >= STORE_BATCH_SECONDS):
            self.store_batch()

    def store_batch(self) -> None:
        """The batch into the warehouse; `OutputError` (saying what it holds) when that fails."""
        if not self.batch:
            return
        try:
            self.warehouse.replace_documents(self.batch)
        except Exception as exc:  # DuckDB's IOException on a full disk, a lost server, a lock timeout
            self.store_failed = True  # no retry at close: the same write would fail the same way
            log.exception("storing %d documents in %s failed", len(self.batch), self.warehouse_url)
            raise self._warehouse_failed(exc) from exc
        self.stored += len(self.batch)
        self.batch, self.batch_rows = [], 0
        callbacks, self.after_store = self.after_store, []
        for callback in callbacks:
            callback()

    def finish(self) -> dict[str, int]:
        """Store the last batch, then write `<table>.jsonl`, report.html (the index) and the document
        pages all or none; the counts."""
        self.store_batch()
        written: dict[Path, Path] = {}
        try:
            for table in SCHEMA:
                tmp = self.out / f".{table}.jsonl.tmp"
                written[tmp] = self.out / f"{table}.jsonl"
                self._write(tmp, self.spools[table])
            index = self.out / f".{INDEX_NAME}.tmp"
            written[index] = self.out / INDEX_NAME
            rows = [self.index_rows[i] for i in sorted(self.index_rows)]
            self._write_text(index, render_index(self.counts, rows))
            # the pages first, the index last: a crash half-way leaves no index linking a missing page
            replace_all({**self.pages, **written})
        except OSError as exc:
            for tmp in [*written, *self.pages]:  # every temporary goes: the previous run's files stay, whole
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
            log.exception("writing the run's files in %s failed", self.out)
            raise self._files_failed(exc) from exc
        remove_other_pages(self.site, {target.name for target in self.pages.values()})
        self.pages = {}
        return {name: self.counts[name] for name in RUN_COUNTS}

    def _write_page(self, name: str, html: str) -> None:
        """A document's page, as a temporary in report/ until `finish`; a document given twice
        has one page."""
        target = self.site / name
        if target in self.pages.values():
            return
        self.site.mkdir(exist_ok=True)
        tmp = self.site / f".{name}.tmp"
        self.pages[tmp] = target
        self._write_text(tmp, html)

    @staticmethod
    def _write_text(tmp: Path, text: str) -> None:
        data = text.encode("utf-8")
        write_synced(tmp, lambda fh: fh.write(data))

    @staticmethod
    def _write(tmp: Path, spool: _Spool) -> None:
        write_synced(tmp, spool.copy_in_order)

    def _files_failed(self, exc: BaseException) -> OutputError:
        held = (f"the warehouse holds this run's {self.stored} documents stored so far" if getattr(self, "stored", 0)
                else "the warehouse holds none of this run's documents")
        return OutputError(f"could not write the run's files in {self.out}: {one_line(exc)}; "
                           f"its *.jsonl and report site are left as they were (the previous run's); {held}")

    def _warehouse_failed(self, exc: BaseException) -> OutputError:
        from pipeline.store import WarehouseBusy

        code = EXIT_BUSY if isinstance(exc, WarehouseBusy) else EXIT_OUTPUT
        why = one_line(exc) if code == EXIT_BUSY else one_line(first_cause(exc))
        return OutputError(f"could not write the warehouse {self.warehouse_url}: {why}; it holds "
                           f"{self.stored} documents of this run; the files in {self.out} are the previous run's",
                           code)

    def close(self) -> None:
        """Interrupted or done: what was done is stored (the batch, when the warehouse allows)."""
        if not self.store_failed:
            with contextlib.suppress(Exception):
                self.store_batch()
        self._close_spools()
        for tmp in self.pages:  # an unfinished run's pages: never renamed, not to be left behind
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        self.pages = {}

    def _close_spools(self) -> None:
        for spool in self.spools.values():
            with contextlib.suppress(OSError):
                spool.close()
