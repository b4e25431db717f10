"""`juesuan export`: the warehouse's record tables (or views) as Parquet, CSV and Excel, read back
equal to the warehouse (row counts and a checksum of every value), from DuckDB and from a real
PostgreSQL; an export that fails replaces nothing."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SAMPLES

from pipeline.cli import main
from pipeline.run import run_inputs
from pipeline.store import SCHEMA

TABLES = [*SCHEMA, "registry"]


@pytest.fixture(scope="module")
def duck_warehouse(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("run")
    url = f"duckdb:///{out / 'warehouse.duckdb'}"
    run_inputs([str(SAMPLES / "native"), str(SAMPLES / "budget")], out, url, workers=0)
    return url


def table_digest(con, relation: str) -> tuple[int, list[tuple]]:
    """Rows and every row's values, sorted: what must survive the round trip."""
    rows = con.execute(f"SELECT * FROM {relation}").fetchall()
    return len(rows), sorted(rows, key=repr)


def warehouse_digests(url: str) -> dict[str, tuple[int, list[tuple]]]:
    if url.startswith("duckdb:///"):
        with duckdb.connect(url[len("duckdb:///"):], read_only=True) as con:
            return {t: table_digest(con, f'"{t}"') for t in TABLES}
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as con:
            out = {}
            for t in TABLES:
                rows = [tuple(r) for r in con.execute(sa.text(f'SELECT * FROM "{t}"'))]
                out[t] = (len(rows), sorted(rows, key=repr))
            return out
    finally:
        engine.dispose()


def comparable(rows: list[tuple]) -> list[tuple]:
    """Values as the warehouse and Parquet both give them (floats to 9 digits, timestamps as
    instants)."""
    def norm(v):
        if isinstance(v, float):
            return round(v, 9)
        if hasattr(v, "isoformat"):
            return pd.Timestamp(v).tz_convert("UTC").isoformat() if getattr(v, "tzinfo", None) else pd.Timestamp(v).isoformat()
        return v
    return sorted((tuple(norm(v) for v in row) for row in rows), key=repr)


def check_parquet(folder: Path, want: dict[str, tuple[int, list[tuple]]]) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    with duckdb.connect() as con:
        for table, (count, rows) in want.items():
            got_count, got_rows = table_digest(con, f"read_parquet('{folder / f'{table}.parquet'}')")
            assert got_count == count == manifest["relations"][table]["rows"], table
            assert comparable(got_rows) == comparable(rows), table


def test_parquet_round_trip_from_duckdb(duck_warehouse, tmp_path, capsys):
    code = main(["export", "--format", "parquet", "--warehouse", duck_warehouse, "--out", str(tmp_path / "pq")])
    assert code == 0, capsys.readouterr().err
    want = warehouse_digests(duck_warehouse)
    assert want["fiscal_facts"][0] > 500 and want["documents"][0] == 4
    check_parquet(tmp_path / "pq", want)
    assert "exported 8 relations" in capsys.readouterr().out
    # the manifest's checksums are the warehouse's own: a downstream loader can verify a copy
    from pipeline.export import checksum

    manifest = json.loads((tmp_path / "pq" / "manifest.json").read_text(encoding="utf-8"))
    with duckdb.connect() as con:
        for table in TABLES:
            assert checksum(con, f"read_parquet('{tmp_path / 'pq' / f'{table}.parquet'}')") == \
                manifest["relations"][table]["checksum"], table


def test_parquet_round_trip_from_postgresql(tmp_path, postgres_url):
    run_inputs([str(SAMPLES / "native" / "dept_b_2023.pdf")], tmp_path / "run", postgres_url, workers=0)
    assert main(["export", "--warehouse", postgres_url, "--out", str(tmp_path / "pq")]) == 0
    want = warehouse_digests(postgres_url)
    assert want["fiscal_facts"][0] > 0
    check_parquet(tmp_path / "pq", want)
    with duckdb.connect() as con:  # typed columns, not strings
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{tmp_path / 'pq' / 'fiscal_facts.parquet'}')")
        types = {row[0]: row[1] for row in described.fetchall()}
    assert types["value"] == "DOUBLE" and types["table_id"] == "BIGINT" and types["is_total"] == "BOOLEAN"


def test_csv_and_excel_hold_every_row(duck_warehouse, tmp_path):
    want = warehouse_digests(duck_warehouse)
    assert main(["export", "--format", "csv", "--warehouse", duck_warehouse, "--out", str(tmp_path / "csv")]) == 0
    for table, (count, _) in want.items():
        assert len(pd.read_csv(tmp_path / "csv" / f"{table}.csv")) == count, table
    facts = pd.read_csv(tmp_path / "csv" / "fiscal_facts.csv")
    assert facts["value"].sum() == pytest.approx(sum(r[7] or 0 for r in want["fiscal_facts"][1]))
    assert main(["export", "--format", "xlsx", "--warehouse", duck_warehouse, "--out", str(tmp_path / "xl")]) == 0
    sheets = pd.read_excel(tmp_path / "xl" / "warehouse.xlsx", sheet_name=None)
    assert {name: len(frame) for name, frame in sheets.items()} == {t: c for t, (c, _) in want.items()}


def test_views_are_exported_by_their_names(duck_warehouse, tmp_path):
    with duckdb.connect(duck_warehouse[len("duckdb:///"):], read_only=True) as con:
        views = {r[0]: r[1] for r in con.execute(
            "SELECT view_name, 0 FROM duckdb_views() WHERE NOT internal AND database_name = current_database()").fetchall()}
        counts = {v: con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] for v in views}
    assert views, "the warehouse has no analyst views"
    assert main(["export", "--views", "--warehouse", duck_warehouse, "--out", str(tmp_path / "v")]) == 0
    manifest = json.loads((tmp_path / "v" / "manifest.json").read_text(encoding="utf-8"))
    assert {name: r["rows"] for name, r in manifest["relations"].items()} == counts


def test_a_failed_export_replaces_nothing(duck_warehouse, tmp_path, capsys):
    """A relation that cannot be read half-way through: one line on stderr, exit 2, the files
    of the previous export untouched and no temporary folder left."""
    path = Path(duck_warehouse[len("duckdb:///"):])
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(path.read_bytes())
    with duckdb.connect(str(broken)) as con:
        con.execute("CREATE TABLE doomed AS SELECT 1 AS x")
        con.execute('CREATE VIEW "zz_broken" AS SELECT * FROM doomed')
        con.execute("DROP TABLE doomed")
    out = tmp_path / "out"
    assert main(["export", "--views", "--warehouse", f"duckdb:///{broken}", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("juesuan: ") and err.count("\n") == 1
    assert main(["export", "--warehouse", duck_warehouse, "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["export", "--views", "--warehouse", f"duckdb:///{broken}", "--out", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert main(["export", "--warehouse", f"duckdb:///{tmp_path / 'none.duckdb'}", "--out", str(tmp_path / 'x')]) == 2
    assert "no warehouse at" in capsys.readouterr().err


def test_the_summary_counts_the_run_and_the_warehouse(tmp_path):
    """The JSONL files hold this run; the warehouse accumulates every run: the summary says both."""
    first = run_inputs([str(SAMPLES / "native" / "dept_a_2022.pdf")], tmp_path, workers=0)
    second = run_inputs([str(SAMPLES / "native" / "dept_b_2023.pdf")], tmp_path, workers=0)
    facts_in_jsonl = len((tmp_path / "fiscal_facts.jsonl").read_text(encoding="utf-8").splitlines())
    assert facts_in_jsonl == second.facts and second.documents == 1
    assert second.warehouse == {"documents": 2, "tables": first.tables + second.tables,
                                "facts": first.facts + second.facts}
    assert second.line().splitlines()[1] == (f"warehouse (all runs): documents: 2  tables: {first.tables + second.tables}"
                                             f"  facts: {first.facts + second.facts}")
