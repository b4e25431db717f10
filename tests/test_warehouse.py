"""Warehouses: the same records land in DuckDB and in a real PostgreSQL; a document is
replaced in one transaction — no duplicates, no half-written document."""
import json

import pytest
from conftest import SAMPLES, SEEDS

from pipeline.run import run_inputs
from pipeline.store import SCHEMA, open_warehouse


def rows(url: str, table: str) -> list[str]:
    warehouse = open_warehouse(url)
    try:
        out = []
        for row in warehouse.rows(table):
            if table == "documents":
                row = {k: v for k, v in row.items() if k not in ("processed_at", "source_uri")}
            out.append(json.dumps({k: (round(v, 6) if isinstance(v, float) else v) for k, v in row.items()},
                                  ensure_ascii=False, sort_keys=True))
        return sorted(out)
    finally:
        warehouse.close()


def inputs():
    items = [str(SAMPLES / "native")]
    if SEEDS.is_dir():
        items.append(str(SEEDS))
    return items


def test_same_records_in_duckdb_and_postgresql(tmp_path, postgres_url):
    duck = f"duckdb:///{tmp_path / 'w.duckdb'}"
    run_inputs(inputs(), tmp_path / "a", duck)
    run_inputs(inputs(), tmp_path / "b", postgres_url)
    for table in SCHEMA:
        got_duck, got_pg = rows(duck, table), rows(postgres_url, table)
        assert got_duck == got_pg, table
    assert len(rows(postgres_url, "fiscal_facts")) > 1000


def test_reprocessing_replaces_a_document_in_postgresql(tmp_path, postgres_url):
    pdf = SAMPLES / "native" / "dept_b_2023.pdf"
    run_inputs([str(pdf)], tmp_path / "a", postgres_url)
    first = {t: len(rows(postgres_url, t)) for t in ("documents", "fiscal_facts")}
    run_inputs([str(pdf)], tmp_path / "b", postgres_url)
    assert {t: len(rows(postgres_url, t)) for t in ("documents", "fiscal_facts")} == first


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_failed_write_leaves_the_previous_records(tmp_path, postgres_url, backend):
    url = f"duckdb:///{tmp_path / 'w.duckdb'}" if backend == "duckdb" else postgres_url
    warehouse = open_warehouse(url)
    doc = "f" * 64
    good = {"documents": [{"document_id": doc, "filename": "x.pdf", "status": "done"}],
            "fiscal_facts": [{"document_id": doc, "table_id": 1, "value": 1.5}]}
    warehouse.replace_document(doc, good)
    bad = {"documents": [{"document_id": doc, "filename": "x.pdf", "status": "done"}],
           "fiscal_facts": [{"document_id": doc, "table_id": "not a number", "value": 2.5}]}
    with pytest.raises(Exception):
        warehouse.replace_document(doc, bad)
    warehouse.close()
    facts = [json.loads(r) for r in rows(url, "fiscal_facts") if doc in r]
    assert [f["value"] for f in facts] == [1.5]


def _document(doc: str, values: list[float]) -> dict:
    return {"documents": [{"document_id": doc, "filename": f"{doc[:4]}.pdf", "status": "done"}],
            "fiscal_facts": [{"document_id": doc, "table_id": 1, "value": v} for v in values]}


@pytest.mark.parametrize("backend", ["duckdb", "postgresql"])
def test_a_batch_replaces_each_document_once_and_all_or_nothing(tmp_path, postgres_url, backend):
    url = f"duckdb:///{tmp_path / 'w.duckdb'}" if backend == "duckdb" else postgres_url
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    warehouse = open_warehouse(url)
    try:
        warehouse.replace_documents([(a, _document(a, [1.0])), (b, _document(b, [2.0]))])
        # the same document twice in one batch: the later version wins, as if stored one by one
        warehouse.replace_documents([(a, _document(a, [3.0, 4.0])), (c, _document(c, [5.0])),
                                     (a, _document(a, [6.0]))])
        broken = _document(c, [7.0])
        broken["fiscal_facts"][0]["table_id"] = "not a number"
        with pytest.raises(Exception):
            warehouse.replace_documents([(b, _document(b, [8.0])), (c, broken)])
    finally:
        warehouse.close()
    ours = {a: "a", b: "b", c: "c"}  # the session's PostgreSQL holds other tests' documents too
    values = {}
    for fact in map(json.loads, rows(url, "fiscal_facts")):
        if fact["document_id"] in ours:
            values.setdefault(ours[fact["document_id"]], []).append(fact["value"])
    assert values == {"a": [6.0], "b": [2.0], "c": [5.0]}  # the failed batch changed nothing
    documents = [ours[d["document_id"]] for d in map(json.loads, rows(url, "documents")) if d["document_id"] in ours]
    assert sorted(documents) == ["a", "b", "c"]
