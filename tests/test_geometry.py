"""Ruling geometry → grids, on drawn PDFs and on bare segments."""
import pymupdf
import pytest
from pdfgen import draw_table

from pipeline.extract.native import extract_page
from pipeline.geometry import Segment, build_grid, join_collinear, split_orientation
from pipeline.numbers import as_json_number, parse_number


def test_merged_header_cells_get_spans_and_text_once():
    doc = pymupdf.open()
    page = doc.new_page()
    rows = [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"], ["一、财政拨款收入", "1,234.50", "一、一般公共服务支出", "1,234.50"]]
    draw_table(page, 80, [150, 80, 150, 80], rows, merges={(0, 0): (1, 2), (0, 2): (1, 2)})
    tables, _ = extract_page(page, 1)
    assert len(tables) == 1
    t = tables[0]
    assert (t.n_rows, t.n_cols) == (3, 4)
    spans = {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in t.cells if c.row == 0}
    assert spans == {(0, 0): (1, 2, "收入"), (0, 2): (1, 2, "支出")}
    assert t.grid(fill_spans=True)[0] == ["收入", "收入", "支出", "支出"]
    assert t.grid()[2] == rows[2]


def test_row_span_over_code_parts():
    doc = pymupdf.open()
    page = doc.new_page()
    rows = [["科目编码", "", "", "科目名称", "合计"], ["类", "款", "项", "", ""], ["201", "03", "50", "事业运行", "540.95"]]
    draw_table(page, 80, [40, 40, 40, 150, 80], rows, merges={(0, 0): (1, 3), (0, 3): (2, 1), (0, 4): (2, 1)})
    t = extract_page(page, 1)[0][0]
    cells = {(c.row, c.col): (c.row_span, c.col_span) for c in t.cells}
    assert cells[(0, 0)] == (1, 3) and cells[(0, 3)] == (2, 1) and cells[(0, 4)] == (2, 1)


def test_two_tables_on_one_page_stay_apart():
    doc = pymupdf.open()
    page = doc.new_page()
    draw_table(page, 60, [100, 100], [["a", "1.00"], ["b", "2.00"]])
    draw_table(page, 300, [100, 100, 100], [["x", "y", "z"], ["1.00", "2.00", "3.00"]])
    tables = extract_page(page, 1)[0]
    assert [(t.n_rows, t.n_cols) for t in tables] == [(2, 2), (2, 3)]


def test_collinear_pieces_join_and_thin_rectangles_are_rulings():
    joined = join_collinear([Segment(10.0, 0, 50), Segment(10.6, 51, 100), Segment(40, 0, 100)])
    assert sorted((round(s.pos), s.lo, s.hi) for s in joined) == [(10, 0, 100), (40, 0, 100)]
    hs, vs = split_orientation([], [(0, 0, 100, 0.5), (0, 50, 100, 50.5), (0, 0, 0.5, 50), (99.5, 0, 100, 50)])
    grid = build_grid(hs, vs)
    assert grid is not None and len(grid.cells) == 1


@pytest.mark.parametrize("text,value", [
    ("2,940.05", 2940.05), ("0.00", 0.0), ("97.11%", 97.11), ("１２３．５", 123.5), (" 1 234 ", 1234.0),
    ("-", None), ("—", None), ("/", None), ("不适用", None), ("", None), ("行政运行", None), ("-12.5", -12.5),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_json_numbers_keep_integers_integral():
    assert as_json_number(10.0) == 10 and isinstance(as_json_number(10.0), int)
    assert as_json_number(13.11) == 13.11 and as_json_number(None) is None
