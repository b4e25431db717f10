"""The generated samples against their ground truth (computed by the generator, not by us)."""
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLES

from pipeline.cli import main
from pipeline.extract import extract_pdf
from pipeline.process import process_document
from pipeline.validate import validate_document

NATIVE = sorted((SAMPLES / "native").glob("*.pdf"))
FACT_KEY = ("table_key", "section", "row_label", "subject_code", "column", "value", "unit", "page")


def truth_of(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".truth.json").read_text(encoding="utf-8"))


def as_counter(records, keys):
    return Counter(json.dumps([r.get(k) for k in keys], ensure_ascii=False) for r in records)


@pytest.fixture(scope="module")
def results():
    return {pdf.name: (process_document(pdf), truth_of(pdf)) for pdf in NATIVE}


def test_native_sample_facts_match_ground_truth(results):
    matched = expected = produced = 0
    for result, truth in results.values():
        exp = as_counter(truth["fiscal_facts"], FACT_KEY)
        got = as_counter(result.records["fiscal_facts"], FACT_KEY)
        matched += sum((exp & got).values())
        expected += sum(exp.values())
        produced += sum(got.values())
    assert expected > 1000
    assert matched / expected >= 0.995, f"{matched}/{expected} facts right"
    assert produced - matched <= expected * 0.005, "facts the truth does not have"


def test_native_sample_tables_are_keyed_and_stitched(results):
    for name, (result, truth) in results.items():
        got = [(t["table_key"], t["page_start"], t["page_end"], t["unit"]) for t in result.records["tables"]]
        assert got == [(t["table_key"], t["page_start"], t["page_end"], t["unit"]) for t in truth["tables"]], name
        doc = result.document
        assert (doc["department"], doc["year"], doc["pages"], doc["status"]) == (
            truth["department"], truth["year"], truth["pages"], "done"), name


@pytest.mark.parametrize("table", ["perf_projects", "perf_funds", "perf_indicators"])
def test_native_sample_performance_records_match_ground_truth(results, table):
    for name, (result, truth) in results.items():
        keys = [k for k in truth[table][0] if k not in ("document_id", "table_id")]
        assert as_counter(result.records[table], keys) == as_counter(truth[table], keys), name


def test_run_samples_exits_zero_and_writes_everything(tmp_path, capsys):
    assert main(["run", str(SAMPLES), "--out", str(tmp_path)]) == 0
    summary = capsys.readouterr().out
    assert summary.startswith("documents: ")
    docs = [json.loads(line) for line in (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == len(list(SAMPLES.rglob("*.pdf")))
    assert not [d for d in docs if d["status"] == "failed"]
    assert (tmp_path / "report.html").stat().st_size > 1000


def test_mixed_document_yields_one_consistent_set_of_tables():
    """Native and scanned pages in one PDF: each page read its own way, one set of tables."""
    pdf = SAMPLES / "mixed" / "dept_c_2023_mixed.pdf"
    truth = truth_of(pdf)
    result = process_document(pdf)
    tables = result.records["tables"]
    assert [(t["table_key"], t["page_start"], t["page_end"]) for t in tables] == [
        (t["table_key"], t["page_start"], t["page_end"]) for t in truth["tables"]]
    assert {t["source"] for t in tables} == {"native", "ocr"}
    ocr_pages = {f["page"] for f in result.records["quality_log"] if f["check"] == "page_ocr"}
    assert ocr_pages == set(truth["scanned_pages"])
    assert as_counter(result.records["fiscal_facts"], FACT_KEY) == as_counter(truth["fiscal_facts"], FACT_KEY)
    assert not [f for f in result.records["quality_log"] if f["severity"] != "info"]


# --- the budget sample (部门预算, samples/make_budget_sample.py) ------------------------------

BUDGET = SAMPLES / "budget" / "data_bureau_2026.pdf"
V2_KEY = FACT_KEY + ("is_total", "parent_code", "value_yuan")


@pytest.fixture(scope="module")
def budget():
    return process_document(BUDGET), truth_of(BUDGET)


def matched_share(truth_facts, facts, keys):
    exp, got = as_counter(truth_facts, keys), as_counter(facts, keys)
    return sum((exp & got).values()), sum(exp.values()), sum(got.values())


def test_budget_sample_facts_match_ground_truth(budget):
    result, truth = budget
    matched, expected, produced = matched_share(truth["fiscal_facts"], result.records["fiscal_facts"], FACT_KEY)
    assert expected > 300
    assert matched / expected >= 0.995, f"{matched}/{expected} facts right"
    assert produced - matched <= expected * 0.005, f"{produced - matched} facts the truth does not have"


def test_budget_sample_v2_fact_fields_match_ground_truth(budget):
    """is_total, parent_code and value_yuan (SPEC v2) of the facts, against the generator's."""
    result, truth = budget
    matched, expected, _ = matched_share(truth["fiscal_facts"], result.records["fiscal_facts"], V2_KEY)
    assert matched / expected >= 0.995, f"{matched}/{expected} facts with their v2 fields right"


def test_budget_sample_is_a_budget_with_its_tables_keyed(budget):
    result, truth = budget
    got = [(t["table_key"], t["page_start"], t["page_end"], t["unit"]) for t in result.records["tables"]]
    assert got == [(t["table_key"], t["page_start"], t["page_end"], t["unit"]) for t in truth["tables"]]
    doc = result.document
    assert (doc["kind"], doc["department"], doc["year"], doc["pages"], doc["status"]) == (
        "budget", truth["department"], truth["year"], truth["pages"], "done")


# the amounts the sample's 预算说明 states (SPEC v2 narrative checks for budgets)
STATED = ("收入预算", "支出预算", "“三公”经费预算数为", "机关运行经费预算为")


def test_budget_sample_text_agrees_with_its_tables(budget):
    """A consistent budget draws no warning; each amount its text states is checked (stated
    differently, it draws exactly one `narrative` warning)."""
    result, _ = budget
    assert [(f["check"], f["message"]) for f in result.records["quality_log"] if f["severity"] != "info"] == []
    text = "".join("".join(t.split()) for page in extract_pdf(BUDGET.read_bytes()).page_text for _, t in page.lines)

    def warnings(narrative):
        return [f.check for f in validate_document(result.records, [narrative]).findings if f.severity == "warning"]

    assert warnings(text) == []
    for phrase in STATED:
        m = re.search(re.escape(phrase) + r"(\d[\d,]*\.\d{2})万元", text)
        assert m, phrase
        other = f"{float(m.group(1).replace(',', '')) + 1:,.2f}"
        assert warnings(text[:m.start(1)] + other + text[m.end(1):]) == ["narrative"], phrase


def test_budget_sample_is_what_the_generator_draws():
    """The committed truth is the generator's (regenerate with `python samples/make_samples.py`)."""
    pytest.importorskip("PIL")
    sys.path.insert(0, str(SAMPLES))
    try:
        import make_budget_sample
    finally:
        sys.path.remove(str(SAMPLES))
    _, truth = make_budget_sample.build()
    assert truth == truth_of(BUDGET)
