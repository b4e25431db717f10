"""The OCR path (`pipeline.ocr`) on real scans: the scanned sample against its ground truth, and
real 决算 pages rasterised (noise, skew, JPEG) against the native path on the original.

Nothing here is mocked: the RapidOCR models inside the installed wheel run on every page."""
from __future__ import annotations

import hashlib
import socket
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pymupdf
import pytest

from pipeline.extract.context import attach_context
from pipeline.key import key_tables
from pipeline.ocr import (
    EngineUnavailable,
    PaddleOcrEngine,
    RapidOcrEngine,
    clean_ink,
    estimate_skew,
    extract_page_ocr,
    find_grids,
    find_rulings,
    frame_matrix,
    get_engine,
    make_engine,
    normalize_number,
    normalize_text,
    render_gray,
    ruling_segments,
    text_ink,
    text_turn,
    turn_image,
)
from pipeline.ocr.simulate import simulate_scan
from pipeline.process import build_records, is_empty_fragment, process_document
from pipeline.stitch import stitch_continued_tables

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples/scanned/dept_a_2022_scan.pdf"
SCAN_TRUTH = ROOT / "samples/scanned/dept_a_2022_scan.truth.json"
NATIVE_A = ROOT / "samples/native/dept_a_2022.pdf"
PUTUO = ROOT.parent / "shared/corpus/real/上海市普陀区财政局2024年度部门决算.pdf"
PUTUO_PAGES = range(6, 21)  # 1-based, inclusive of 20

FACT_KEY = ("table_key", "section", "row_label", "subject_code", "column", "unit", "page")


def ocr_document(data: bytes, page_offset: int = 0):
    """Every page through the OCR path, then the stages `process_document` runs after
    extraction: context (titles, units), empty fragments out, stitching, records."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    tables, texts = [], []
    for index, page in enumerate(doc):
        page_tables, page_text = extract_page_ocr(page, index + 1)
        tables += page_tables
        texts.append(page_text)
    attach_context(tables, texts)
    tables = [t for t in tables if not is_empty_fragment(t)]
    tables = stitch_continued_tables(tables)
    keying = key_tables(tables, texts)
    records, findings = build_records(hashlib.sha256(data).hexdigest(), tables, keying.specs)
    for fact in records["fiscal_facts"]:
        fact["page"] += page_offset
    return tables, texts, records


def fact_key(f: dict):
    value = f["value"]
    return tuple(f[k] for k in FACT_KEY) + (None if value is None else round(float(value), 6),)


def share_reproduced(expected: list[dict], got: list[dict]) -> tuple[int, int, list]:
    want, have = Counter(map(fact_key, expected)), Counter(map(fact_key, got))
    hit = sum(min(n, have[k]) for k, n in want.items())
    missing = [k for k, n in want.items() if have[k] < n]
    return hit, sum(want.values()), missing


@pytest.fixture(scope="module")
def scanned_sample():
    return ocr_document(SCAN.read_bytes())


# -- the engine ---------------------------------------------------------------------------


def test_engine_loads_from_the_wheel_without_network(monkeypatch):
    """A fresh engine builds and reads with every socket refused: the models are the files
    inside the rapidocr wheel, nothing is downloaded."""
    import rapidocr

    def refuse(*args, **kwargs):
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = RapidOcrEngine()
    wheel = Path(rapidocr.__file__).resolve().parent
    assert all(wheel in p.parents for p in engine.models.values())
    image = np.full((80, 420), 255, np.uint8)
    cv2.putText(image, "2,940.05", (20, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 0, 3)
    boxes = engine.read(image)
    assert [b.text for b in boxes] == ["2,940.05"]
    [line] = engine.recognize([image[10:70, 10:300]])
    assert line.text == "2,940.05" and 0.9 < line.score <= 1.0
    assert [c[0] for c in line.chars] == list("2,940.05")
    assert all(a < b for _, a, b, _ in line.chars)


def test_paddle_engine_is_optional():
    try:
        import paddleocr  # noqa: F401
    except ImportError:
        with pytest.raises(EngineUnavailable, match="pip install"):
            PaddleOcrEngine()
    else:  # pragma: no cover - only where the [paddle] extra is installed
        assert PaddleOcrEngine().name == "paddleocr"


def test_one_engine_per_process():
    assert get_engine() is get_engine()


def test_engine_and_model_folder_travel_as_one_name():
    """`--ocr-engine X --ocr-model-dir D` becomes `X@D` in the options (what worker processes
    and flows receive); the folder reaches the engine; a missing one fails in one line."""
    import rapidocr

    from pipeline.cli import build_parser, options_from
    from pipeline.ocr.engines import engine_spec

    wheel = Path(rapidocr.__file__).resolve().parent / "models"
    assert engine_spec(None, None) is None and engine_spec("paddleocr", None) == "paddleocr"
    args = build_parser().parse_args(["run", "x.pdf", "--ocr-engine", "paddleocr", "--ocr-model-dir", str(wheel)])
    assert options_from(args).ocr_engine == f"paddleocr@{wheel}"
    engine = make_engine(f"rapidocr@{wheel}")
    assert all(wheel in path.parents for path in engine.models.values())
    with pytest.raises(EngineUnavailable, match="does not exist"):
        make_engine("rapidocr@/nonexistent/models")
    try:
        import paddleocr  # noqa: F401
    except ImportError:
        with pytest.raises(EngineUnavailable) as info:
            make_engine(f"paddleocr@{wheel}")
        assert "pip install 'juesuan[paddle]'" in str(info.value) and "\n" not in str(info.value)


def test_cli_refuses_a_missing_model_folder(tmp_path, capsys):
    from pipeline.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", str(SCAN), "--out", str(tmp_path), "--ocr-model-dir", str(tmp_path / "nowhere")])
    assert info.value.code == 2 and "--ocr-model-dir" in capsys.readouterr().err


# -- one-stroke characters: what the line removal and the ink threshold must keep ---------


def _ruled_cell_image(stroke_gray: int = 0, stroke_len: int = 70):
    """A 2×2 ruled grid at 200 dpi; in the top-left cell a flat stroke (一 of a large font,
    ——, an underline) `stroke_len` px long, 2 px high, of gray `stroke_gray`."""
    gray = np.full((400, 900), 255, np.uint8)
    for y in (50, 200, 350):
        cv2.line(gray, (50, y), (850, y), 0, 2)
    for x in (50, 450, 850):
        cv2.line(gray, (x, 50), (x, 350), 0, 2)
    cv2.rectangle(gray, (120, 124), (120 + stroke_len, 125), stroke_gray, -1)
    return gray


@pytest.mark.parametrize("stroke_gray, stroke_len", [(0, 70), (0, 300), (185, 30)])
def test_strokes_inside_cells_are_kept_and_rulings_erased(stroke_gray, stroke_len):
    """A ruling is erased only along the grid's cell edges: a dark stroke longer than the
    ruling kernel inside a cell stays ink, and so does a pale hairline (gray 185, above the
    ink threshold) such as the stroke of 一 on a pale copy."""
    gray = _ruled_cell_image(stroke_gray, stroke_len)
    rulings = find_rulings(np.where(gray < 165, 255, 0).astype(np.uint8))
    grids = find_grids(ruling_segments(rulings))
    assert len(grids) == 1 and len(grids[0].cells) == 4
    table_px = [tuple(int(round(v * 200 / 72)) for v in grids[0].bbox)]
    ink = clean_ink(gray, rulings, table_px, grids)
    stroke = ink[124:126, 120:120 + stroke_len]
    assert stroke.mean() > 0.9, "the stroke inside the cell was erased"
    assert gray[124:126, 120:120 + stroke_len].max() == stroke_gray  # not whitened either
    for y in (50, 200, 350):  # the rulings are gone from the ink
        assert ink[y - 1:y + 2, 60:840].sum() == 0


def test_faint_ink_is_found_against_its_paper_and_not_on_shading():
    """A hairline at gray 190 is ink on white paper and on a light shaded header; the
    shading itself is not."""
    gray = np.full((60, 300), 255, np.uint8)
    gray[:, 150:] = 215  # a shaded header cell
    gray[30:32, 20:60] = 190
    gray[30:32, 180:220] = 170
    ink = text_ink(gray)
    assert ink[30:32, 20:60].all() and ink[30:32, 180:220].all()
    assert ink.sum() == 2 * 40 * 2


# -- pages stored turned ------------------------------------------------------------------


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_frame_matrix_maps_like_the_turned_image(turn):
    gray = np.full((300, 200), 255, np.uint8)
    gray[40:44, 30:34] = 0
    up = turn_image(gray, turn)
    m = frame_matrix(turn, 0.0, up.shape)
    x, y = m @ np.array([32.0, 42.0, 1.0])  # the dot's centre
    ys, xs = np.nonzero(up < 128)
    assert abs(x - (xs.mean() + 0.5)) < 0.6 and abs(y - (ys.mean() + 0.5)) < 0.6


def test_text_direction_guess_on_real_pages():
    """The cheap guess: upright pages are never taken as on their side; turned by 90° the
    pages with text are (the recogniser settles 90° against 270°)."""
    doc = pymupdf.open(SCAN)
    turned = 0
    for page in list(doc)[:6]:
        gray = render_gray(page)
        for turn in (0, 90, 270):
            g = turn_image(gray, turn)
            got = text_turn(text_ink(g), find_rulings(np.where(g < 165, 255, 0).astype(np.uint8)))
            if turn == 0:
                assert got == 0
            else:
                turned += got == 90
    assert turned >= 10


# -- building blocks ----------------------------------------------------------------------


@pytest.mark.parametrize("angle", [-0.8, -0.3, 0.45, 1.0])
def test_skew_is_measured_from_the_rulings(angle):
    page = pymupdf.open(NATIVE_A)[3]
    gray = render_gray(page)
    h, w = gray.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)  # content turned by `angle`
    skewed = cv2.warpAffine(gray, rot, (w, h), borderValue=255)
    assert abs(estimate_skew(gray)) < 0.03
    assert estimate_skew(skewed) == pytest.approx(angle, abs=0.05)


@pytest.mark.parametrize("raw, fixed", [
    ("2,940.05", "2,940.05"), ("2.940.05", "2,940.05"), ("2,940,05", "2,940.05"), ("1.234.567,89", "1,234,567.89"),
    ("O.OO", "0.00"), ("5 83.63", "583.63"), ("-12.5", "-12.5"), ("97.11%", "97.11%"), ("1,234", "1,234"),
    ("-", "-"), ("一般公共服务支出", "一般公共服务支出"), ("201", "201"), ("1.234", "1.234"),
])
def test_number_repairs_only_unambiguous_slips(raw, fixed):
    assert normalize_number(raw) == fixed


def test_text_punctuation_follows_the_script():
    assert normalize_text("因公出国(境)费") == "因公出国（境）费"
    assert normalize_text("注:本表") == "注：本表"
    assert normalize_text("支出決算表") == "支出决算表"
    assert normalize_text("(1)") == "(1)"


# -- (a) the scanned sample against its ground truth --------------------------------------


def test_scanned_sample_structures(scanned_sample):
    tables, texts, _ = scanned_sample
    assert len(texts) == 14 and [t.page for t in texts] == list(range(1, 15))
    assert tables
    for table in tables:
        assert table.source == "ocr"
        assert table.page_end is not None and table.row_pages and len(table.row_pages) == table.n_rows
        assert len(table.col_edges) == table.n_cols + 1 and table.col_edges == sorted(table.col_edges)
        x0, y0, x1, y1 = table.bbox
        assert 0 <= x0 < x1 <= 595 and 0 <= y0 < y1 <= 842
        for cell in table.cells:
            assert 0.0 <= cell.confidence <= 1.0
            if cell.page != table.page:  # a row stitched on from the next page
                continue
            cx0, cy0, cx1, cy1 = cell.bbox
            assert x0 - 0.01 <= cx0 < cx1 <= x1 + 0.01 and y0 - 0.01 <= cy0 < cy1 <= y1 + 0.01
    titles = [t.title for t in tables if t.title]
    assert "收入支出决算总表" in titles and "一般公共预算财政拨款基本支出决算明细表" in titles
    lines = ["".join(text.split()) for page in texts for _, text in page.lines]
    assert "单位：万元" in lines
    assert any(line.startswith("部门名称：洛阳市洛龙区政务服务中心") for line in lines)
    for page in texts:  # page text in points, top to bottom
        ys = [y for y, _ in page.lines]
        assert ys == sorted(ys) and all(0 <= y <= 842 for y in ys)


def test_scanned_sample_facts_match_the_ground_truth(scanned_sample):
    import json

    truth = json.loads(SCAN_TRUTH.read_text(encoding="utf-8"))["fiscal_facts"]
    _, _, records = scanned_sample
    hit, total, missing = share_reproduced(truth, records["fiscal_facts"])
    print(f"\nscanned sample: {hit}/{total} truth facts reproduced exactly ({hit / total:.2%})")
    assert hit / total >= 0.99, missing[:20]
    assert len(records["fiscal_facts"]) <= total * 1.01  # no invented facts either


def test_low_confidence_cells_are_read_again_at_higher_resolution(monkeypatch):
    """With every cell made suspect, the re-read at `REREAD_DPI` reproduces the page."""
    from pipeline.ocr import cell_text
    from pipeline.ocr import page as ocr_page

    page = pymupdf.open(SCAN)[11]  # 三公 table
    before, _ = extract_page_ocr(page, 12)
    monkeypatch.setattr(cell_text, "LOW_LINE_SCORE", 1.01)  # every non-empty cell is suspect
    calls = []
    real = ocr_page.reread_cells
    monkeypatch.setattr(ocr_page, "reread_cells", lambda *a, **k: calls.append(len(a[3])) or real(*a, **k))
    after, _ = extract_page_ocr(page, 12)
    assert calls and calls[0] >= 20
    assert [t.grid() for t in after] == [t.grid() for t in before]


# -- (b) real pages rasterised: OCR path against the native path --------------------------


@pytest.mark.skipif(not PUTUO.exists(), reason="corpus PDF not present")
def test_rasterised_real_pages_match_the_native_path():
    native = process_document(PUTUO).records["fiscal_facts"]
    expected = [f for f in native if f["page"] in PUTUO_PAGES]
    assert len(expected) >= 150
    data = simulate_scan(PUTUO, PUTUO_PAGES)  # 200 dpi, ±0.5°, noise, JPEG q70
    doc = pymupdf.open(stream=data, filetype="pdf")
    assert all(not p.get_text().strip() for p in doc)  # image-only
    _, _, records = ocr_document(data, page_offset=PUTUO_PAGES[0] - 1)
    hit, total, missing = share_reproduced(expected, records["fiscal_facts"])
    print(f"\nrasterised 财政局 p{PUTUO_PAGES[0]}-{PUTUO_PAGES[-1]}: {hit}/{total} native facts reproduced by OCR "
          f"({hit / total:.2%})")
    assert hit / total >= 0.98, missing[:20]
    # Facts beyond the native ones come from realign sliding cells of non-native rows (see
    # realign_row: "dumps and OCR rows can [slide]") on the two-halved 基本支出 table, not from
    # OCR: the raw cells of every page here equal the native ones (checked below, p16-17).
    extra = len(records["fiscal_facts"]) - hit
    print(f"facts from OCR not among the native ones: {extra}")


@pytest.mark.skipif(not PUTUO.exists(), reason="corpus PDF not present")
def test_rasterised_real_pages_read_cell_for_cell_like_native():
    native_doc = pymupdf.open(PUTUO)
    scan = pymupdf.open(stream=simulate_scan(PUTUO, [16, 17], seed=11), filetype="pdf")
    for index, pno in enumerate([16, 17]):
        from pipeline.extract.native import extract_page

        native, native_text = extract_page(native_doc[pno - 1], pno)
        ocr, ocr_text = extract_page_ocr(scan[index], pno)
        assert [(t.n_rows, t.n_cols) for t in ocr] == [(t.n_rows, t.n_cols) for t in native]
        for a, b in zip(native, ocr):
            cells_a = {(c.row, c.col, c.row_span, c.col_span): "".join(c.text.split()) for c in a.cells}
            cells_b = {(c.row, c.col, c.row_span, c.col_span): "".join(c.text.split()) for c in b.cells}
            assert cells_b == cells_a
            assert max(abs(x - y) for x, y in zip(a.col_edges, b.col_edges)) < 2.0  # points
        assert ["".join(t.split()) for _, t in ocr_text.lines] == ["".join(t.split()) for _, t in native_text.lines]


@pytest.mark.skipif(not PUTUO.exists(), reason="corpus PDF not present")
def test_pale_rasterised_document_keeps_labels_and_department(tmp_path):
    """The whole 财政局 document rasterised pale (solid ink at gray 70, blur σ 0.8 px, noise,
    JPEG q70): the hairline of 一 / 二 / 三 / 八 and the tail of a comma lie at gray 165-200,
    above the ink threshold. At least 99% of the native run's facts come back with the
    native labels (the fact key holds row_label), none invented, and the department and year
    are the native ones. (Before the faint-ink mask: 188/195 facts, `、一般公共预算财政拨款收入`,
    `十、粮油物资储备支出` for `二十、…`, `2.940.05`.)"""
    native = process_document(PUTUO).records
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(simulate_scan(PUTUO, range(1, 26), ink=70, blur=0.8))
    assert all(not p.get_text().strip() for p in pymupdf.open(scan))
    ocr = process_document(scan).records
    hit, total, missing = share_reproduced(native["fiscal_facts"], ocr["fiscal_facts"])
    where = ("table_key", "section", "page", "row_index", "column")  # a fact's place, its label aside
    labels = {tuple(f[k] for k in where): f["row_label"] for f in ocr["fiscal_facts"]}
    same = sum(labels.get(tuple(f[k] for k in where)) == f["row_label"] for f in native["fiscal_facts"])
    print(f"\npale rasterised 财政局: {hit}/{total} native facts ({hit / total:.2%}); labels equal {same}/{total}")
    assert hit / total >= 0.99, missing[:20]
    assert same / total >= 0.99
    assert len(ocr["fiscal_facts"]) <= total * 1.01
    for key in ("department", "year", "kind"):
        assert ocr["documents"][0][key] == native["documents"][0][key]


TURN_PAGES = range(6, 10)  # 收入支出决算总表 6→7, 收入决算表 8→9


@pytest.fixture(scope="module")
def upright_putuo_facts():
    _, _, records = ocr_document(simulate_scan(PUTUO, TURN_PAGES, seed=7), page_offset=TURN_PAGES[0] - 1)
    return records["fiscal_facts"]


@pytest.mark.skipif(not PUTUO.exists(), reason="corpus PDF not present")
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_pages_stored_turned_give_the_facts_of_upright_pages(turn, upright_putuo_facts):
    """The same scans stored turned by 90°, 180° or 270° with no /Rotate (a sheet fed sideways
    or upside down): detected, turned upright and read to the same facts."""
    data = simulate_scan(PUTUO, TURN_PAGES, seed=7, turn=turn)
    doc = pymupdf.open(stream=data, filetype="pdf")
    assert doc[0].rotation == 0 and (doc[0].rect.width > doc[0].rect.height) == (turn % 180 == 90)
    _, _, records = ocr_document(data, page_offset=TURN_PAGES[0] - 1)
    assert len(upright_putuo_facts) >= 50
    assert sorted(map(fact_key, records["fiscal_facts"])) == sorted(map(fact_key, upright_putuo_facts))


def test_rotated_page_is_read_in_its_displayed_orientation():
    """A scan stored sideways on a /Rotate 90 page gives the tables and page text of the same
    scan stored upright, in the displayed page's coordinates (as the native path does)."""
    upright = pymupdf.open(SCAN)
    image = upright.extract_image(upright[11].get_images()[0][0])["image"]
    rect = upright[11].rect
    doc = pymupdf.open()
    page = doc.new_page(width=rect.height, height=rect.width)
    page.set_rotation(90)
    page.insert_image(page.rect * page.derotation_matrix, stream=image, rotate=90)
    assert page.rect == rect
    want_tables, want_text = extract_page_ocr(upright[11], 12)
    got_tables, got_text = extract_page_ocr(page, 12)
    assert [t.grid() for t in got_tables] == [t.grid() for t in want_tables]
    for a, b in zip(got_tables, want_tables):
        assert max(abs(x - y) for x, y in zip(a.bbox, b.bbox)) < 0.5
    assert [t for _, t in got_text.lines] == [t for _, t in want_text.lines]


def _turned_page(page: pymupdf.Page, turn: int) -> pymupdf.Page:
    """The scan of `page` stored turned by `turn` degrees clockwise, no /Rotate."""
    image = page.parent.extract_image(page.get_images()[0][0])["image"]
    gray = turn_image(cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_GRAYSCALE), turn)
    ok, jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 90])
    rect = page.rect
    doc = pymupdf.open()
    out = doc.new_page(width=rect.height, height=rect.width) if turn % 180 else doc.new_page(width=rect.width, height=rect.height)
    out.insert_image(out.rect, stream=jpeg.tobytes())
    return out


@pytest.mark.parametrize("turn", [0, 90])
def test_cells_of_a_table_can_be_read_again_on_demand(turn):
    """What a caller does when an identity fails on an OCR table: re-read chosen cells (on a
    page stored on its side too: the cells' boxes are in the upright frame)."""
    from pipeline.ocr import reread_table_cells

    page = pymupdf.open(SCAN)[1]
    if turn:
        page = _turned_page(page, turn)
    tables, _ = extract_page_ocr(page, 2)
    cells = [c for c in tables[0].cells if c.text in ("583.63", "543.34", "19.28", "12.33", "一、一般公共预算财政拨款收入")]
    assert len(cells) == 5
    again = reread_table_cells(page, cells)
    assert [text for text, _ in again] == [c.text for c in cells]
    assert all(0.9 < conf <= 1.0 for _, conf in again)
