"""Store: records → JSONL files of the run and the warehouse.

Entry points: `write_jsonl(out_dir, records)` and `open_warehouse(url)`. A document's records
replace its earlier ones in one transaction, so a rerun leaves no duplicates and a crash
leaves no half-written document."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.store.schema import SCHEMA
from pipeline.store.warehouse import DuckDBWarehouse, Warehouse, open_warehouse


def write_jsonl(out_dir: Path, records: dict[str, list[dict]]) -> None:
    """One `<table>.jsonl` per record table (all of them, empty ones too), written atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for table, columns in SCHEMA.items():
        tmp = out_dir / f".{table}.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for rec in records.get(table, []):
                fh.write(json.dumps({c: rec.get(c) for c, _ in columns}, ensure_ascii=False) + "\n")
        tmp.replace(out_dir / f"{table}.jsonl")


__all__ = ["SCHEMA", "DuckDBWarehouse", "Warehouse", "open_warehouse", "write_jsonl"]
