"""Store: records → JSONL files of the run and the warehouse.

Entry points: `write_jsonl(out_dir, records)` and `open_warehouse(url)`. Documents' records
replace their earlier ones in one transaction (per document, or per batch of documents), so a
rerun leaves no duplicates and a crash leaves no half-written document. Each table has a key
(`KEYS`); the analyst views (`VIEWS`, `docs/warehouse.md`) are created when a warehouse opens. Concurrent
writers take turns (`locking`); a DuckDB file held by another process past the lock timeout
raises `WarehouseBusy` (a `StoreError`), one line naming that process."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.store.locking import StoreError, WarehouseBusy
from pipeline.store.schema import KEYS, SCHEMA
from pipeline.store.views import VIEWS
from pipeline.store.warehouse import DuckDBWarehouse, Warehouse, open_warehouse

DEFAULT_WAREHOUSE_FILE = "warehouse.duckdb"


def default_warehouse_url(out_dir: str | Path = "out") -> str:
    """The embedded default: a DuckDB file in the output folder (`run`, `crawl`, `export` alike)."""
    return f"duckdb:///{Path(out_dir) / DEFAULT_WAREHOUSE_FILE}"


def jsonl_lines(table: str, records: list[dict]) -> str:
    """The records of one record table as JSONL lines, columns in SPEC order."""
    columns = [c for c, _ in SCHEMA[table]]
    return "".join(json.dumps({c: rec.get(c) for c in columns}, ensure_ascii=False) + "\n" for rec in records)


def write_jsonl(out_dir: Path, records: dict[str, list[dict]]) -> None:
    """One `<table>.jsonl` per record table (all of them, empty ones too), written atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for table in SCHEMA:
        tmp = out_dir / f".{table}.jsonl.tmp"
        tmp.write_text(jsonl_lines(table, records.get(table, [])), encoding="utf-8")
        tmp.replace(out_dir / f"{table}.jsonl")


__all__ = ["KEYS", "SCHEMA", "VIEWS", "DuckDBWarehouse", "StoreError", "Warehouse", "WarehouseBusy",
           "default_warehouse_url", "jsonl_lines",
           "open_warehouse", "write_jsonl"]
