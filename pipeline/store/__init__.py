"""Store: records → JSONL files of the run and the warehouse.

Entry points: `open_warehouse(url)` and `jsonl_lines(table, records)` (the run's files are
written by `pipeline.outputs`). Documents' records replace their earlier ones in one transaction
(per document, or per batch of documents), so a rerun leaves no duplicates and a crash leaves no
half-written document. Each table has a key (`KEYS`); the analyst views (`VIEWS`,
`docs/warehouse.md`) are created when a warehouse opens. Concurrent writers take turns
(`locking`); a DuckDB file held by another process past the lock timeout raises `WarehouseBusy`
(a `StoreError`), one line naming that process."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.store.base import Warehouse
from pipeline.store.locking import StoreError, WarehouseBusy
from pipeline.store.schema import KEYS, SCHEMA, Record
from pipeline.store.views import VIEWS

if TYPE_CHECKING:
    from pipeline.store.duckdb_file import DuckDBWarehouse

DEFAULT_WAREHOUSE_FILE = "warehouse.duckdb"


def __getattr__(name: str) -> type[DuckDBWarehouse]:
    """`DuckDBWarehouse` on first use: duckdb and pandas cost about 0.4 s to import, and a
    worker process (which imports this package for its schema) never opens a warehouse."""
    if name == "DuckDBWarehouse":
        from pipeline.store.duckdb_file import DuckDBWarehouse

        return DuckDBWarehouse
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_warehouse_url(out_dir: str | Path = "out") -> str:
    """The embedded default: a DuckDB file in the output folder (`run`, `crawl`, `export` alike)."""
    return f"duckdb:///{Path(out_dir) / DEFAULT_WAREHOUSE_FILE}"


def jsonl_lines(table: str, records: list[Record]) -> str:
    """The records of one record table as JSONL lines, columns in SPEC order."""
    columns = [c for c, _ in SCHEMA[table]]
    return "".join(json.dumps({c: rec.get(c) for c in columns}, ensure_ascii=False) + "\n" for rec in records)


def open_warehouse(url: str) -> Warehouse:
    """`duckdb:///path/to/file.duckdb` (or `duckdb:///:memory:`); other URLs go to SQLAlchemy."""
    if url.startswith("duckdb:///"):
        from pipeline.store.duckdb_file import DuckDBWarehouse

        return DuckDBWarehouse(url[len("duckdb:///"):])
    if url.startswith(("postgresql", "postgres://", "sqlite")):
        # SQLAlchemy costs ~0.3 s to import; a run into the embedded default never needs it
        from pipeline.store.sql import SqlWarehouse

        return SqlWarehouse(url)
    raise ValueError(f"unsupported warehouse URL: {url!r} (use duckdb:///FILE or postgresql://…)")


__all__ = ["KEYS", "SCHEMA", "VIEWS", "DuckDBWarehouse", "StoreError", "Warehouse", "WarehouseBusy",
           "default_warehouse_url", "jsonl_lines", "open_warehouse"]
