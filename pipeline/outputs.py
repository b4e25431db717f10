"""A run's outputs, written as the documents come: the warehouse in batches, then the JSONL
files and report.html in input order.

Entry points: `document_outputs(result)`, a document's JSONL lines and report section (drawn in
its worker, so that this work runs in parallel too), and `RunOutputs(out_dir, warehouse)`:
`add(index, result)` for each document as it is done, in any order, then `finish()`. Nothing of
a document is kept once it is added, besides counts: its text waits in temporary files of the
output folder, its records in the next warehouse batch."""
from __future__ import annotations

import contextlib
import tempfile
import time
from collections import Counter
from pathlib import Path

from pipeline.model import DocumentOutputs
from pipeline.process import DocumentResult
from pipeline.report import REPORT_TAIL, RUN_COUNTS, render_document, report_head, run_counts
from pipeline.store import SCHEMA, Warehouse, jsonl_lines

# A warehouse transaction costs a few statements per table whatever its size (DuckDB: about
# 60 ms for one document, 0.2 s for 48), so documents are stored in batches; a batch is
# written once it is this large or this old, and at the end (or when the run is interrupted)
STORE_BATCH_DOCUMENTS = 32
STORE_BATCH_ROWS = 50_000
STORE_BATCH_SECONDS = 5.0


def document_outputs(result: DocumentResult) -> DocumentOutputs:
    return DocumentOutputs({table: jsonl_lines(table, result.records[table]) for table in SCHEMA},
                           render_document(result.records, result.views))


class _Spool:
    """Texts by input index in a temporary file, until they are copied out in input order."""

    def __init__(self, folder: Path):
        self.file = tempfile.TemporaryFile(dir=folder, prefix=".spool-")
        self.where: dict[int, tuple[int, int]] = {}

    def add(self, index: int, text: str) -> None:
        data = text.encode("utf-8")
        self.where[index] = (self.file.tell(), len(data))
        self.file.write(data)

    def copy_in_order(self, target, separator: bytes = b"") -> None:
        for index in sorted(self.where):
            offset, size = self.where[index]
            self.file.seek(offset)
            target.write(self.file.read(size) + separator)
        self.file.seek(0, 2)

    def close(self) -> None:
        self.file.close()


class RunOutputs:
    """The outputs of one run into `out_dir` and `warehouse` (see the module docstring)."""

    def __init__(self, out_dir: str | Path, warehouse: Warehouse):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.warehouse = warehouse
        self.spools = {name: _Spool(self.out) for name in [*SCHEMA, "report"]}
        self.counts: Counter[str] = Counter()
        self.batch: list[tuple[str, dict]] = []
        self.batch_rows = 0
        self.batch_since = 0.0

    def add(self, index: int, result: DocumentResult) -> None:
        outputs = result.outputs or document_outputs(result)
        for table, text in outputs.jsonl.items():
            self.spools[table].add(index, text)
        self.spools["report"].add(index, outputs.html)
        self.counts.update(run_counts(result.records))
        if not self.batch:
            self.batch_since = time.monotonic()
        self.batch.append((result.document_id, result.records))
        self.batch_rows += sum(len(rows) for rows in result.records.values())
        if (len(self.batch) >= STORE_BATCH_DOCUMENTS or self.batch_rows >= STORE_BATCH_ROWS
                or time.monotonic() - self.batch_since >= STORE_BATCH_SECONDS):
            self.store_batch()

    def store_batch(self) -> None:
        if self.batch:
            self.warehouse.replace_documents(self.batch)
        self.batch, self.batch_rows = [], 0

    def finish(self) -> dict[str, int]:
        """Store the last batch, write `<table>.jsonl` and report.html (each atomically); the counts."""
        self.store_batch()
        for table in SCHEMA:
            self._write(f"{table}.jsonl", self.spools[table])
        head = report_head(self.counts).encode("utf-8") + b"\n"
        self._write("report.html", self.spools["report"], head, REPORT_TAIL.encode("utf-8"), b"\n")
        return {name: self.counts[name] for name in RUN_COUNTS}

    def _write(self, name: str, spool: _Spool, head: bytes = b"", tail: bytes = b"", separator: bytes = b"") -> None:
        tmp = self.out / f".{name}.tmp"
        with tmp.open("wb") as fh:
            fh.write(head)
            spool.copy_in_order(fh, separator)
            fh.write(tail)
        tmp.replace(self.out / name)

    def close(self) -> None:
        """Interrupted or done: what was done is stored (the batch, when the warehouse allows)."""
        with contextlib.suppress(Exception):
            self.store_batch()
        for spool in self.spools.values():
            spool.close()
