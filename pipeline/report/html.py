"""HTML pieces shared by the report site's pages: escaping, tables, the page frame and its style.

Entry point: `page_html(title, body)`. Every extracted string goes through `e` (escaped); the
pages load nothing (no script, no network), so that they open from a folder or an archive."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

STYLE = """body{font-family:sans-serif;margin:1.5em 2em;color:#222;max-width:1600px}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #bbb;padding:2px 5px;font-size:12px;vertical-align:top}
th{background:#eee;text-align:left}.warning{background:#fff3cd}.error{background:#f8d7da}.failed{color:#b00}
.partial{color:#a60}.meta{color:#555;font-size:13px}.num{text-align:right}a{color:#0645ad}
.card{display:flex;gap:1.5em;align-items:flex-start;border-top:1px solid #ccc;padding:.8em 0}
.pics{display:flex;flex-direction:column;gap:.5em}.pics figure{margin:0}.pics figcaption{font-size:12px;color:#555}
.pics img{max-width:720px;border:1px solid #999}.grid td{white-space:pre-wrap;max-width:260px}
tr.flag td{background:#fff3cd;outline:1px solid #e0a800}h3{margin:.2em 0}.toc{columns:3;font-size:13px}
.index td{white-space:nowrap}.index td.file{white-space:normal;max-width:380px}.index td.why{white-space:normal;max-width:420px}"""


def e(value: object) -> str:
    return escape("" if value is None else str(value))


def table(headers: list[str], rows: list[list], row_attrs: Callable[[int], str] | None = None, cls: str = "") -> str:
    """Every cell escaped; `row_attrs(i)`: the i-th row's attributes, already escaped."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        attrs = row_attrs(i) if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>")
    return f"<table class='{e(cls)}'><tr>{head}</tr>{''.join(body)}</table>"


def page_html(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'><title>{e(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")
