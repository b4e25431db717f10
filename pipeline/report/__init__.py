"""Report: a self-contained report.html of a run (no network; every extracted string escaped).

Entry point: `write_report(path, records)`."""
from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

_STYLE = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #bbb;padding:2px 6px;font-size:13px}th{background:#eee}.warning{background:#fff3cd}
.error{background:#f8d7da}.failed{color:#b00}section{margin-bottom:2em}"""


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list], row_class=None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_class(i)}"' if row_class and row_class(i) else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_report(records: dict[str, list[dict]]) -> str:
    docs = records["documents"]
    facts_by_table = Counter((f["document_id"], f["table_id"]) for f in records["fiscal_facts"])
    log = records["quality_log"]
    severities = Counter(f["severity"] for f in log)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>juesuan report</title><style>{_STYLE}</style></head><body>",
             "<h1>juesuan run report</h1>",
             _table(["documents", "failed", "tables", "facts", "warnings", "errors"],
                    [[len(docs), sum(d["status"] == "failed" for d in docs), len(records["tables"]),
                      len(records["fiscal_facts"]), severities["warning"], severities["error"]]])]
    for doc in docs:
        did = doc["document_id"]
        parts.append(f"<section><h2 class='{_e(doc['status'])}'>{_e(doc['filename'])}</h2>")
        parts.append(_table(["department", "year", "pages", "status", "error"],
                            [[doc["department"], doc["year"], doc["pages"], doc["status"], doc["error"]]]))
        tables = [t for t in records["tables"] if t["document_id"] == did]
        parts.append(_table(["#", "table_key", "title", "pages", "unit", "source", "rows×cols", "facts", "quality"],
                            [[t["table_id"], t["table_key"], t["title"], f"{t['page_start']}–{t['page_end']}", t["unit"],
                              t["source"], f"{t['n_rows']}×{t['n_cols']}", facts_by_table[(did, t["table_id"])], t["quality"]]
                             for t in tables]))
        findings = [f for f in log if f["document_id"] == did]
        if findings:
            parts.append(_table(["severity", "table", "page", "check", "message", "expected", "actual"],
                                [[f["severity"], f["table_id"], f["page"], f["check"], f["message"], f["expected"], f["actual"]]
                                 for f in findings], row_class=lambda i: findings[i]["severity"]))
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path: Path, records: dict[str, list[dict]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(records), encoding="utf-8")
