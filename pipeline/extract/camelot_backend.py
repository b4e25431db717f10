"""camelot lattice as the reference extractor (`--extractor camelot`).

Same contract as `pipeline.extract.native.extract_page`: one page in, raw tables (cells on the
table's elementary grid, merged cells as one anchor cell with spans, bboxes in PyMuPDF page
coordinates) and the free text lines of the page out. camelot finds the grid and the cell text;
the free text outside its tables (titles, units, the cover) is read with the native character
reader so that titles and units are found exactly as on the native path.

Engine: camelot 2.0's lattice has three line detectors. We use `engine="combined"` (camelot's
default: OpenCV on the rendered page plus the PDF's vector rulings). NOTES.md measured it on the
82-page corpus: 597/597 numbers right at ~4.7 pages/s, against ~80 pages/s for `engine="vector"`
with the same 597/597 — but the vector engine merges header rows on a Jiangsu budget page 1
(rows 2-3 of its 27-row table come back as one), and a render-based detector is the more
independent check of our own ruling reader, which is what a reference backend is for. Speed is
not this backend's job; the native extractor is the production path.

`split_text=True`: by default camelot puts a whole pdfminer text line into the one cell where it
starts, so two cells whose texts share a baseline come back as one (财政局 p15 header
`基本支出 项目支出`; a budget corpus PDF p8-p13: a figure and the next cell's label), and a glyph
drawn a little high joins the line above (财政局 p12 `、社会保障和就业支出` without its `八`). Split
at the cell walls, camelot agrees with the native extractor on every non-empty cell of the
corpus (2,362 cells); with `engine="vector"` it still misplaces 10 cells on Jiangsu p1. It also
keeps 财政局 p19-20 (ruled tables with headers and no numbers): split, their header texts fill
14 of 120 cells (88.3% empty), under camelot's 90%-empty rejection; unsplit, camelot drops them.

Coordinates: the combined engine scales its rendering by the MediaBox, so on pages with a
smaller CropBox its grid comes back shifted (seen on synthetic pages only; the corpus has none).

camelot is imported lazily: nothing on the native path imports it.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
import warnings
from typing import TYPE_CHECKING, TypedDict

import pymupdf

from pipeline.extract.native import page_chars, text_lines
from pipeline.geometry import MergedCell, merge_cells
from pipeline.model import Cell, PageText, RawTable

if TYPE_CHECKING:  # camelot is untyped (and imported lazily): these are its classes, by name
    from camelot.core import Cell as CamelotCell
    from camelot.core import Table as CamelotTable

ENGINE = "combined"  # see the module docstring

# One temp file per document: extract_pdf calls us once per page with the same `data` object.
# The cache holds a reference to that object (so its id cannot be reused) and its file path.
class _Cached(TypedDict):
    data: bytes | None
    path: str | None


_cache: _Cached = {"data": None, "path": None}


def _remove_cached_file() -> None:
    path = _cache["path"]
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)
    _cache["data"] = _cache["path"] = None


atexit.register(_remove_cached_file)


def _pdf_path(data: bytes, page: pymupdf.Page) -> str:
    """A file holding this document, written once per document (camelot wants a path)."""
    cached = _cache["path"]
    if _cache["data"] is data and cached and os.path.exists(cached):
        return cached
    _remove_cached_file()
    doc = page.parent
    payload = data
    if doc is not None and doc.xref_get_key(-1, "Encrypt")[0] != "null":
        # opened with a password by open_pdf: hand camelot the decrypted document
        payload = doc.tobytes(encryption=pymupdf.mupdf.PDF_ENCRYPT_NONE)
    fd, path = tempfile.mkstemp(prefix="juesuan-camelot-", suffix=".pdf")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    _cache["data"], _cache["path"] = data, path
    return path


def _page_box(page: pymupdf.Page, key: str) -> tuple[float, float, float, float] | None:
    """A page box (/MediaBox, /CropBox) in PDF user space, inherited through /Parent."""
    doc = page.parent
    xref, seen = page.xref, set()
    while xref and xref not in seen:
        seen.add(xref)
        kind, value = doc.xref_get_key(xref, key)
        if kind == "array":
            try:
                x0, y0, x1, y1 = (float(v) for v in value.strip("[] ").split())
            except ValueError:
                return None
            return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        kind, value = doc.xref_get_key(xref, "Parent")
        xref = int(value.split()[0]) if kind == "xref" else 0
    return None


def camelot_to_page_matrix(page: pymupdf.Page, camelot_rotation: str = "") -> pymupdf.Matrix:
    """Matrix from camelot's coordinates to PyMuPDF page coordinates.

    camelot reads pages with playa in its "page" device space: the page rotated by /Rotate (plus
    or minus 90° more when camelot itself found the text rotated: `table.rotation`), origin at
    the bottom-left of the rotated MediaBox. We undo that to PDF user space, go to PyMuPDF's
    unrotated page space (top-left of the CropBox: what `get_drawings`/`rawdict` return) and
    derotate with `page.rotation_matrix`, as native.py does. (`page.transformation_matrix` is
    not used: on rotated pages with a CropBox offset it leaves the offset out.)"""
    media = _page_box(page, "MediaBox")
    if media is None:
        r = page.mediabox
        media = (r.x0, r.y0, r.x1, r.y1)
    crop = _page_box(page, "CropBox") or media
    crop = (max(crop[0], media[0]), max(crop[1], media[1]), min(crop[2], media[2]), min(crop[3], media[3]))
    rotate = page.rotation + {"": 0, "clockwise": -90, "anticlockwise": 90}.get(camelot_rotation or "", 0)
    rotate = (rotate + 360) % 360
    x0, y0, x1, y1 = media
    w, h = x1 - x0, y1 - y0
    rot = {
        0: pymupdf.Matrix(1, 0, 0, 1, 0, 0),
        90: pymupdf.Matrix(0, -1, 1, 0, 0, w),
        180: pymupdf.Matrix(-1, 0, 0, -1, w, h),
        270: pymupdf.Matrix(0, 1, -1, 0, h, 0),
    }[rotate]
    box = pymupdf.Rect(x0, y0, x1, y1) * rot  # the rotated MediaBox, normalized
    to_camelot = rot * pymupdf.Matrix(1, 0, 0, 1, -box.x0, -box.y0)  # user space → camelot
    to_unrotated = pymupdf.Matrix(1, 0, 0, -1, -crop[0], crop[3])  # user space → PyMuPDF unrotated
    return ~to_camelot * to_unrotated * page.rotation_matrix


def _rect(mat: pymupdf.Matrix, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    r = pymupdf.Rect(x0, y0, x1, y1) * mat  # Rect * Matrix gives the normalized hull
    return (r.x0, r.y0, r.x1, r.y1)


def _merge_groups(cells: list[list[CamelotCell]]) -> list[MergedCell]:
    """camelot cells → (row, col, row_span, col_span, members) for each merged group.

    A cell without a right edge joins its right neighbour (camelot's hspan), one without a
    bottom edge the cell below (vspan); a group is reported by its bounding rectangle, anchored
    top-left, as native's grid does."""
    nr, nc = len(cells), len(cells[0]) if cells else 0
    return merge_cells(
        nr, nc,
        lambda r, c: not (cells[r][c].right and cells[r][c + 1].left),
        lambda r, c: not (cells[r][c].bottom and cells[r + 1][c].top),
    )


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().split("\n") if line.strip())


def convert_table(table: CamelotTable, page: pymupdf.Page, page_no: int) -> RawTable:
    """One camelot Table → our RawTable (source "native": it is read from the text layer)."""
    mat = camelot_to_page_matrix(page, getattr(table, "rotation", "") or "")
    cells = []
    for r0, c0, rs, cs, members in _merge_groups(table.cells):
        texts = [_clean(table.cells[r][c].text) for r, c in members]
        first = table.cells[r0][c0]
        last = table.cells[r0 + rs - 1][c0 + cs - 1]
        bbox = _rect(mat, first.x1, last.y1, last.x2, first.y2)
        cells.append(Cell(r0, c0, "\n".join(t for t in texts if t), bbox, rs, cs, 1.0, page_no))
    n_rows, n_cols = len(table.rows), len(table.cols)
    if table._bbox is not None:
        bbox = _rect(mat, *table._bbox)
    else:
        bbox = _rect(mat, table.cols[0][0], table.rows[-1][1], table.cols[-1][1], table.rows[0][0])
    # column grid lines in page coordinates (x; y where camelot turned a table with rotated text)
    mid_y = (table.rows[0][0] + table.rows[-1][1]) / 2
    points = [pymupdf.Point(x, mid_y) * mat for x in [table.cols[0][0]] + [c[1] for c in table.cols]]
    across = abs(points[-1].x - points[0].x) >= abs(points[-1].y - points[0].y)
    col_edges = sorted(p.x if across else p.y for p in points)
    return RawTable(
        cells=cells,
        n_rows=n_rows,
        n_cols=n_cols,
        page=page_no,
        source="native",
        bbox=bbox,
        page_end=page_no,
        row_pages=[page_no] * n_rows,
        col_edges=col_edges,
    )


def read_camelot_tables(path: str, page_no: int, engine: str | None = None) -> list[CamelotTable]:
    import camelot  # lazy: only the camelot path pays for it

    engine = engine or ENGINE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "No tables found on page-N" and friends
        return list(camelot.read_pdf(path, pages=str(page_no), flavor="lattice", engine=engine,
                                     split_text=True, suppress_stdout=True))


def extract_page_camelot(data: bytes, page: pymupdf.Page, page_no: int) -> tuple[list[RawTable], PageText]:
    """Raw tables of one page as camelot lattice sees them, and the page's free text lines."""
    path = _pdf_path(data, page)
    tables = [convert_table(t, page, page_no) for t in read_camelot_tables(path, page_no)]
    tables = [t for t in tables if t.n_rows and t.n_cols]
    tables.sort(key=_top_left)
    boxes = [t.bbox for t in tables if t.bbox is not None]  # every table converted has its bbox
    free = []
    for ch in page_chars(page):
        cx = (ch[0] + ch[1]) / 2
        if not any(x0 <= cx <= x1 and y0 <= ch[3] <= y1 for x0, y0, x1, y1 in boxes):
            free.append(ch)
    return tables, PageText(page_no, text_lines(free))


def _top_left(table: RawTable) -> tuple[float, float]:
    """Reading order of a page's tables (a converted table always has its bbox)."""
    assert table.bbox is not None
    return table.bbox[1], table.bbox[0]
