"""Budget (部门预算) identities and cross-table checks on real published budgets: a consistent
document draws no warning, and each kind of check, given one real cell changed (with the cells
that must move with it, so that no other check is touched), gives exactly its own warning."""
import copy

import pytest
from conftest import NATIONAL, need

from pipeline.extract import extract_pdf
from pipeline.process import process_document
from pipeline.validate import validate_document

WUXI = NATIONAL / "无锡_发展和改革局_2026年部门预算.pdf"
SHANGHAI = NATIONAL / "上海_2026年上海市审计局_部门预算.pdf"


def read(path):
    records = process_document(path).records
    narrative = [text for page in extract_pdf(path.read_bytes()).page_text for _, text in page.lines]
    return records, narrative


@pytest.fixture(scope="module")
def wuxi():
    return read(WUXI)


@pytest.fixture(scope="module")
def shanghai():
    return read(SHANGHAI)


def warning_checks(records, narrative):
    return sorted({f.check for f in validate_document(records, narrative).findings if f.severity == "warning"})


def moved(records, table_key, delta, *cells):
    """A copy with the given cells (row label or subject code, column[, section]) moved by delta."""
    out = copy.deepcopy(records)
    for row, column, *section in cells:
        hits = [f for f in out["fiscal_facts"] if f["table_key"] == table_key and f["column"] == column
                and row in (f["row_label"], f["subject_code"]) and (not section or f["section"] == section[0])]
        assert len(hits) == 1, (table_key, row, column, len(hits))
        hits[0]["value"] = round(hits[0]["value"] + delta, 2)
    return out


@need(WUXI)
@need(SHANGHAI)
@pytest.mark.parametrize("doc", ["wuxi", "shanghai"])
def test_consistent_budgets_draw_no_warning(doc, request):
    records, narrative = request.getfixturevalue(doc)
    assert warning_checks(records, narrative) == []
    assert {t["table_key"]: t["quality"] for t in records["tables"] if t["quality"] is not None}
    assert all(t["quality"] == 1.0 for t in records["tables"] if t["quality"] is not None)


WUXI_CHANGES = [
    # one unit's 合计 in the income table (its sources no longer add up to it)
    ("row_identity", "budget_income", [("无锡市发展改革研究中心", "合计")]),
    # a 款 row changed in two columns that still add up: 类 = Σ款 and 款 = Σ项 fail, nothing else
    ("code_hierarchy", "budget_expenditure", [("20104", "合计"), ("20104", "项目支出")]),
    # the 合计 row of a table no other table repeats: 合计 = Σ classes fails
    ("table_total", "budget_fiscal_appropriation_expenditure", [("合计", "合计"), ("合计", "项目支出")]),
    # 收入总计 of the summary: its two sides no longer agree
    ("summary_sides", "budget_income_expenditure_summary", [("收入总计", "预算数", "收入")]),
    # the summary's 本年支出合计 against the expenditure table's 合计
    ("cross_table", "budget_income_expenditure_summary", [("本年支出合计", "预算数", "支出")]),
    # the 三公 total with an item, still adding up: the text states the old total
    ("narrative", "budget_three_public", [("", "三公经费合计"), ("", "公务接待费")]),
]


@need(WUXI)
@pytest.mark.parametrize("check,table_key,cells", WUXI_CHANGES, ids=[c[0] for c in WUXI_CHANGES])
def test_each_check_gives_exactly_its_warning(wuxi, check, table_key, cells):
    records, narrative = wuxi
    cells = [(row or None, *rest) for row, *rest in cells]
    assert warning_checks(moved(records, table_key, 1.0, *cells), narrative) == [check]


@need(SHANGHAI)
def test_each_class_against_its_line_in_the_fiscal_appropriation_summary(shanghai):
    records, narrative = shanghai
    bad = moved(records, "budget_fiscal_appropriation_summary", 100.0, ("一般公共服务支出", "合计", "支出"),
                ("一般公共服务支出", "一般公共预算财政拨款", "支出"))
    found = [f for f in validate_document(bad, narrative).findings if f.severity == "warning"]
    assert [(f.check, f.row_label, f.actual) for f in found] == [("cross_table", "一般公共服务支出", 134339860)]


@need(WUXI)
def test_a_missing_standard_table_is_named(wuxi):
    records, narrative = wuxi
    gone = [t["table_id"] for t in records["tables"] if t["table_key"] == "budget_three_public"]
    less = {name: [r for r in rows if r.get("table_id") not in gone] if name in ("tables", "fiscal_facts") else rows
            for name, rows in records.items()}
    found = [f for f in validate_document(less, narrative).findings if f.severity == "warning"]
    assert [(f.check, f.message) for f in found] == [
        ("missing_table", "the disclosure lacks its 一般公共预算“三公”经费支出预算表 (budget_three_public)")]
