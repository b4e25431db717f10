"""Text dumps of other converters (.txt / .md / .html) → raw tables.

Entry point: `extract_text_dump(data, suffix)`. The format is read from the content, not the
name: HTML `<table>`s, markdown pipe rows, or tab-separated rows. Lines that are not rows are
page text: the context from which titles and units are read, and the narrative."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from pipeline import catalog
from pipeline.extract.context import read_title_and_unit
from pipeline.model import Cell, ExtractedDocument, Finding, PageText, RawTable

_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
MAX_LINE = 20000  # characters: longer lines are garbage, cut with a finding
MAX_COLSPAN = 64  # an HTML cell wider than this is garbage (a span is clipped to the rows below it)


class TextDumpError(ValueError):
    pass


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def split_row(line: str) -> list[str] | None:
    """Cells of a table row, or None for a line of prose."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    if "\t" in line:
        return [c.strip() for c in line.rstrip("\n").split("\t")]
    return None


def is_caption_row(cells: list[str]) -> bool:
    """A row whose every filled cell is a title, unit, department, statement number or year."""
    filled = ["".join(c.split()) for c in cells if c.strip()]
    return bool(filled) and all(
        catalog.CAPTION.match(c) or (catalog.match_title(c) and len(c) <= 60) for c in filled
    )


def _table(rows: list[list[str]], context: list[str], index: int) -> RawTable:
    n_cols = max(len(r) for r in rows)
    cells = [Cell(r, c, text, None, 1, 1, 1.0, 1) for r, row in enumerate(rows) for c, text in enumerate(row)]
    table = RawTable(cells=cells, n_rows=len(rows), n_cols=n_cols, page=1, source="text",
                     page_end=1, context=context, row_pages=[1] * len(rows))
    read_title_and_unit(table)
    return table


def cut_long_lines(lines: list[str]) -> list[Finding]:
    """Lines longer than `MAX_LINE` cut to it, in place: a converter's runaway line (a whole
    file without line breaks) is no table row, and splitting it would cost time and memory
    out of all proportion. What was cut is an error finding (the document is `partial`)."""
    cut = [(i, len(line)) for i, line in enumerate(lines) if len(line) > MAX_LINE]
    for i, _ in cut:
        lines[i] = lines[i][:MAX_LINE]
    if not cut:
        return []
    dropped = sum(n - MAX_LINE for _, n in cut)
    first, length = cut[0]
    return [Finding("error", "line_cut",
                    f"{len(cut)} line(s) longer than {MAX_LINE:,} characters cut to that length: {dropped:,} "
                    f"characters dropped (the first at line {first + 1}, {length:,} characters long)",
                    page=1, expected=MAX_LINE, actual=length)]


def read_delimited(text: str) -> tuple[list[RawTable], list[str], list[Finding]]:
    """Tables from runs of tab or pipe rows; one blank line inside a run does not end it."""
    tables: list[RawTable] = []
    prose: list[str] = []
    context: list[str] = []
    rows: list[list[str]] = []
    lines = text.splitlines()
    findings = cut_long_lines(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if _PIPE_RULE.match(line.strip()):  # markdown's header rule: no row
            i += 1
            continue
        cells = split_row(line)
        if cells is not None and is_caption_row(cells):
            # a title or unit line the converter put into a row: it ends the table above
            if rows:
                tables.append(_table(rows, context, len(tables)))
                rows, context = [], []
            caption = " ".join(c for c in cells if c.strip())
            context.append(caption)
            prose.append(caption)
        elif cells is not None and any(c for c in cells):
            rows.append(cells)
        elif not line.strip() and rows and i + 1 < len(lines) and split_row(lines[i + 1]) is not None:
            pass  # a blank line between two rows of one table
        else:
            if rows:
                tables.append(_table(rows, context, len(tables)))
                rows, context = [], []
            if line.strip():
                context.append(line.strip())
                prose.append(line.strip())
        i += 1
    if rows:
        tables.append(_table(rows, context, len(tables)))
    return tables, prose, findings


_TITLE_META = {"articletitle", "title", "og:title"}
_HEADING_TAGS = ("title", "h1", "h2", "h3")


class _HtmlTables(HTMLParser):
    """Rows of `<table>` (cells may hold `<p>`s, colspan, rowspan) and the text between."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[tuple[str, int, int]]], list[str]]] = []
        self.prose: list[str] = []
        self.context: list[str] = []
        self.depth = 0
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.text: list[str] = []
        self.skip = 0  # inside <script> / <style>: code, not text
        self.headings: list[str] = []  # the page's <title>, article-title <meta>, <h1>–<h3>
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "meta" and (a.get("name") or "").lower() in _TITLE_META and a.get("content"):
            self.headings.append((a["content"] or "").strip())
        elif tag in _HEADING_TAGS and not self.depth:
            self.heading = []
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self._flush_text()
                self.rows = []
        elif tag == "tr" and self.depth:
            self.rows.append([])
        elif tag in ("td", "th") and self.depth:
            self.cell = []
            self.span = (_int(a.get("rowspan")), _int(a.get("colspan")))
        elif tag in ("p", "br", "div") and self.cell is not None:
            self.cell.append("\n")
        elif tag in ("p", "br", "div", "h1", "h2", "h3", "h4") and not self.depth:
            self._flush_text()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADING_TAGS and self.heading is not None:
            if "".join(self.heading).strip():
                self.headings.append("".join(self.heading).strip())
            self.heading = None
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.rows:
            self.rows[-1].append(("".join(self.cell).strip(), *self.span))
            self.cell = None
        elif tag == "table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.tables.append((self.rows, self.context))
                self.context = []
        elif tag in ("p", "div", "h1", "h2", "h3", "h4", "title", "li", "a") and not self.depth:
            self._flush_text()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.cell is not None:
            self.cell.append(data)
        elif not self.depth:
            self.text.append(data)

    def _flush_text(self) -> None:
        for line in "".join(self.text).splitlines():
            if line.strip():
                self.context.append(line.strip())
                self.prose.append(line.strip())
        self.text = []


def _int(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def read_html(text: str) -> tuple[list[RawTable], list[str]]:
    """Tables and the page's text lines; the page's headings (<title>, an article-title <meta>,
    <h1>–<h3>) come first, so the document's heading is read from them, not from navigation."""
    parser = _HtmlTables()
    parser.feed(text)
    parser.close()
    parser._flush_text()
    tables = []
    for rows, context in parser.tables:
        if not any(rows):  # `<table><tr></table>`: no cell at all
            continue
        taken: set[tuple[int, int]] = set()
        cells = []
        for r, row in enumerate(rows):
            c = 0
            for text_, rs, cs in row:
                # `rowspan=9999999` would cover millions of positions: spans stop at the table's edge
                rs, cs = min(rs, len(rows) - r), min(cs, MAX_COLSPAN)
                while (r, c) in taken:
                    c += 1
                cells.append(Cell(r, c, text_, None, rs, cs, 1.0, 1))
                taken |= {(r + i, c + j) for i in range(rs) for j in range(cs)}
                c += cs
        n_cols = max((k for _, k in taken), default=-1) + 1
        n_rows = max(len(rows), max((r for r, _ in taken), default=-1) + 1)
        table = RawTable(cells=cells, n_rows=n_rows, n_cols=n_cols, page=1, source="text", page_end=1,
                         context=context, row_pages=[1] * n_rows)
        read_title_and_unit(table)
        tables.append(table)
    return tables, parser.headings + parser.prose


def looks_like_html(data: bytes) -> bool:
    """An HTML page (a portal page saved under any name), read by its content."""
    head = data[:4096].lower()
    return b"<table" in data.lower() or head.lstrip().startswith((b"<!doctype html", b"<html")) or b"<body" in head


def extract_text_dump(data: bytes, suffix: str = ".txt") -> ExtractedDocument:
    if not data.strip():
        raise TextDumpError("empty text dump")
    text = decode(data)
    findings: list[Finding] = []
    if looks_like_html(data):
        tables, prose = read_html(text)
    else:
        tables, prose, findings = read_delimited(text)
    page_text = PageText(1, [(float(i), line) for i, line in enumerate(prose)])
    return ExtractedDocument(1, tables, [page_text], findings)
