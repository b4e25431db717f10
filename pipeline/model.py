"""Plain dataclasses passed between the stages.

extract → RawTable (cells with geometry) → stitch → RawTable (multi-page) → realign → records.
Records are the rows of SPEC's record tables, kept as dicts so that the store can write any of
them without a per-table class.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]


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
    source: str  # native | ocr | text
    bbox: BBox | None = None
    page_end: int | None = None
    title: str | None = None
    unit: str | None = None
    context: list[str] = field(default_factory=list)  # text lines between the previous table and this one
    row_pages: list[int] = field(default_factory=list)  # page of each row (filled by stitching)
    col_edges: list[float] = field(default_factory=list)  # x of the vertical grid lines (native only)

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

    severity: str  # info | warning | error
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
class TableView:
    """What the report shows of a table: where it sits on its first page and what was read."""

    table_id: int
    page: int
    bbox: BBox | None
    cells: list[BBox]  # cell boxes on that page, page coordinates
    grid: list[list[str]]
    rotation: int = 0
    image: str | None = None  # base64 PNG of the region with the cells drawn (pipeline.report.crops)


@dataclass
class DocumentOutputs:
    """A document's share of the run's files, rendered where it was processed (its worker):
    its lines of each `<table>.jsonl`, and its section of report.html."""

    jsonl: dict[str, str]
    html: str
