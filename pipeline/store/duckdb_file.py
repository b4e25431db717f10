"""Warehouses: DuckDB embedded by default; PostgreSQL (any SQLAlchemy URL) in production.

Entry point: `DuckDBWarehouse(path)` (through `pipeline.store.open_warehouse`). Opening a warehouse creates its tables with their keys
(`schema.KEYS`), migrates one made by an older version (no keys, text timestamps) in one
transaction, and creates or replaces the analyst views (`pipeline.store.views`).

Concurrent writers: a DuckDB file is opened for each operation and waited for while another
process holds it (`pipeline.store.locking`); PostgreSQL serialises writers per document."""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from pipeline.store.base import Warehouse, columns_of, latest_versions, read_row, stored_row
from pipeline.store.locking import wait_for_lock
from pipeline.store.schema import KEYS, REGISTRY, SCHEMA, Record, Records
from pipeline.store.views import view_statements

if TYPE_CHECKING:
    import pandas as pd

_SQL_TYPES = {"text": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "json": "VARCHAR", "bool": "BOOLEAN",
              "timestamp": "TIMESTAMP WITH TIME ZONE"}


_PANDAS_TYPES = {"text": "string", "int": "Int64", "float": "Float64", "json": "string", "bool": "boolean",
                 "timestamp": "string"}


def _frame(table: str, records: list[Record]) -> pd.DataFrame:
    """The records as a DataFrame of nullable typed columns: DuckDB takes it in one scan, where
    `executemany` costs about a millisecond a row (3.6 s for a 100-page document's facts).
    Timestamps travel as ISO text and are cast by the INSERT."""
    # imported at the first write, not with the warehouse: pandas holds ~35 MB that a run has
    # no use for while its first documents are still in the workers
    import pandas as pd

    rows = [stored_row(table, r) for r in records]
    columns: dict[str, Any] = {}
    for i, (col, kind) in enumerate(SCHEMA[table]):
        values: list[Any] = [row[i] for row in rows]
        if kind == "timestamp":
            values = [None if v is None else v.isoformat() for v in values]
        columns[col] = pd.array(values, dtype=_PANDAS_TYPES[kind])  # type: ignore[call-overload]  # a dtype name chosen per column
    return pd.DataFrame(columns)


def _key_sql(table: str) -> str:
    kind, cols = KEYS[table]
    names = ", ".join(f'"{c}"' for c in cols)
    return f"PRIMARY KEY ({names})" if kind == "primary" else f"UNIQUE ({names})"


def _create_sql(table: str, name: str | None = None, extra: Sequence[tuple[str, str]] = ()) -> str:
    """CREATE TABLE with the table's columns (then `extra` (column, SQL type) pairs) and its key."""
    cols = [f'"{c}" {_SQL_TYPES[k]}' for c, k in columns_of(table)] + [f'"{c}" {t}' for c, t in extra]
    return f'CREATE TABLE IF NOT EXISTS "{name or table}" ({", ".join(cols)}, {_key_sql(table)})'


class DuckDBWarehouse(Warehouse):
    """A DuckDB file, opened for each write and read rather than for a whole run: DuckDB lets one
    process at a time hold a file, so two runs into one warehouse take turns batch by batch
    (`locking.wait_for_lock`: a log line while waiting, `WarehouseBusy` past the lock timeout).
    Tables, migrations and views are brought up to date once, when the warehouse is opened.
    `:memory:` has nothing to share and keeps its one connection (closing it would lose it)."""

    def __init__(self, path: str, lock_timeout: float | None = None):
        self.path = path
        self.lock_timeout = lock_timeout
        self._memory: duckdb.DuckDBPyConnection | None = None
        if path == ":memory:":
            self._memory = duckdb.connect(path)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._transaction() as con:
                for table in ["registry", *SCHEMA]:
                    self._ensure_table(con, table)
                for statement in view_statements("duckdb"):
                    con.execute(statement)
        except Exception:
            self.close()
            raise

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A connection of the caller's own (to close when done), once no other process holds the
        file. Within one process connections share the open database, so this never waits on us."""
        if self._memory is not None:
            return self._memory
        return wait_for_lock(lambda: duckdb.connect(self.path), self.path, self.lock_timeout)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """A connection for ad-hoc statements (`w.con.execute(sql)`); the file stays locked
        against other processes until it is closed or dropped."""
        return self.connect()

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation, closed after it so that other processes get a turn."""
        con = self.connect()
        try:
            yield con
        finally:
            if con is not self._memory:
                con.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """`_connection` inside one transaction: committed when the block ends, rolled back when
        it raises."""
        with self._connection() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @staticmethod
    def _ensure_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Create the table, or bring an older version's to the current layout: missing columns
        added; a table without its key or with text timestamps rebuilt (DuckDB adds neither a
        constraint nor a type change to a table in place): created anew with the key, the rows
        copied (a duplicate key fails the open, and the transaction), the old one dropped."""
        have = dict(con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema() ORDER BY ordinal_position", [table]).fetchall())
        if not have:
            con.execute(_create_sql(table))
            return
        constraint = "PRIMARY KEY" if KEYS[table][0] == "primary" else "UNIQUE"
        keyed = any(list(cols) == list(KEYS[table][1]) for (cols,) in con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = ? "
            "AND schema_name = current_schema() AND constraint_type = ?", [table, constraint]).fetchall())
        retyped = any(c in have and have[c] != _SQL_TYPES[k] for c, k in columns_of(table) if k == "timestamp")
        if keyed and not retyped:
            for col, kind in columns_of(table):
                if col not in have:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{col}" {_SQL_TYPES[kind]}')
            return
        DuckDBWarehouse._rebuild(con, table, have)

    @staticmethod
    def _rebuild(con: duckdb.DuckDBPyConnection, table: str, have: dict[str, str]) -> None:
        ours = {c for c, _ in columns_of(table)}
        extra = [(c, t) for c, t in have.items() if c not in ours]  # a column we do not know is kept
        new = f"{table}__migrating"
        con.execute(f'DROP TABLE IF EXISTS "{new}"')
        con.execute(_create_sql(table, new, extra))
        select = [(f'CAST("{c}" AS {_SQL_TYPES[k]})' if c in have else "NULL") for c, k in columns_of(table)]
        select += [f'"{c}"' for c, _ in extra]
        names = ", ".join(f'"{c}"' for c in [*(c for c, _ in columns_of(table)), *(c for c, _ in extra)])
        con.execute(f'INSERT INTO "{new}" ({names}) SELECT {", ".join(select)} FROM "{table}"')
        con.execute(f'DROP TABLE "{table}"')
        con.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')

    def replace_documents(self, documents: list[tuple[str, Records]]) -> None:
        documents = latest_versions(documents)
        ids = [document_id for document_id, _ in documents]
        # the file lock makes this process the only writer, so delete-then-insert cannot interleave
        # with another's; the transaction makes the batch all or nothing
        with self._transaction() as con:
            for table, columns in SCHEMA.items():
                con.execute(f'DELETE FROM "{table}" WHERE document_id IN (SELECT unnest(?))', [ids])
                rows = [row for _, records in documents for row in records.get(table, [])]
                if rows:
                    con.register("batch", _frame(table, rows))
                    names = ", ".join(f'"{c}"' for c, _ in columns)
                    select = ", ".join(f'CAST("{c}" AS {_SQL_TYPES[k]})' if k == "timestamp" else f'"{c}"'
                                       for c, k in columns)
                    con.execute(f'INSERT INTO "{table}" ({names}) SELECT {select} FROM batch')
                    con.unregister("batch")

    def register(self, entry: Record) -> None:
        names = [c for c, _ in REGISTRY]
        with self._transaction() as con:
            con.execute('DELETE FROM "registry" WHERE url = ?', [entry["url"]])
            con.execute(f'INSERT INTO "registry" ({", ".join(names)}) VALUES ({", ".join("?" for _ in names)})',
                        list(stored_row("registry", entry)))

    def rows(self, table: str) -> list[Record]:
        with self._connection() as con:
            cur = con.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cur.description]
            return [read_row(table, dict(zip(names, r))) for r in cur.fetchall()]

    def query(self, sql: str, params: Sequence[object] | Mapping[str, object] | None = None) -> list[Record]:
        """Rows of any SELECT (over the views, say) as dicts."""
        with self._connection() as con:
            cur = con.execute(sql, params or [])  # ? by position, $name by name
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def close(self) -> None:
        """Nothing is held between operations but an in-memory database's connection."""
        if self._memory is not None:
            self._memory.close()  # kept, closed: later calls fail rather than open an empty database
