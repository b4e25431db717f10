"""Native extraction where rulings are partial or missing, and overprinted text.

Synthetic pages (drawn with PyMuPDF, `tests/pdfgen.py`) give exact grids; the real corpus checks
(skipped without ../shared/corpus) use real pages, some with their row rules removed."""
import re

import pymupdf
import pytest
from conftest import SHARED, need
from pdfgen import (
    FONT,
    draw_column_ruled_table,
    draw_full_table,
    draw_rules_only_table,
    draw_table,
    put_cell,
    write_lines,
    write_overprinted,
)

from pipeline.extract.native import extract_page, page_segments

HEADER = [["科目编码", "科目名称", "金额", "", ""], ["", "", "合计", "基本支出", "项目支出"]]
BODY = [
    ["201", "一般公共服务支出", "1,234.56", "1,000.00", "234.56"],
    ["20101", "人大事务", "500.00", "500.00", "0.00"],
    # wrapped where the 150 pt column is full: one row, whose figures sit on a line or between
    ["2010101", "行政运行行政运行行政运行行政运\n行经费", "300.00", "300.00", ""],
    ["2010102", "一般行政管理事务", "200.00", "200.00", ""],
    ["", "二十、灾害防治及应急管理支出", "", "", ""],  # label-only rows, the first the longest label
    ["", "二十一、其他支出", "", "", ""],
    ["208", "社会保障和就业支出", "734.56", "500.00", "234.56"],
    ["20805", "行政事业单位养老支出（一）二三\n四五六七八", "34.56", "", "34.56"],
]
FIGURE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def one_page(width=842, height=595):
    doc = pymupdf.open()
    return doc, doc.new_page(width=width, height=height)


def free_text(page_text) -> list[str]:
    return [text for _, text in page_text.lines]


# --- 1. column rules without row rules ----------------------------------------------------

@pytest.mark.parametrize("valign,pitch,leading", [("middle", 18, 11), ("top", 18, 11), ("top", 12, 12), ("middle", 14, 10)])
def test_column_rules_without_row_rules_give_rows_from_baselines(valign, pitch, leading):
    doc, page = one_page()
    draw_column_ruled_table(page, 80, [70, 150, 80, 80, 80], HEADER, BODY, header_merges={(0, 2): 3},
                            valign=valign, pitch=pitch, leading=leading)
    lines, rects, _ = page_segments(page)
    assert not lines and all(min(r[2] - r[0], r[3] - r[1]) <= 0.6 for r in rects)  # rules are thin rectangles
    tables, text = extract_page(page, 1)
    assert len(tables) == 1
    t = tables[0]
    assert (t.n_rows, t.n_cols) == (2 + len(BODY), 5)
    assert t.grid()[2:] == BODY
    # the merged header cell spans as before, and every cell keeps its page box
    assert {(c.row, c.col): c.col_span for c in t.cells if c.row == 0}[(0, 2)] == 3
    assert t.grid(fill_spans=True)[0][2:] == ["金额"] * 3
    assert all(c.bbox and c.bbox[1] < c.bbox[3] for c in t.cells)
    assert free_text(text) == []


def test_white_cell_backgrounds_draw_no_row_rules():
    """White fills behind some body cells (an Excel export) edge those cells only: the rows
    they seem to rule are not rulings, and rows still come from baselines."""
    doc, page = one_page()
    page.draw_rect(pymupdf.Rect(0, 0, 842, 595), color=None, fill=(1, 1, 1), width=0)  # page background
    for top in (116, 170):  # behind the 合计 and 基本支出 cells of two body rows
        page.draw_rect(pymupdf.Rect(260, top, 420, top + 18), color=None, fill=(1, 1, 1), width=0)
    draw_column_ruled_table(page, 80, [70, 150, 80, 80, 80], HEADER, BODY, header_merges={(0, 2): 3})
    tables, _ = extract_page(page, 1)
    assert [t.grid()[2:] for t in tables] == [BODY]


def test_figure_wrapped_inside_a_ruled_cell_keeps_its_row():
    doc, page = one_page()
    rows = [["项目", "总计", "其他"], ["工信产业发展专项资金", "", "11,054.30"], ["合计", "1.00", "2.00"]]
    draw_table(page, 80, [150, 88, 90], rows, height=30)
    for baseline, part in ((121, "264,334.8"), (132, "9")):  # the figure wrapped in its 88 pt cell
        page.insert_text((193, baseline), part, fontname=FONT, fontsize=9)
    t = extract_page(page, 1)[0][0]
    assert (t.n_rows, t.n_cols) == (3, 3)
    assert t.grid()[1] == ["工信产业发展专项资金", "264,334.8\n9", "11,054.30"]


def test_fully_ruled_table_keeps_its_grid_with_wrapped_and_listed_cells():
    doc, page = one_page()
    rows = [["序号", "名称", "应用部位", "数量"],
            ["1", "粗骨料\n细骨料", "1．市政工程路基\n2．建筑工程地基\n3．道路工程", "150"],
            ["2", "嘉兴市“十五\n五”人工智能", "履行公众参\n与、合法性审", "2.5\n3.5"],
            ["3", "标准砖", "道路雨水口", "12.00"]]
    for valign in ("middle", "top"):
        doc, page = one_page()
        draw_full_table(page, 80, [40, 90, 150, 60], rows, valign=valign)
        t = extract_page(page, 1)[0][0]
        assert (t.n_rows, t.n_cols) == (4, 4)
        assert t.grid() == rows


def test_a_frame_with_one_body_row_is_left_as_ruled():
    doc, page = one_page()
    draw_column_ruled_table(page, 80, [70, 150, 80, 80, 80], HEADER, BODY[:1], header_merges={(0, 2): 3})
    t = extract_page(page, 1)[0][0]
    assert (t.n_rows, t.n_cols) == (3, 5) and t.grid()[2] == BODY[0]


# --- 2. horizontal rules only; 3. no rules ------------------------------------------------

THREE_LINE_HEADER = ["项目", "合计", "基本支出", "项目支出"]
THREE_LINE_BODY = [
    ["一般公共服务支出", "1,234.56", "1,000.00", "234.56"],
    ["人大事务", "500.00", "500.00", "0.00"],
    ["行政运行行政运行行政运行行\n政运行经费", "300.00", "300.00", ""],
    ["二、外交支出", "", "", ""],
    ["社会保障和就业支出", "734.56", "500.00", "234.56"],
]


@pytest.mark.parametrize("rules", [True, False], ids=["three-line", "stream"])
def test_tables_without_column_rules_columns_from_alignment(rules):
    doc, page = one_page(595, 842)
    write_lines(page, 60, ["支出预算表", "单位：万元"])
    bottom = draw_rules_only_table(page, 100, [130, 90, 90, 90], THREE_LINE_HEADER, THREE_LINE_BODY, rules=rules)
    write_lines(page, bottom + 30, ["注：本表为示例。"])
    tables, text = extract_page(page, 1)
    assert len(tables) == 1
    t = tables[0]
    assert (t.n_rows, t.n_cols) == (6, 4)
    assert t.grid() == [THREE_LINE_HEADER] + THREE_LINE_BODY
    assert free_text(text) == ["支出预算表", "单位：万元", "注：本表为示例。"]
    assert t.col_edges[0] <= 43 and t.col_edges[-1] >= 437


def test_three_line_tables_under_a_page_rule_and_one_above_the_other():
    doc, page = one_page(595, 842)
    page.draw_line((40, 40), (440, 40))  # a page header rule of the tables' width, title below it
    write_lines(page, 60, ["支出预算表", "单位：万元"])
    bottom = draw_rules_only_table(page, 100, [130, 90, 90, 90], THREE_LINE_HEADER, THREE_LINE_BODY)
    write_lines(page, bottom + 30, ["收入预算表"])
    body = [["财政拨款收入", "2,000.00", "1,500.00", "500.00"], ["其他收入", "34.56", "34.56", "0.00"]]
    draw_rules_only_table(page, bottom + 50, [130, 90, 90, 90], THREE_LINE_HEADER, body)
    tables, text = extract_page(page, 1)
    assert [t.grid() for t in tables] == [[THREE_LINE_HEADER] + THREE_LINE_BODY, [THREE_LINE_HEADER] + body]
    assert free_text(text) == ["支出预算表", "单位：万元", "收入预算表"]


def test_two_stream_tables_apart_with_a_sentence_between():
    doc, page = one_page(595, 842)
    y = draw_rules_only_table(page, 80, [130, 90, 90], ["项目", "本年", "上年"],
                              [[f"项目{i}", f"{i},100.50", f"{i},000.25"] for i in range(1, 5)], rules=False)
    sentence = "以上数据来源于部门预算编制系统，其中本年数为2,100.50万元，上年数为1,000.25万元，两者相差较大。"
    write_lines(page, y + 8, [sentence])
    draw_rules_only_table(page, y + 40, [130, 90, 90], ["类别", "预算数", "决算数"],
                          [[f"类别{i}", f"{i}.75", f"{i}.50"] for i in range(1, 4)], rules=False)
    tables, text = extract_page(page, 1)
    assert [(t.n_rows, t.n_cols) for t in tables] == [(5, 3), (4, 3)]
    assert tables[1].grid()[0] == ["类别", "预算数", "决算数"]
    assert any("以上数据来源" in line for line in free_text(text))


# --- never a table from prose --------------------------------------------------------------

PROSE = [
    "一、收入预算情况说明",
    "2026年收入预算14,894.79万元，比2025年年初预算数14,708.87万元增加185.92万元，增长1.26%。",
    "其中：一般公共预算拨款收入14,864.40万元，政府性基金预算拨款收入0.00万元。",
    "二、支出预算情况说明",
    "2026年支出预算14,894.79万元，其中基本支出12,408.16万元，占83.31%；项目支出2,486.63万元。",
    "三、“三公”经费 2026年预算数 44.00 万元，比 2025 年减少 3.65 万元，下降 7.66%。",
    "因公出国（境）费用 29.00 万元，公务接待费 15.00 万元，公务用车购置及运行维护费 0.00 万元。",
]


def test_prose_page_with_numbers_gives_no_table():
    doc, page = one_page(595, 842)
    write_lines(page, 80, PROSE)
    tables, text = extract_page(page, 1)
    assert tables == []
    assert len(free_text(text)) == len(PROSE)


def test_contents_page_gives_no_table():
    doc, page = one_page(595, 842)
    entries = ["一、收支总表", "二、收入总表", "三、支出总表", "四、财政拨款收支总表", "五、一般公共预算支出表"]
    write_lines(page, 80, [f"{e}{'…' * (24 - len(e))}{i + 3}" for i, e in enumerate(entries)])
    # the same with page numbers set apart by whitespace, between two rules
    for i, e in enumerate(entries):
        page.insert_text((40, 300 + i * 18), e, fontname=FONT, fontsize=11)
        put_cell(page, 40, 500, 300 + i * 18, str(i + 12), size=11)
    page.draw_line((40, 285), (500, 285))
    page.draw_line((40, 300 + 5 * 18), (500, 300 + 5 * 18))
    tables, _ = extract_page(page, 1)
    assert tables == []


def test_notice_with_numbered_paragraphs_gives_no_table():
    doc, page = one_page(595, 842)
    write_lines(page, 80, ["关于开展2026年政务公开工作的通知", "各区人民政府，市政府各部门："]
                + [f"{i}. 各单位要在{i}月{i + 10}日前报送 {i},{i}00.00 万元 预算执行情况 {i}.5 %"
                   for i in range(1, 8)])  # spaced like a table, but words between and after the figures
    assert extract_page(page, 1)[0] == []


def test_prose_lines_on_white_boxes_give_no_table():
    """A notice drawn as one white-filled box per line (two per line on the second page): the
    boxes' edges are no rulings a reader sees."""
    doc = pymupdf.open()
    for split in (False, True):
        page = doc.new_page(width=595, height=842)
        for i, line in enumerate(PROSE):
            y = 80 + i * 29
            boxes = [(70, 300), (300, 525)] if split else [(70, 525)]
            for x0, x1 in boxes:
                page.draw_rect(pymupdf.Rect(x0, y, x1, y + 29), color=None, fill=(1, 1, 1), width=0)
            page.insert_text((72, y + 20), line[:40], fontname=FONT, fontsize=11)
        tables, text = extract_page(page, page.number + 1)
        assert tables == [] and len(free_text(text)) == len(PROSE)


def test_too_little_text_is_no_table():
    doc, page = one_page(595, 842)
    # two lines of amounts are not yet a table; nor is one body line under three rules
    draw_rules_only_table(page, 80, [130, 90, 90], ["项目", "本年", "上年"],
                          [["收入", "1,100.50", "1,000.25"], ["支出", "1,100.50", "1,000.25"]], rules=False)
    draw_rules_only_table(page, 300, [130, 90, 90], ["项目", "本年", "上年"], [["收入", "1,100.50", "1,000.25"]])
    assert extract_page(page, 1)[0] == []


# --- 4. overprinted text ------------------------------------------------------------------

def test_overprinted_title_reads_once():
    doc, page = one_page(595, 842)
    write_overprinted(page, (150, 60), "2022年部门综合预算收支总表")
    write_overprinted(page, (40, 85), "金额单位：元", size=9)
    page.insert_text((300, 40), "政策和项目预算绩效目标表", fontname=FONT, fontsize=14)
    page.insert_text((370.23, 40.15), "预算绩效目标表", fontname=FONT, fontsize=14)  # its tail drawn again
    draw_table(page, 100, [100, 100], [["项目", "金额"], ["合计", "11.00"]])
    tables, text = extract_page(page, 1)
    assert free_text(text) == ["政策和项目预算绩效目标表", "2022年部门综合预算收支总表", "金额单位：元"]
    assert tables[0].grid() == [["项目", "金额"], ["合计", "11.00"]]


def test_repeated_glyphs_a_glyph_apart_stay():
    doc, page = one_page(595, 842)
    page.insert_text((40, 60), "11,111.11 　二二", fontname=FONT, fontsize=9)
    assert free_text(extract_page(page, 1)[1]) == ["11,111.11 二二"]


# --- the real corpus ------------------------------------------------------------------------

JIANGSU = SHARED / "corpus/budget/江苏省委办公厅2019年度部门预算公开表格.pdf"
PUTUO_BUDGET = SHARED / "corpus/budget/上海市普陀区人民政府办公室25年预算.pdf"
PUTUO_FINAL = SHARED / "corpus/real/上海市普陀区财政局2024年度部门决算.pdf"
XIAN = SHARED / "corpus/national/西安_商务局_2026年部门预算.pdf"
NOT_DISCLOSURES = ("包头", "厦门", "嘉兴", "宁波", "宜宾", "惠州", "济南", "潍坊", "绵阳")


def figure_lines(text: str) -> int:
    return sum(1 for line in text.split("\n") if FIGURE.fullmatch(line.strip()))


@need(JIANGSU)
def test_jiangsu_budget_every_amount_in_its_own_row():
    doc = pymupdf.open(JIANGSU)
    shapes = []
    for page in doc:
        tables, _ = extract_page(page, page.number + 1)
        shapes.append([(t.n_rows, t.n_cols) for t in tables])
        words = [w[4] for w in page.get_text("words") if FIGURE.fullmatch(w[4]) and "." in w[4]]
        cells = [c.text for t in tables for c in t.cells if FIGURE.fullmatch(c.text) and "." in c.text]
        assert sorted(cells) == sorted(words), page.number + 1  # each amount a cell of its own
        assert all(figure_lines(c.text) <= 1 for t in tables for c in t.cells)
    # fully ruled: the grids are the ones the rulings give
    assert shapes == [[(28, 6)], [(16, 4)], [(3, 6)], [(8, 5)], [(16, 4)], [(34, 3)], [(16, 4)], [(34, 3)],
                      [(6, 10)], [(6, 4)], [(19, 4)], [(41, 6)]]


def body_start(table) -> int | None:
    for r, row in enumerate(table.grid()):
        if any(FIGURE.fullmatch(text) and "." in text for text in row):
            return r
    return None


def without_body_rules(page: pymupdf.Page, table) -> pymupdf.Page:
    """The page as a one-page PDF with every horizontal rule between the table's first figure
    row and its bottom removed (rows drawn, then left to baselines)."""
    from pipeline.geometry import split_orientation

    doc = pymupdf.open()
    doc.insert_pdf(page.parent, from_page=page.number, to_page=page.number)
    out = doc[0]
    top = min(c.bbox[1] for c in table.cells if c.row == body_start(table))
    lines, rects, _ = page_segments(out)
    inverse = ~out.rotation_matrix if out.rotation else None
    for h in split_orientation(lines, rects)[0]:
        if top + 1 < h.pos < table.bbox[3] - 1:
            box = pymupdf.Rect(h.lo - 1, h.pos - 1.2, h.hi + 1, h.pos + 1.2)
            out.add_redact_annot(box * inverse if inverse is not None else box)
    out.apply_redactions(images=0, graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED, text=pymupdf.PDF_REDACT_TEXT_NONE)
    return pymupdf.open(stream=doc.tobytes(), filetype="pdf")[0]


# Jiangsu page 2 is left out: its body is merged label cells over several rows, which no
# baseline can tell apart once the rules are gone
@pytest.mark.parametrize("path,pages", [
    (JIANGSU, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    (PUTUO_BUDGET, [2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
    (PUTUO_FINAL, [5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17]),
], ids=["jiangsu", "putuo-budget", "putuo-final"])
def test_real_tables_with_body_row_rules_removed_keep_their_rows(path, pages):
    if not path.exists():
        pytest.skip(f"{path} not present")
    doc = pymupdf.open(path)
    checked = 0
    for pno in pages:
        tables, _ = extract_page(doc[pno - 1], pno)
        if len(tables) != 1 or body_start(tables[0]) is None:
            continue
        ruled = tables[0]
        # empty ruled rows have no baseline; an empty column drawn by a white page background is gone
        want = [[x for x in row if x] for row in ruled.grid()[body_start(ruled):] if any(row)]
        got_tables, _ = extract_page(without_body_rules(doc[pno - 1], ruled), pno)
        got = [[x for x in row if x] for t in got_tables for row in t.grid() if any(row)]
        assert got[-len(want):] == want, (path.name, pno)
        checked += 1
    assert checked >= 5


@pytest.mark.skipif(not (SHARED / "corpus/national").is_dir(), reason="corpus not present")
def test_non_disclosures_give_no_table_from_prose():
    files = [f for f in sorted((SHARED / "corpus/national").glob("*.pdf")) if f.name.startswith(NOT_DISCLOSURES)]
    assert len(files) == 13
    from pipeline.classify import classify_page

    for f in files:
        doc = pymupdf.open(f)
        for page in doc:
            if classify_page(page, page.number + 1).kind != "native":
                continue
            for t in extract_page(page, page.number + 1)[0]:
                rows = [row for row in t.grid() if any(row)]
                # a form or a ruled list may stay; a column of sentences may not
                assert t.n_cols >= 2 and sum(1 for row in rows if sum(1 for x in row if x) >= 2) >= len(rows) / 2, \
                    (f.name, page.number + 1)


@need(XIAN)
def test_overprinted_titles_in_xian_read_once():
    doc = pymupdf.open(XIAN)
    for pno in range(36, 63):
        tables, text = extract_page(doc[pno - 1], pno)
        lines = free_text(text) + [c.text for t in tables for c in t.cells]
        assert not any(re.search(r"(.)\1\1\1", line) and not re.search(r"\d{4}", line) for line in lines), pno
        assert not any("部部" in line or "表表" in line for line in lines), pno
    assert "2022年部门综合预算收支总表" in free_text(extract_page(doc[35], 36)[1])
