"""The warehouse contract (`Warehouse`) and the rows it stores.

Entry point: `Warehouse`, implemented by `duckdb_file.DuckDBWarehouse` and `sql.SqlWarehouse`.
Records are converted to stored rows here (`stored_row`: JSON as text, timestamps as aware
datetimes) and back (`read_row`), so both warehouses hold and return the same values."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from pipeline.store.schema import REGISTRY, SCHEMA, Record, Records


def columns_of(table: str) -> list[tuple[str, str]]:
    """The (column, kind) pairs of a record table or the registry."""
    return REGISTRY if table == "registry" else SCHEMA[table]


def to_timestamp(value: object) -> datetime | None:
    """An ISO 8601 string (the records' form) as an aware datetime; UTC when it names no zone."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_timestamp(value: object) -> object:
    """A warehouse timestamp back in the records' form (`2026-01-02T03:04:05+00:00`), so rows read
    back (crawl outputs, JSONL) are what the pipeline wrote."""
    if not isinstance(value, datetime):
        return value
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds" if not value.microsecond else "auto")


def stored_row(table: str, rec: Record) -> tuple[object, ...]:
    """A record as the warehouse stores it, columns in schema order (JSON as text, timestamps aware)."""
    out = []
    for col, kind in columns_of(table):
        value = rec.get(col)
        if kind == "json" and value is not None:
            value = json.dumps(value, ensure_ascii=False)
        elif kind == "timestamp":
            value = to_timestamp(value)
        out.append(value)
    return tuple(out)


def read_row(table: str, row: Record) -> Record:
    """A stored row as the records hold it (timestamps as ISO strings)."""
    for col, kind in columns_of(table):
        if kind == "timestamp" and col in row:
            row[col] = from_timestamp(row[col])
    return row


def latest_versions(documents: list[tuple[str, Records]]) -> list[tuple[str, Records]]:
    """One entry per document id, the last given (as if each replaced the one before)."""
    return list({document_id: (document_id, records) for document_id, records in documents}.values())


class Warehouse:
    """Common interface: `replace_documents([(document_id, records), ...])` and `rows(table)`."""

    def replace_documents(self, documents: list[tuple[str, Records]]) -> None:
        """The documents' records replace whatever the warehouse held for them, all in one
        transaction: a batch costs a few statements per table, not per document."""
        raise NotImplementedError

    def replace_document(self, document_id: str, records: Records) -> None:
        self.replace_documents([(document_id, records)])

    def rows(self, table: str) -> list[Record]:
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[object] | Mapping[str, object] | None = None) -> list[Record]:
        """Rows of a SELECT as dicts (positional `?` parameters on DuckDB, `:name` on SQLAlchemy)."""
        raise NotImplementedError

    def register(self, entry: Record) -> None:
        """Insert or update a registry row (keyed by url)."""
        raise NotImplementedError

    def registry(self, status: str | None = None) -> list[Record]:
        return [r for r in self.rows("registry") if status is None or r["status"] == status]

    def registry_entry(self, url: str) -> Record | None:
        return next((r for r in self.rows("registry") if r["url"] == url), None)

    def close(self) -> None:
        pass
