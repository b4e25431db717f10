"""Plain dataclasses passed between the stages.

extract → RawTable (cells with geometry) → stitch → RawTable (multi-page) → realign → records.
Records are the rows of SPEC's record tables, kept as dicts so that the store can write any of
them without a per-table class.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BBox = tuple[float, float, float, float]

# The choices that travel between stages, as types: mypy rejects a misspelt one.
Severity = Literal["info", "warning", "error"]  # quality_log.severity
TableSource = Literal["native", "ocr", "text"]  # tables.source: which extractor read the table
PageKind = Literal["native", "ocr", "empty"]  # how the classify stage reads a page
DocumentKind = Literal["final_account", "budget", "performance", "other"]  # documents.kind
DocumentStatus = Literal["done", "partial", "failed"]  # documents.status
# what a worker is busy with, reported as a heartbeat to its supervisor (pipeline.workers)
Stage = Literal["page", "table", "stitch", "validate", "crops", "outputs"]


@dataclass
class Cell:
    """One cell of a raw table; `row`/`col` index the table's elementary grid."""

    row: int
    col: int
    text: str
    bbox: BBox | None = None
    row_span: int = 1
    col_span: int = 1
    confidence: float = 1.0
    page: int | None = None


@dataclass
class RawTable:
    """A table as an extractor saw it: a grid of cells plus the text around it."""

    cells: list[Cell]
    n_rows: int
    n_cols: int
    page: int
    source: TableSource
    bbox: BBox | None = None
    page_end: int | None = None
    title: str | None = None
    unit: str | None = None
    context: list[str] = field(default_factory=list)  # text lines between the previous table and this one
    row_pages: list[int] = field(default_factory=list)  # page of each row (filled by stitching)
    col_edges: list[float] = field(default_factory=list)  # x of the vertical grid lines (native only)
    # (page, bbox) of each piece stitched on after the first page's (filled by stitching), so
    # that the report can show every page a table spans
    continued: list[tuple[int, BBox | None]] = field(default_factory=list)

    def grid(self, fill_spans: bool = False) -> list[list[str]]:
        """Cell texts as rows × cols; a merged cell's text sits at its anchor, or in every
        position it covers when `fill_spans` (what a header reader wants)."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            rows = range(c.row, c.row + c.row_span) if fill_spans else (c.row,)
            cols = range(c.col, c.col + c.col_span) if fill_spans else (c.col,)
            for r in rows:
                for k in cols:
                    if r < self.n_rows and k < self.n_cols:
                        out[r][k] = c.text
        return out

    def page_of_row(self, row: int) -> int:
        return self.row_pages[row] if row < len(self.row_pages) else self.page


@dataclass
class Finding:
    """A quality-log entry (SPEC: quality_log)."""

    severity: Severity
    check: str
    message: str
    page: int | None = None
    table_id: int | None = None
    row_label: str | None = None
    column: str | None = None
    expected: object = None
    actual: object = None


@dataclass
class PageText:
    """Text lines of a page outside tables, top to bottom (for titles, units, narrative)."""

    page: int
    lines: list[tuple[float, str]]  # (y of the line top, text)


@dataclass
class ExtractedDocument:
    """What the extract stage hands on: raw tables, page text and per-page decisions."""

    pages: int
    tables: list[RawTable]
    page_text: list[PageText]
    findings: list[Finding] = field(default_factory=list)


@dataclass
class PageRegion:
    """One page's piece of a table in the report: where it sits and its cells there."""

    page: int
    bbox: BBox | None
    cells: list[BBox]  # cell boxes on that page, page coordinates
    image: str | None = None  # base64 JPEG of the region with the cells drawn (pipeline.report.crops)


@dataclass
class TableView:
    """What the report shows of a table: its piece on every page it spans and what was read
    (`grid` rows are the raw table's rows, the `row_index` of its facts)."""

    table_id: int
    regions: list[PageRegion]
    grid: list[list[str]]

    @property
    def page(self) -> int | None:
        return self.regions[0].page if self.regions else None


@dataclass
class DocumentOutputs:
    """A document's share of the run's files, rendered where it was processed (its worker):
    its lines of each `<table>.jsonl`, its page of the report site (`html`, a whole page) and
    its row of the site's index (`index`: a few scalars, pipeline.report.site.index_row)."""

    jsonl: dict[str, str]
    html: str
    index: dict = field(default_factory=dict)
