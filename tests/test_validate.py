"""Validation checks (issue 3/6), each on a real example: the published inconsistencies of the
seeds, and the consistent 普陀区财政局 PDF with one of its cells changed (the check must catch
the change, and nothing else)."""
import copy

import pytest
from conftest import PUTUO, SEEDS, need

from pipeline.process import process_document
from pipeline.validate import validate_document


def warnings(records, narrative=()):
    return [f for f in validate_document(records, list(narrative)).findings if f.severity == "warning"]


def changed(records, table_key, value_from, value_to, **match):
    """A copy of the records with one fact's value changed (a misread cell)."""
    out = copy.deepcopy(records)
    hits = [f for f in out["fiscal_facts"] if f["table_key"] == table_key and f["value"] == value_from
            and all(f.get(k) == v for k, v in match.items())]
    assert hits, (table_key, value_from, match)
    hits[0]["value"] = value_to
    return out


@pytest.fixture(scope="module")
def putuo():
    if not PUTUO.exists():
        pytest.skip("corpus PDF not present")
    return process_document(PUTUO).records


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("seeds not present")
    return {p.name[:3]: process_document(p) for p in sorted(SEEDS.glob("*.txt"))}


@need(PUTUO)
def test_consistent_real_document_has_no_warning(putuo):
    # every check below runs on this document and holds: no warning is left to explain
    assert [(f.check, f.message) for f in warnings(putuo)] == []
    assert [f for f in putuo["quality_log"] if f["severity"] == "warning"] == []
    # every standard table is checked and holds; the one table no catalog entry names has no
    # quality at all (SPEC v2: an unrecognised table is not a perfect one)
    assert {t["table_key"]: t["quality"] for t in putuo["tables"]} == {
        **{t["table_key"]: 1.0 for t in putuo["tables"] if t["table_key"] != "other"}, "other": None}


@need(PUTUO)
def test_row_identity(putuo):
    bad = changed(putuo, "expenditure", 603.14, 613.14, subject_code=None, column="项目支出")
    found = [f for f in warnings(bad) if f.check == "row_identity"]
    assert found and found[0].column == "本年支出合计" and found[0].expected == pytest.approx(2950.05)


@need(PUTUO)
def test_code_hierarchy(putuo):
    bad = changed(putuo, "income", 187.19, 178.19, subject_code="2210201", column="本年收入合计")
    found = [f for f in warnings(bad) if f.check == "code_hierarchy"]
    assert {(f.row_label, f.column, f.expected, f.actual) for f in found} == {("住房改革支出", "本年收入合计", 436.69, 445.69)}


@need(PUTUO)
def test_table_total_row(putuo):
    bad = changed(putuo, "general_budget_expenditure", 60.99, 61.99, subject_code="210", column="合计")
    checks = {f.check for f in warnings(bad)}
    assert "table_total" in checks and "code_hierarchy" in checks


@need(PUTUO)
def test_summary_sides(putuo):
    bad = changed(putuo, "income_expenditure_summary", 2995.39, 2995.93, section="支出", row_label="总计")
    found = [f for f in warnings(bad) if f.check == "summary_sides"]
    assert found and (found[0].expected, found[0].actual) == (2995.39, 2995.93)


@need(PUTUO)
@pytest.mark.parametrize("table_key,value,match,what", [
    ("income", 2946.25, dict(row_label="合计", column="本年收入合计"), "income 合计"),
    ("expenditure", 2106.66, dict(subject_code="201", column="本年支出合计"), "class 201"),
    ("general_budget_expenditure", 2940.05, dict(row_label="合计", column="合计"), "general-budget"),
    ("general_budget_basic_expenditure", 184.65, dict(row_label="公用经费合计"), "basic expenditure total"),
])
def test_cross_table(putuo, table_key, value, match, what):
    bad = changed(putuo, table_key, value, value + 1, **match)
    assert any(f.check == "cross_table" and f.message.startswith(what) for f in warnings(bad))


@need(PUTUO)
def test_three_public_identity(putuo):
    bad = changed(putuo, "three_public", 0.95, 1.95, section="预算数", column="合计")
    assert any(f.check == "row_identity" and f.column == "合计" for f in warnings(bad))


@need(PUTUO)
def test_narrative_against_tables(putuo):
    stated = ["上海市普陀区财政局2024年度收、支总计均为2995.39万元。"]
    assert not [f for f in warnings(putuo, stated) if f.check == "narrative"]
    found = [f for f in warnings(putuo, ["2024年度收、支总计均为2959.39万元。"]) if f.check == "narrative"]
    assert {(f.row_label, f.expected, f.actual) for f in found} == {("总计", 2959.39, 2995.39)}


@need(PUTUO)
def test_completeness_missing_table(putuo):
    fewer = copy.deepcopy(putuo)
    fewer["tables"] = [t for t in fewer["tables"] if t["table_key"] != "three_public"]
    found = [f for f in warnings(fewer) if f.check == "missing_table"]
    assert len(found) == 1 and "财政拨款“三公”经费支出决算表" in found[0].message


@need(PUTUO)
def test_completeness_empty_table_the_text_contradicts(putuo):
    text = ["2024年度政府性基金预算财政拨款支出12.50万元。"]
    found = [f for f in warnings(putuo, text) if f.check == "empty_table"]
    assert len(found) == 1 and found[0].expected == 12.5


def test_seed_narrative_and_unit_warnings(seeds):
    log = seeds["000"].records["quality_log"]
    narrative = [f for f in log if f["check"] == "narrative"]
    assert [(f["row_label"], f["expected"], f["actual"]) for f in narrative] == [("人员招聘费用", 4.49, 4.94)]
    unit = [f for f in log if f["check"] == "unit"]
    assert len(unit) == 1 and "劳务费" in unit[0]["message"] and (unit[0]["expected"], unit[0]["actual"]) == ("元", "万元")


def test_seed_missing_tables_and_total_score(seeds):
    missing = {f["message"] for f in seeds["004"].records["quality_log"] if f["check"] == "missing_table"}
    assert missing == {"the disclosure lacks its 政府性基金预算财政拨款收入支出决算表 (government_fund)",
                       "the disclosure lacks its 国有资本经营预算财政拨款支出决算表 (state_capital)"}
    totals = {(f["row_label"], f["expected"], f["actual"]) for f in seeds["002"].records["quality_log"]
              if f["check"] == "total_score"}
    # the published 总分 95 of 窗口服务专项经费 is not the sum of its published 得分 (5.39 + 90)
    assert ("窗口服务专项经费", 95.39, 95) in totals


def test_execution_rate_and_score_over_weight(seeds):
    records = copy.deepcopy(seeds["000"].records)
    fund = next(f for f in records["perf_funds"] if f["project_name"] == "政务中心办公费" and f["funding_source"] == "当年财政拨款")
    fund["execution_rate"] = 79.11
    assert any(f.check == "execution_rate" and f.actual == 79.11 for f in warnings(records))
    records = copy.deepcopy(seeds["001"].records)
    ind = next(f for f in records["perf_indicators"] if f["weight"] == 2 and f["score"] == 2)
    ind["score"] = 3
    assert any(f.check == "score_over_weight" for f in warnings(records))


def test_document_with_an_unreadable_table_is_partial(tmp_path):
    import pymupdf
    from pdfgen import income_table_pdf
    income_table_pdf(tmp_path / "a.pdf")
    doc = pymupdf.open(tmp_path / "a.pdf")
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 40), False)
    pix.clear_with(0)  # a new pixmap holds whatever memory held: OCR once read "text" in such noise
    page.insert_image(page.rect, pixmap=pix)
    doc.save(tmp_path / "b.pdf")
    result = process_document(tmp_path / "b.pdf")
    assert result.document["status"] == "partial"
    assert any(f["severity"] == "error" and f["page"] == 3 for f in result.records["quality_log"])
