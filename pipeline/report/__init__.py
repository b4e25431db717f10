"""Report: a small static site for a run (no network, no script; every extracted string escaped).

`report.html` is the index: the run's counts and a row per document (kind, status, quality,
warnings, links); `report/<document_id[:16]>.html` is a document's page: per table its page
crops (every page it spans, detected cells in red) beside the table as extracted, its failed
checks (expected against actual) with the rows they are about highlighted, its repairs and the
records it produced. The crops and the page are drawn where the document was processed
(`render_crops`, `render_document`, in its worker), so the run only keeps an index row per
document (`index_row`) and writes the index at the end (`render_index`).

Entry points: `render_document(records, views)`, `index_row(records)`, `render_index(counts,
rows)`; `pipeline.outputs.RunOutputs` writes a run's site all or nothing. `write_report(path,
records, views)` writes the site of records at hand in one go (a crawl's)."""
from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from pathlib import Path

from pipeline.model import TableView
from pipeline.report.crops import render_crops
from pipeline.report.page import INDEX_NAME, SITE_FOLDER, page_name, render_document
from pipeline.report.site import RUN_COUNTS, index_row, render_index, run_counts, summarise

PAGE_FILE = re.compile(r"^[0-9a-f]{16}\.html$")  # a document page's name: what a new site may remove


def by_document(records: dict[str, list[dict]]) -> list[dict[str, list[dict]]]:
    """`records` of many documents split per document, in the order of `records["documents"]`."""
    split: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in records.items():
        for row in rows:
            split[row["document_id"]][name].append(row)
    return [split[d["document_id"]] for d in records["documents"]]


def remove_other_pages(folder: Path, keep: set[str]) -> None:
    """Document pages of an earlier site that this one does not link (only names we write)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if PAGE_FILE.match(path.name) and path.name not in keep:
            with contextlib.suppress(OSError):
                path.unlink()


def write_report(path: Path, records: dict[str, list[dict]], views: dict[str, list[TableView]] | None = None) -> None:
    """The site of `records` (many documents): `path` the index, its pages in `path`'s folder's
    `report/`. `views`: each document's table views (with their crops), by document_id. Each
    file is renamed into place whole, the index last, so that its links always resolve."""
    path = Path(path)
    folder = path.parent / SITE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    documents = by_document(records)
    rows = []
    for doc in documents:
        row = index_row(doc)
        _write_whole(folder / row["page"], render_document(doc, (views or {}).get(row["document_id"], [])))
        rows.append(row)
    _write_whole(path, render_index(summarise(rows), rows))
    remove_other_pages(folder, {r["page"] for r in rows})


def _write_whole(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["INDEX_NAME", "PAGE_FILE", "RUN_COUNTS", "SITE_FOLDER", "by_document", "index_row", "page_name",
           "remove_other_pages", "render_crops", "render_document", "render_index", "run_counts", "write_report"]
