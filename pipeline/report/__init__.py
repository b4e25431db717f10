"""Report: a small static site for a run (no network, no script; every extracted string escaped).

`report.html` is the index: the run's counts and a row per document (kind, status, quality,
warnings, links); `report/<document_id[:16]>.html` is a document's page: per table its page
crops (every page it spans, detected cells in red) beside the table as extracted, its failed
checks (expected against actual) with the rows they are about highlighted, its repairs and the
records it produced. The crops and the page are drawn where the document was processed
(`render_crops`, `render_document`, in its worker), so the run only keeps an index row per
document (`index_row`) and writes the index at the end (`render_index`).

Entry points: `render_document(records, views)`, `index_row(records)`, `render_index(counts,
rows)`; `pipeline.outputs.RunOutputs` writes a run's site all or nothing (a crawl's too)."""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

from pipeline.report.crops import render_crops
from pipeline.report.page import INDEX_NAME, SITE_FOLDER, page_name, render_document
from pipeline.report.site import RUN_COUNTS, index_row, render_index, run_counts

PAGE_FILE = re.compile(r"^[0-9a-f]{16}\.html$")  # a document page's name: what a new site may remove


def remove_other_pages(folder: Path, keep: set[str]) -> None:
    """Document pages of an earlier site that this one does not link (only names we write)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if PAGE_FILE.match(path.name) and path.name not in keep:
            with contextlib.suppress(OSError):
                path.unlink()


__all__ = ["INDEX_NAME", "PAGE_FILE", "RUN_COUNTS", "SITE_FOLDER", "index_row", "page_name",
           "remove_other_pages", "render_crops", "render_document", "render_index", "run_counts"]
