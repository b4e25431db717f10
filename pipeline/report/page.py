"""One document's page of the report site: its tables, each beside its page crops, with its
findings and the rows they are about highlighted.

Entry point: `render_document(records, views)` → the whole page (`report/<page_name>`), drawn
where the document was processed (its worker). Ids are unique within the page: `t<table_id>`
for a table's card, `t<table_id>r<row>` for a highlighted row of its grid."""
from __future__ import annotations

from collections import Counter, defaultdict

from pipeline.model import TableView
from pipeline.report.html import e, page_html, table
from pipeline.report.rows import finding_rows

MAX_ROWS = 80  # rows of an extracted table shown; the records hold them all
SITE_FOLDER = "report"  # the document pages' folder, beside the index
INDEX_NAME = "report.html"
# what a table produced, as its card counts it (the 绩效 records by their record table's name)
RECORD_NAMES = {"fiscal_facts": "facts", "perf_projects": "perf_projects", "perf_funds": "perf_funds",
                "perf_indicators": "perf_indicators"}
PERF_TABLES = ("perf_projects", "perf_funds", "perf_indicators")


def page_name(document_id: str) -> str:
    return f"{document_id[:16]}.html"


def index_anchor(document_id: str) -> str:
    return f"d{document_id[:16]}"


def table_anchor(table_id: int | None) -> str:
    return f"t{table_id}"


def row_anchor(table_id: int | None, row: int) -> str:
    return f"t{table_id}r{row}"


def record_counts(produced: dict[str, list[dict]]) -> str:
    """`42 facts`, `1 perf_projects · 4 perf_funds · 8 perf_indicators`; `0 facts` for none."""
    parts = [f"{len(produced[name])} {label}" for name, label in RECORD_NAMES.items() if produced.get(name)]
    return " · ".join(parts) or "0 facts"


def _findings_html(findings: list[dict], rows_of: dict[int, set[int]], table_id: int | None = None) -> str:
    """The findings, worst first as recorded; a finding's row label links to its highlighted row."""
    if not findings:
        return "<p class='meta'>no findings</p>"
    head = "".join(f"<th>{h}</th>" for h in ("severity", "check", "message", "row", "column", "expected", "actual"))
    body = []
    for i, f in enumerate(findings):
        shown = sorted(r for r in rows_of.get(i, ()) if r < MAX_ROWS)
        label = e(f["row_label"])
        if shown and table_id is not None:
            label = f"<a href='#{row_anchor(table_id, shown[0])}'>{label or 'row'}</a>"
        cells = [e(f["severity"]), e(f["check"]), e(f["message"]), label, e(f["column"]), e(f["expected"]),
                 e(f["actual"])]
        body.append(f"<tr class='{e(f['severity'])}'>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _pictures(table_: dict, view: TableView | None) -> str:
    if table_["source"] == "text":
        return "<p class='meta'>no page image (text dump)</p>"
    if view is None or not view.regions:
        return "<p class='meta'>no page image</p>"
    figures = []
    for region in view.regions:
        if region.image:
            figures.append(f"<figure><img loading='lazy' alt='table {e(table_['table_id'])}, page {region.page}' "
                           f"src='data:image/jpeg;base64,{region.image}'>"
                           f"<figcaption>page {region.page}</figcaption></figure>")
        else:
            figures.append(f"<p class='meta'>page {region.page}: no image</p>")
    return f"<div class='pics'>{''.join(figures)}</div>"


def _grid_html(table_id: int | None, view: TableView, flagged: dict[int, str]) -> str:
    rows = view.grid[:MAX_ROWS]
    width = max((len(r) for r in rows), default=0)

    def attrs(i: int) -> str:
        return f" class='flag {flagged[i]}' id='{row_anchor(table_id, i)}'" if i in flagged else ""

    html = table([str(c + 1) for c in range(width)], rows, attrs, "grid")
    more = len(view.grid) - len(rows)
    return html + (f"<p class='meta'>… {more} more rows</p>" if more > 0 else "")


def table_card(table_: dict, view: TableView | None, findings: list[dict], produced: dict[str, list[dict]]) -> str:
    """`findings`, `produced` (records by record table): the table's own."""
    tid = table_["table_id"]
    rows_of: dict[int, set[int]] = {}
    flagged: dict[int, str] = {}
    if view is not None:
        perf = {name: produced.get(name, []) for name in PERF_TABLES}
        for i, f in enumerate(findings):
            if f["severity"] == "info":
                continue
            rows_of[i] = finding_rows(f, produced.get("fiscal_facts", []), perf, view.grid)
            for r in rows_of[i]:  # an error outranks a warning on the same row
                flagged[r] = "error" if "error" in (f["severity"], flagged.get(r)) else "warning"
    title = f"#{tid} {table_['table_key']} — {table_['title'] or '(untitled)'}"
    meta = (f"pages {table_['page_start']}–{table_['page_end']} · unit {table_['unit']} · source {table_['source']} · "
            f"{table_['n_rows']}×{table_['n_cols']} · {record_counts(produced)} · quality {table_['quality']}")
    grid = _grid_html(tid, view, flagged) if view is not None else ""
    return (f"<div class='card' id='{table_anchor(tid)}' data-table-key='{e(table_['table_key'])}'>"
            f"{_pictures(table_, view)}<div><h3>{e(title)}</h3><p class='meta'>{e(meta)}</p>"
            f"{_findings_html(findings, rows_of, tid)}{grid}</div></div>")


def _contents(tables: list[dict], findings: dict, produced: dict) -> str:
    items = []
    for t in tables:
        worst = Counter(f["severity"] for f in findings[t["table_id"]] if f["severity"] != "info")
        mark = "".join(f" — {worst[sev]} {sev}{'s' * (worst[sev] > 1)}" for sev in ("error", "warning") if worst[sev])
        items.append(f"<li><a href='#{table_anchor(t['table_id'])}'>#{e(t['table_id'])} {e(t['table_key'])}</a>"
                     f" <span class='meta'>p. {e(t['page_start'])}–{e(t['page_end'])} · "
                     f"{e(record_counts(produced[t['table_id']]))}{e(mark)}</span></li>")
    return f"<ol class='toc'>{''.join(items)}</ol>" if items else ""


def render_document(records: dict[str, list[dict]], views: list[TableView]) -> str:
    """The document's page: `records` are that document's alone, `views` its tables' views."""
    doc = records["documents"][0]
    findings: dict = defaultdict(list)
    for f in records["quality_log"]:
        findings[f["table_id"]].append(f)
    produced: dict = defaultdict(lambda: defaultdict(list))
    for name in RECORD_NAMES:
        for row in records.get(name, []):
            produced[row["table_id"]][name].append(row)
    by_id = {v.table_id: v for v in views}
    tables = records["tables"]
    body = [f"<p><a href='../{INDEX_NAME}#{index_anchor(doc['document_id'])}'>← run report</a></p>",
            f"<h1 class='{e(doc['status'])}'>{e(doc['filename'])}</h1>",
            table(["department", "year", "kind", "pages", "status", "quality", "tables", "error"],
                  [[doc["department"], doc["year"], doc.get("kind"), doc["pages"], doc["status"], doc.get("quality"),
                    len(tables), doc["error"]]]),
            f"<p class='meta'>source {e(doc['source_uri'])} · document {e(doc['document_id'])}</p>",
            "<h2>Document findings</h2>", _findings_html(findings[None], {}),
            f"<h2>Tables ({len(tables)})</h2>", _contents(tables, findings, produced)]
    body += [table_card(t, by_id.get(t["table_id"]), findings[t["table_id"]], produced[t["table_id"]]) for t in tables]
    return page_html(f"{doc['filename']} — juesuan report", "\n".join(body))
