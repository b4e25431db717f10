"""The report site's index: the run's counts and one row per document, linking to its page.

Entry points: `index_row(records)`, a document's row (a few scalars: what the run keeps of a
document for the index, computed in its worker), and `render_index(counts, rows)`, the index
page (`report.html`) from the rows in input order. The index holds no table and no image, so
that it stays small (about 0.6 KB a document) and opens at once for hundreds of documents."""
from __future__ import annotations

from collections import Counter

from pipeline.report.html import e, page_html, table
from pipeline.report.page import PERF_TABLES, SITE_FOLDER, index_anchor, page_name, table_anchor

RUN_COUNTS = ("documents", "failed", "partial", "tables", "facts", "warnings", "errors")
MAX_FLAGGED = 12  # tables with warnings or errors linked from a document's index row
MAX_ERROR = 240  # characters of a failed document's error shown in the index
INDEX_COLUMNS = ("#", "file", "kind", "department", "year", "status", "quality", "warnings", "errors", "tables",
                 "facts", "perf records", "tables with findings", "error")


def run_counts(records: dict[str, list[dict]]) -> dict[str, int]:
    """The counts of `records` (one document's or a run's) under the `RUN_COUNTS` names."""
    statuses = Counter(d["status"] for d in records["documents"])
    severities = Counter(f["severity"] for f in records["quality_log"])
    return {"documents": len(records["documents"]), "failed": statuses["failed"], "partial": statuses["partial"],
            "tables": len(records["tables"]), "facts": len(records["fiscal_facts"]),
            "warnings": severities["warning"], "errors": severities["error"]}


def index_row(records: dict[str, list[dict]]) -> dict:
    """One document's row of the index (its records are that document's alone)."""
    doc = records["documents"][0]
    counts = run_counts(records)
    worst: dict[int, str] = {}
    for f in records["quality_log"]:
        if f["table_id"] is not None and f["severity"] in ("warning", "error"):
            worst[f["table_id"]] = "error" if "error" in (f["severity"], worst.get(f["table_id"])) else "warning"
    keys = {t["table_id"]: t["table_key"] for t in records["tables"]}
    error = " ".join(str(doc["error"]).split())[:MAX_ERROR] if doc["error"] else None
    return {"document_id": doc["document_id"], "page": page_name(doc["document_id"]), "filename": doc["filename"],
            "kind": doc.get("kind"), "department": doc["department"], "year": doc["year"], "status": doc["status"],
            "quality": doc.get("quality"), "warnings": counts["warnings"], "errors": counts["errors"],
            "tables": counts["tables"], "facts": counts["facts"],
            "perf": sum(len(records.get(name, [])) for name in PERF_TABLES), "error": error,
            "flagged": [(tid, keys.get(tid), sev) for tid, sev in sorted(worst.items())][:MAX_FLAGGED],
            "more_flagged": max(0, len(worst) - MAX_FLAGGED)}


def _row_html(n: int, row: dict, anchor: str) -> str:
    href = f"{SITE_FOLDER}/{row['page']}"
    links = " ".join(f"<a class='{e(sev)}' href='{e(href)}#{table_anchor(tid)}'>#{e(tid)} {e(key)}</a>"
                     for tid, key, sev in row["flagged"])
    if row.get("more_flagged"):
        links += f" <span class='meta'>+{row['more_flagged']}</span>"
    quality = "" if row["quality"] is None else f"{row['quality']:.3f}"
    cells = [str(n), f"<a href='{e(href)}'>{e(row['filename'])}</a>", e(row["kind"]), e(row["department"]),
             e(row["year"]), e(row["status"]), quality, e(row["warnings"]), e(row["errors"]), e(row["tables"]),
             e(row["facts"]), e(row["perf"]), links, e(row["error"])]
    classes = ["", "file", "", "", "", "", "num", "num", "num", "num", "num", "num", "", "why"]
    tds = "".join(f"<td class='{c}'>{v}</td>" if c else f"<td>{v}</td>" for c, v in zip(classes, cells))
    return f"<tr id='{anchor}' class='{e(row['status'])}'>{tds}</tr>"


def render_index(counts: dict[str, int], rows: list[dict]) -> str:
    """The index page: `counts` under the `RUN_COUNTS` names, `rows` (from `index_row`) in input
    order. A document given twice shares its page; its second row gets an anchor of its own."""
    seen: Counter[str] = Counter()
    lines = []
    for n, row in enumerate(rows, start=1):
        anchor = index_anchor(row["document_id"])
        seen[anchor] += 1
        lines.append(_row_html(n, row, anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"))
    head = "".join(f"<th>{e(h)}</th>" for h in INDEX_COLUMNS)
    body = ["<h1>juesuan run report</h1>", table(list(RUN_COUNTS), [[counts.get(k, 0) for k in RUN_COUNTS]]),
            "<p class='meta'>One page per document: its tables beside their page images, with the findings. "
            "Links under “tables with findings” open a table with warnings or errors.</p>",
            f"<table class='index'><tr>{head}</tr>\n" + "\n".join(lines) + "\n</table>"]
    return page_html("juesuan run report", "\n".join(body))
