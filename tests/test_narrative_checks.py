"""Amounts the explanatory text states, each against the cell the catalog says it describes, on
real documents: a consistent document draws no warning; a cell changed, blanked or set where
the text says 0.00 draws exactly the warnings of the phrases about it."""
import copy

import pytest
from conftest import NATIONAL, PUTUO, need

from pipeline.extract import extract_pdf
from pipeline.process import process_document
from pipeline.validate import validate_document

SHANGHAI = NATIONAL / "上海_2026年上海市审计局_部门预算.pdf"
WUXI = NATIONAL / "无锡_发展和改革局_2026年部门预算.pdf"
XIAN = NATIONAL / "西安_民政局_2026年部门预算.pdf"


def read(path):
    narrative = [text for page in extract_pdf(path.read_bytes()).page_text for _, text in page.lines]
    return process_document(path).records, narrative


@pytest.fixture(scope="module")
def docs():
    return {path.name: read(path) for path in (SHANGHAI, WUXI, XIAN, PUTUO) if path.exists()}


def narrative_warnings(records, narrative):
    return sorted((f.column, f.expected, f.actual) for f in validate_document(records, narrative).findings
                  if f.severity == "warning")


def edited(records, table_key, column, value, section=None):
    """A copy with (table, column[, section]) of the table's first row set to `value` (None:
    blanked); a fact is added where the table printed the cell blank."""
    out = copy.deepcopy(records)
    facts = out["fiscal_facts"]
    first = min((f["row_index"] for f in facts if f["table_key"] == table_key), default=None)
    hits = [f for f in facts if f["table_key"] == table_key and f["column"] == column and f["row_index"] == first
            and (section is None or f["section"] == section)]
    if value is None:
        facts.remove(hits[0])
    elif hits:
        hits[0]["value"] = value
    else:
        table = next(t for t in out["tables"] if t["table_key"] == table_key)
        facts.append({"table_id": table["table_id"], "table_key": table_key, "section": section, "row_label": None,
                      "subject_code": None, "column": column, "value": value, "unit": table["unit"], "page": 1})
    return out


@pytest.mark.parametrize("path", [SHANGHAI, WUXI, XIAN, PUTUO], ids=lambda p: p.name[:12])
def test_consistent_documents_draw_no_narrative_warning(docs, path):
    if path.name not in docs:
        pytest.skip("corpus absent")
    records, narrative = docs[path.name]
    assert [f for f in validate_document(records, narrative).findings if f.check == "narrative"] == []


@need(SHANGHAI)
def test_budget_three_public_items(docs):
    records, narrative = docs[SHANGHAI.name]
    # `因公出国（境）费201.80万元` and `公务接待费8.12万元`: two items moved, their total kept
    bad = edited(edited(records, "budget_three_public", "因公出国（境）费", 202.80), "budget_three_public", "公务接待费", 7.12)
    assert narrative_warnings(bad, narrative) == [("公务接待费", 8.12, 7.12), ("因公出国（境）费", 201.8, 202.8)]


@need(SHANGHAI)
def test_budget_item_left_blank_while_the_text_states_it(docs):
    records, narrative = docs[SHANGHAI.name]
    # the cell blanked and the total lowered with it: the text states both
    bad = edited(edited(records, "budget_three_public", "公务接待费", None), "budget_three_public", "三公经费合计", 229.80)
    assert narrative_warnings(bad, narrative) == [("三公经费合计", 237.92, 229.8), ("公务接待费", 8.12, None)]


@need(SHANGHAI)
def test_budget_operating_costs_and_appropriation_income(docs):
    records, narrative = docs[SHANGHAI.name]
    # `机关运行经费预算为2,180.26万元`
    assert narrative_warnings(edited(records, "budget_three_public", "机关运行经费", 2181.26), narrative) == [
        ("机关运行经费", 2180.26, 2181.26)]
    # `其中：财政拨款收入19,577万元` against 195,774,300 元: the text's precision decides
    bad = edited(records, "budget_income_expenditure_summary", "预算数", 195_794_300, section="收入")
    assert narrative_warnings(bad, narrative) == [("预算数", 19577, 195794300)]


@need(WUXI)
def test_budget_procurement_total(docs):
    records, narrative = docs[WUXI.name]
    # `政府采购支出预算总额720万元`
    bad = edited(records, "budget_government_procurement", "合计", 721.0)
    assert narrative_warnings(bad, narrative) == [("合计", 720, 721)]


@need(XIAN)
def test_budget_meeting_costs(docs):
    records, narrative = docs[XIAN.name]
    # `会议费预算支出29.92万元` (the table in 元): the total row's 会议费, and its 合计 with it
    bad = edited(edited(records, "budget_three_public", "会议费", 309250.0), "budget_three_public", "合计", 1643304.0)
    assert narrative_warnings(bad, narrative) == [("会议费", 29.92, 309250)]


@need(PUTUO)
def test_final_account_three_public_budget_and_zero_spent(docs):
    records, narrative = docs[PUTUO.name]
    # `“三公”经费财政拨款支出年初预算为0.95万元`: the total and its one item moved together
    bad = edited(edited(records, "three_public", "合计", 1.95, section="预算数"), "three_public", "公务接待费", 1.95,
                 section="预算数")
    assert narrative_warnings(bad, narrative) == [("合计", 0.95, 1.95)]
    # `因公出国（境）费决算为0.00万元` where the table prints a figure
    bad = edited(records, "three_public", "因公出国（境）费", 3.0, section="决算数")
    assert narrative_warnings(bad, narrative) == [("因公出国（境）费", 0, 3.0)]
