"""A run's outputs as documents come: warehouse batches, and JSONL and report.html in input order
whatever order the documents finish in; an interrupted run keeps what was done."""
import pytest
from conftest import SAMPLES, SEEDS

import pipeline.outputs
from pipeline.process import Options
from pipeline.run import RunInterrupted, collect_inputs, process_all, store_results
from pipeline.store import SCHEMA, open_warehouse


@pytest.fixture(scope="module")
def results():
    inputs = [str(SAMPLES / "native")] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    return list(process_all(collect_inputs(inputs), Options(ocr="never"), workers=0))


def outputs_of(out) -> dict[str, bytes]:
    """The JSONL files and the report site (report.html and the document pages in report/)."""
    files = [*out.iterdir(), *(out / "report").iterdir()]
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(files) if p.suffix in (".jsonl", ".html")}


def warehouse_counts(out) -> dict[str, int]:
    warehouse = open_warehouse(f"duckdb:///{out / 'warehouse.duckdb'}")
    try:
        return {table: len(warehouse.rows(table)) for table in SCHEMA}
    finally:
        warehouse.close()


def test_files_in_input_order_whatever_order_documents_finish_in(tmp_path, results, monkeypatch):
    assert len(results) >= 3
    in_order = store_results(iter(results), tmp_path / "a")
    monkeypatch.setattr(pipeline.outputs, "STORE_BATCH_DOCUMENTS", 2)  # several warehouse batches
    reversed_order = store_results(iter(results[::-1]), tmp_path / "b")
    assert in_order == reversed_order
    assert outputs_of(tmp_path / "a") == outputs_of(tmp_path / "b")
    assert len([name for name in outputs_of(tmp_path / "a") if name.startswith("report/")]) == len(results)
    documents = (tmp_path / "b" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [line.split('"document_id": "')[1][:64] for line in documents] == [r.document_id for _, r in results]
    lines = {table: (tmp_path / "b" / f"{table}.jsonl").read_text(encoding="utf-8").count("\n") for table in SCHEMA}
    assert warehouse_counts(tmp_path / "b") == lines
    assert lines["fiscal_facts"] == in_order.facts > 100
    assert not list((tmp_path / "b").glob(".*"))  # no temporary file left behind


def test_an_interrupted_run_keeps_the_documents_done(tmp_path, results):
    def three_then_interrupted():
        yield from results[:3]
        raise KeyboardInterrupt

    with pytest.raises(RunInterrupted) as stopped:
        store_results(three_then_interrupted(), tmp_path)
    assert stopped.value.summary.documents == 3
    # what was finished is written everywhere, whole: warehouse, JSONL and report agree
    assert warehouse_counts(tmp_path)["documents"] == 3
    assert len((tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert (tmp_path / "report.html").exists() and not list(tmp_path.glob(".*"))
