"""Report: one self-contained report.html for a run (no network; every extracted string escaped).

Entry point: `write_report(path, records, views)`. Per run and per document: the counts,
then per table a PNG of the page region with the detected cells drawn over it beside the table
as extracted, its failed checks (expected against actual) and the repairs made to it. The PNGs
are drawn where the document was processed (`render_crops`, in its worker process), so the run
itself only assembles the page."""
from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from pipeline.model import TableView
from pipeline.report.crops import render_crops

MAX_ROWS = 80  # rows of an extracted table shown; the records hold them all
RUN_COUNTS = ("documents", "failed", "partial", "tables", "facts", "warnings", "errors")
REPORT_TAIL = "</body></html>"

_STYLE = """body{font-family:sans-serif;margin:2em;color:#222;max-width:1600px}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #bbb;padding:2px 5px;font-size:12px;vertical-align:top}
th{background:#eee}.warning{background:#fff3cd}.error{background:#f8d7da}.info{color:#555}.failed{color:#b00}
.card{display:flex;gap:1.5em;align-items:flex-start;border-top:1px solid #ccc;padding:.8em 0}
.card img{max-width:720px;border:1px solid #999}.grid td{white-space:pre-wrap;max-width:260px}
tr.flag td{background:#fff3cd}h3{margin:.2em 0}.meta{color:#555;font-size:13px}"""


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list], row_class=None, cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        css = row_class(i) if row_class else ""
        body.append(f"<tr class='{_e(css)}'>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>")
    return f"<table class='{cls}'><tr>{head}</tr>{''.join(body)}</table>"


def _findings_html(findings: list[dict]) -> str:
    if not findings:
        return "<p class='meta'>no findings</p>"
    rows = [[f["severity"], f["check"], f["message"], f["row_label"], f["column"], f["expected"], f["actual"]]
            for f in findings]
    return _table(["severity", "check", "message", "row", "column", "expected", "actual"], rows,
                  row_class=lambda i: findings[i]["severity"])


def _table_card(table: dict, view: TableView | None, findings: list[dict], facts: int) -> str:
    title = f"#{table['table_id']} {table['table_key']} — {table['title'] or '(untitled)'}"
    meta = (f"pages {table['page_start']}–{table['page_end']} · unit {table['unit']} · source {table['source']} · "
            f"{table['n_rows']}×{table['n_cols']} · {facts} facts · quality {table['quality']}")
    image = view.image if view and table["source"] != "text" else None
    picture = (f"<img alt='page {table['page_start']} region' src='data:image/png;base64,{image}'>" if image
               else "<p class='meta'>no page image (text dump)</p>" if table["source"] == "text"
               else "<p class='meta'>no page image</p>")
    flagged = {f["row_label"] for f in findings if f["severity"] != "info" and f["row_label"]}
    grid_html = ""
    if view:
        rows = view.grid[:MAX_ROWS]
        more = len(view.grid) - len(rows)
        row_class = (lambda i: "flag" if any(l and l in "".join(rows[i]) for l in flagged) else "")
        grid_html = _table([str(c + 1) for c in range(len(rows[0]) if rows else 0)], rows, row_class, "grid")
        if more > 0:
            grid_html += f"<p class='meta'>… {more} more rows</p>"
    return (f"<div class='card' id='t{table['table_id']}' data-table-key='{_e(table['table_key'])}'>"
            f"<div>{picture}</div><div><h3>{_e(title)}</h3><p class='meta'>{_e(meta)}</p>"
            f"{_findings_html(findings)}{grid_html}</div></div>")


def report_head(counts: dict[str, int]) -> str:
    """The page up to the first document: the run's counts (`RUN_COUNTS` keys)."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>juesuan report</title><style>{_STYLE}</style>"
            "</head><body>\n<h1>juesuan run report</h1>\n" + _table(list(RUN_COUNTS), [[counts[k] for k in RUN_COUNTS]]))


def run_counts(records: dict[str, list[dict]]) -> dict[str, int]:
    """The counts of `records` (one document's or a run's) under the `RUN_COUNTS` names."""
    statuses = Counter(d["status"] for d in records["documents"])
    severities = Counter(f["severity"] for f in records["quality_log"])
    return {"documents": len(records["documents"]), "failed": statuses["failed"], "partial": statuses["partial"],
            "tables": len(records["tables"]), "facts": len(records["fiscal_facts"]),
            "warnings": severities["warning"], "errors": severities["error"]}


def render_document(records: dict[str, list[dict]], views: list[TableView]) -> str:
    """One document's section: `records` are that document's alone."""
    doc = records["documents"][0]
    facts_by_table = Counter(f["table_id"] for f in records["fiscal_facts"])
    findings = defaultdict(list)
    for f in records["quality_log"]:
        findings[f["table_id"]].append(f)
    by_id = {v.table_id: v for v in views}
    tables = records["tables"]
    parts = [f"<section class='document' id='d{doc['document_id'][:12]}'><h2 class='{_e(doc['status'])}'>{_e(doc['filename'])}</h2>",
             _table(["department", "year", "pages", "status", "quality", "tables", "error"],
                    [[doc["department"], doc["year"], doc["pages"], doc["status"], doc.get("quality"),
                      len(tables), doc["error"]]]),
             _findings_html(findings[None])]
    for table in tables:
        tid = table["table_id"]
        parts.append(_table_card(table, by_id.get(tid), findings[tid], facts_by_table[tid]))
    parts.append("</section>")
    return "\n".join(parts)


def render_report(records: dict[str, list[dict]], views: dict[str, list[TableView]]) -> str:
    """The whole page for a run's records, documents in the order of `records["documents"]`."""
    by_document: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name, rows in records.items():
        for row in rows:
            by_document[row["document_id"]][name].append(row)
    sections = [render_document(by_document[d["document_id"]], views.get(d["document_id"], []))
                for d in records["documents"]]
    return "\n".join([report_head(run_counts(records)), *sections, REPORT_TAIL])


def write_report(path: Path, records: dict[str, list[dict]], views: dict[str, list[TableView]] | None = None) -> None:
    """`views`: each document's table views (with their crops), by document_id."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(records, views or {}), encoding="utf-8")


__all__ = ["REPORT_TAIL", "RUN_COUNTS", "render_crops", "render_document", "render_report", "report_head",
           "run_counts", "write_report"]
