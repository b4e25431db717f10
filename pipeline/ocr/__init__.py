"""OCR path: a scanned page → the same raw tables and page text as the native extractor.

Entry point: `extract_page_ocr(page, page_no, engine=None) -> (list[RawTable], PageText)`
(`pipeline.ocr.page`). The engine: `get_engine` / `use_threads` / `set_engine`
(`pipeline.ocr.engines`). The modules, by step:

- `render`: the page rendered, the upright frame (skew, turn, `frame_matrix`);
- `turn`: pages stored on their side or upside down (`text_turn`, `trust`, `upside_down`);
- `rulings`: the rulings in the image → grids (`pipeline.geometry`, as on native pages), and
  the text ink with the rulings taken out;
- `view`: one rendering turned and deskewed, and its first reading; `lines`: text lines in a
  cell, and their crops; `bands`: the free text around the tables;
- `cell_text`: a cell's text from its lines (number and punctuation repairs, suspect cells);
- `reread`: suspect cells read again at a higher resolution;
- `interface`, `engines`, `rapidocr_engine`, `paddleocr_engine`, `paddle_models`: the engines;
  `simulate`: scanned copies of text PDFs, for tests and benchmarks.

1. Render the page (displayed orientation) in grayscale at `DPI`. A page stored on its side
   or upside down with no /Rotate (common in scans) is turned upright: `text_turn` guesses
   90° from the direction of the text lines (a few ms), and the recogniser's confidence on
   the longest lines settles the rest (`_read_upright`: an upright page reads with
   confidence and costs nothing more; a doubtful one is read turned over, or on its side).
2. Deskew: the angle of the long horizontal rulings (a line fit per ruling, length-weighted
   median); on a page without rulings, the angle whose row projection of the ink is sharpest.
   The image is rotated back; every coordinate handed on is in this upright frame, scaled to
   PDF points (so page text and table boxes stay consistent with each other).
3. Rulings: morphological opening of the ink with long horizontal / vertical kernels, a short
   closing to repair breaks, connected components → segments in points → the native path's
   grid builder (`pipeline.geometry`), so merged cells get the same spans.
4. Cells: the text ink is the dark pixels plus the faint strokes a black-hat finds against
   their paper (`faint_ink`: the hairline of 一 / 二 / 十 on a pale copy lies above the ink
   threshold); ruling pixels are erased only along the grid's cell edges (a flat stroke
   inside a cell — 一 in a large font, ——, 十's bar — is never taken for a ruling). Each
   cell's ink is cut into text lines by its row profile, and the line crops of the whole
   page go to the engine's recogniser in batches. Every crop lies inside one cell, so no
   text line can straddle a column border.
5. Suspect cells (a low character score, or a number column cell that does not read as a
   number) are re-rendered at `REREAD_DPI` from the PDF, deskewed by the same angle, and read
   again; the better reading is kept.
6. Text outside the grids (titles, 单位：万元, 部门名称：…, narrative): the ink's row profile
   outside the tables gives bands; the text detector runs on those bands only, and each box's
   ink is cropped like a cell line and recognised in the same batch as the cells.

Coordinates: cell and table boxes, `col_edges` and page-text y are PDF points in the page's
displayed orientation (as in the native path), in the deskewed frame (the scan turned upright
about the page centre: within ±1° of the image as stored, which keeps titles and tables in
one consistent frame). A page turned upright by 90° or 270° has its width and height swapped
in that frame.
"""
from __future__ import annotations

from pipeline.ocr.cell_text import normalize_number, normalize_text
from pipeline.ocr.engines import (
    ENGINES,
    EngineUnavailable,
    LineRead,
    OcrEngine,
    PaddleOcrEngine,
    RapidOcrEngine,
    TextBox,
    engine_spec,
    get_engine,
    make_engine,
    set_engine,
    use_threads,
)
from pipeline.ocr.page import extract_page_ocr
from pipeline.ocr.render import DPI, REREAD_DPI, estimate_skew, frame_matrix, render_gray, turn_image
from pipeline.ocr.reread import reread_table_cells
from pipeline.ocr.rulings import clean_ink, find_grids, find_rulings, ruling_segments, text_ink
from pipeline.ocr.turn import text_turn, trust, upside_down

__all__ = [
    "DPI", "ENGINES", "REREAD_DPI", "EngineUnavailable", "LineRead", "OcrEngine", "PaddleOcrEngine", "RapidOcrEngine",
    "TextBox", "clean_ink", "engine_spec", "estimate_skew", "extract_page_ocr", "find_grids", "find_rulings",
    "frame_matrix", "get_engine", "make_engine", "normalize_number", "normalize_text", "render_gray",
    "reread_table_cells", "ruling_segments", "set_engine", "text_ink", "text_turn", "trust", "turn_image",
    "upside_down", "use_threads",
]
