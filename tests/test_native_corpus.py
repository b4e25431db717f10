"""Native extraction on the real 决算 PDF of the corpus (skipped when ../shared is absent)."""
import pymupdf
import pytest
from conftest import BUDGETS, PUTUO, TEMPLATE, need

from pipeline.extract.native import extract_page
from pipeline.process import process_document

pytestmark = need(PUTUO)

EXPECTED_TABLES = [
    ("income_expenditure_summary", 6, 7),
    ("income", 8, 9),
    ("expenditure", 10, 11),
    ("fiscal_appropriation_summary", 12, 13),
    ("general_budget_expenditure", 15, 15),
    ("general_budget_basic_expenditure", 16, 17),
    ("three_public", 18, 18),
    ("government_fund", 19, 19),
    ("state_capital", 20, 20),
]


def test_cell_text_is_assembled_from_characters_not_glyph_lines():
    # PyMuPDF's own table text gives '294005\n, .' and '般公共预算财政拨款收入\n一 一\n、' here
    page = pymupdf.open(PUTUO)[5]
    tables, _ = extract_page(page, 6)
    grid = tables[0].grid()
    assert ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"] in grid


def test_every_final_account_table_is_found_stitched_and_keyed(putuo_result):
    tables = [(t["table_key"], t["page_start"], t["page_end"]) for t in putuo_result.records["tables"]
              if t["table_key"] != "other"]
    assert tables == EXPECTED_TABLES
    assert all(t["unit"] == "万元" for t in putuo_result.records["tables"] if t["table_key"] != "other")
    doc = putuo_result.document
    assert (doc["department"], doc["year"], doc["pages"], doc["status"]) == ("上海市普陀区财政局", 2024, 25, "done")


def test_empty_ruled_fragment_is_ignored(putuo_result):
    assert not any(t["page_start"] == 14 for t in putuo_result.records["tables"])
    assert any(f["check"] == "empty_fragment" for f in putuo_result.records["quality_log"])


def test_continuation_rows_keep_their_own_page(putuo_result):
    facts = putuo_result.records["fiscal_facts"]
    total = [f for f in facts if f["table_key"] == "income_expenditure_summary" and f["row_label"] == "总计"]
    assert {(f["section"], f["value"], f["page"]) for f in total} == {("收入", 2995.39, 7), ("支出", 2995.39, 7)}
    housing = [f for f in facts if f["table_key"] == "income" and f["subject_code"] == "2210201"]
    assert {(f["column"], f["value"], f["page"]) for f in housing} == {("本年收入合计", 187.19, 9), ("财政拨款收入", 187.19, 9)}


@pytest.mark.parametrize("key", ["income", "expenditure", "general_budget_expenditure"])
def test_codes_split_over_lei_kuan_xiang_are_joined(putuo_result, key):
    facts = [f for f in putuo_result.records["fiscal_facts"] if f["table_key"] == key]
    codes = {f["subject_code"] for f in facts}
    assert "2010601" in codes and "20106" in codes and "201" in codes
    assert all(c is None or (c.isdigit() and len(c) in (3, 5, 7)) for c in codes)
    seven = [f for f in facts if f["subject_code"] and len(f["subject_code"]) == 7]
    assert len(seven) >= 10
    row = {f["column"]: f["value"] for f in facts if f["subject_code"] == "2010601"}
    total = {"income": "本年收入合计", "expenditure": "本年支出合计", "general_budget_expenditure": "合计"}[key]
    assert row[total] == {"income": 1511.90, "expenditure": 1511.89, "general_budget_expenditure": 1511.89}[key]


def test_twin_tables_get_their_sections(putuo_result):
    facts = putuo_result.records["fiscal_facts"]
    basic = {(f["section"], f["subject_code"], f["row_label"]): f["value"] for f in facts
             if f["table_key"] == "general_budget_basic_expenditure"}
    assert basic[("人员经费", "30101", "基本工资")] == 262.33
    assert basic[("公用经费", "30201", "办公费")] == 21.21
    summary = [(f["section"], f["row_label"], f["value"]) for f in facts if f["table_key"] == "fiscal_appropriation_summary"]
    assert summary[0] == ("收入", "一般公共预算财政拨款", 2940.05)
    assert ("支出", "一般公共服务支出", 2106.66) in summary
    public = {(f["section"], f["column"]): f["value"] for f in facts if f["table_key"] == "three_public"}
    assert public[("预算数", "公务接待费")] == 0.95


@need(TEMPLATE)
def test_template_every_table_keyed_and_no_facts():
    result = process_document(TEMPLATE)
    keys = [t["table_key"] for t in result.records["tables"]]
    for key, _, _ in EXPECTED_TABLES:
        assert key in keys
    assert result.records["fiscal_facts"] == []
    assert result.document["status"] == "done"


@pytest.mark.skipif(not BUDGETS, reason="budget corpus absent")
@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.name)
def test_budget_documents_every_table_found_and_keyed(path):
    result = process_document(path)
    assert result.document["status"] == "done", result.document["error"]
    assert result.document["kind"] == "budget"
    tables = result.records["tables"]
    assert len(tables) >= 9 and [t["title"] for t in tables if t["table_key"] == "other"] == []
    assert all(t["table_key"].startswith("budget_") for t in tables)
    # no check fails, nothing is unreadable, and the tables' figures became facts
    assert not [f for f in result.records["quality_log"] if f["severity"] in ("error", "warning")]
    assert len(result.records["fiscal_facts"]) >= 150
