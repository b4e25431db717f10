"""Layouts of other provinces' tables, each as a minimal ruled table (cells on their grid, as
the native extractor hands them on): two-sided summaries whatever the name column's header says,
codes printed part by part, sub-columns, columns of two years, a total beside its items."""
from pipeline import catalog
from pipeline.model import Cell, RawTable
from pipeline.realign import realign_table
from pipeline.validate import validate_document


def ruled(rows: list[list[str | None]], title: str, unit: str = "万元") -> RawTable:
    """A grid of cells; `None` is a place covered by the merged cell to its left."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is not None:
                span = next((k for k in range(c + 1, len(row)) if row[k] is not None), len(row)) - c
                cells.append(Cell(r, c, text, (c * 50.0, r * 20.0, (c + span) * 50.0, r * 20.0 + 20), 1, span, 1.0, 1))
    return RawTable(cells, len(rows), len(rows[0]), 1, "native", title=title, unit=unit,
                    row_pages=[1] * len(rows))


def facts_of(rows, title, family=None):
    raw = ruled(rows, title)
    spec = catalog.key_table(title, [], family)
    facts, findings, actions = realign_table(raw, spec, 1)
    return spec.key, {(f["section"], f["row_label"], f["subject_code"], f["column"]): f["value"] for f in facts}, facts


def test_two_sided_summary_whatever_its_name_header_says():
    # 教育部 高等学校 variant: the 收入 name column is headed `项目(按功能分类)`
    key, facts, _ = facts_of([
        ["收入", "", "支出", ""],
        ["项目(按功能分类)", "决算数", "项目(按功能分类)", "决算数"],
        ["一、财政拨款收入", "1,200.00", "一、教育支出", "1,500.00"],
        ["二、事业收入", "300.00", "二、科学技术支出", "0.00"],
        ["本年收入合计", "1,500.00", "本年支出合计", "1,500.00"],
    ], "收入支出决算总表")
    assert key == "income_expenditure_summary"
    assert facts[("收入", "财政拨款收入", None, "决算数")] == 1200
    assert facts[("支出", "教育支出", None, "决算数")] == 1500
    assert facts[("支出", "本年支出合计", None, "决算数")] == 1500


def test_codes_printed_part_by_part_continue_the_row_above():
    key, facts, rows = facts_of([
        ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
        ["", "", "", "合计", "5.50", "5.50", ""],
        ["205", "", "", "教育支出", "5.50", "5.50", ""],
        ["", "08", "", "进修及培训", "5.50", "5.50", ""],
        ["", "", "03", "培训支出", "5.50", "5.50", ""],
    ], "支出总体情况表", "budget")
    assert key == "budget_expenditure"
    assert facts[("", "培训支出", "2050803", "合计")] == 5.5
    assert facts[("", "进修及培训", "20508", "基本支出")] == 5.5
    by_code = {f["subject_code"]: f for f in rows if f["column"] == "合计"}
    assert by_code["2050803"]["parent_code"] == "20508" and by_code["205"]["is_total"] and not by_code["2050803"]["is_total"]
    assert by_code[None]["is_total"] and by_code["2050803"]["value_yuan"] == 55000


def test_sub_columns_and_a_previous_years_column():
    _, facts, _ = facts_of([
        ["科目编码", "科目名称", "2025年预算数", "2026年预算数", "", ""],
        ["", "", "", "总计", "基本支出", "项目支出"],
        ["201", "一般公共服务支出", "12,679.50", "15,146.48", "6,420.41", "8,726.07"],
    ], "2026年一般公共预算支出情况表", "budget")
    assert facts[("", "一般公共服务支出", "201", "合计")] == 15146.48
    assert facts[("", "一般公共服务支出", "201", "2025年预算数")] == 12679.5


def test_an_items_own_subtotal_is_not_the_tables_total():
    _, facts, _ = facts_of([
        ["科目编码", "科目名称", "支出总计", "基本支出", "项目支出", "政府采购项目", None],
        ["", "", "", "", "", "小计", "其中：预留给中小企业"],
        ["201", "一般公共服务支出", "3,478.72", "2,357.92", "1,120.80", "94.28", "94.28"],
    ], "支出总表", "budget")
    assert facts[("", "一般公共服务支出", "201", "合计")] == 3478.72
    assert facts[("", "一般公共服务支出", "201", "政府采购项目")] == 94.28
    assert facts[("", "一般公共服务支出", "201", "政府采购项目/预留给中小企业")] == 94.28


def test_words_and_counts_are_not_amounts():
    _, facts, _ = facts_of([
        ["科目编码", "", "", "采购项目", "数量", "预算金额", "备注"],
        ["类", "款", "项", "", "", "", ""],
        ["201", "06", "02", "多功能一体机", "1", "495,000.00", "更新"],
    ], "政府采购预算表", "budget")
    assert facts == {("", "多功能一体机", "2010602", "预算金额"): 495000}


def test_a_column_the_catalog_cannot_place_stops_the_row_identities_not_the_facts():
    def read(header, values):
        raw = ruled([["科目编码", "科目名称", "合计", "基本支出", "项目支出", *header],
                     ["201", "一般公共服务支出", "100.00", "60.00", "30.00", *values]], "支出总表")
        facts, _, _ = realign_table(raw, catalog.key_table("支出总表", [], "budget"), 1)
        records = {"fiscal_facts": facts, "tables": [], "perf_funds": [], "perf_indicators": [], "perf_projects": []}
        return [f.check for f in validate_document(records, []).findings if f.severity == "warning"], facts

    # a part the tree knows: 合计 = 基本支出 + 项目支出 + 上缴上级支出 holds
    assert read(["上缴上级支出"], ["10.00"])[0] == []
    # without it the identity is checked and fails
    assert read([], [])[0] == ["row_identity"]
    # a column no catalog entry names may be a part: no alarm, and its figure is still a fact
    found, facts = read(["某省特有支出"], ["10.00"])
    assert found == [] and {f["column"]: f["value"] for f in facts}["某省特有支出"] == 10
