"""PostgreSQL (or any SQLAlchemy database) warehouse with the same contract as DuckDB's.

Entry point: `SqlWarehouse(url)` (through `open_warehouse`). On PostgreSQL, opening it creates
the tables with their keys, migrates an older version's (columns added, text timestamps turned
into `timestamptz`, keys added) and creates or replaces the analyst views, all in one transaction
under an advisory lock, so two processes opening the warehouse at once do not race. Writers of
the same documents (or registry url) take per-key advisory locks and retry a transaction that
failed on a serialization failure, a deadlock or a unique violation."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from pipeline.store.base import Warehouse, latest_versions, read_row, stored_row
from pipeline.store.locking import advisory_keys, with_retries
from pipeline.store.schema import KEYS, REGISTRY, SCHEMA, Record, Records
from pipeline.store.views import drop_statements, view_statements

_TYPES: dict[str, Callable[[], sa.types.TypeEngine[Any]]] = {
    "text": sa.Text, "int": sa.BigInteger, "float": sa.Float, "json": sa.Text, "bool": sa.Boolean,
    "timestamp": lambda: sa.DateTime(timezone=True)}
_SETUP_LOCK = 0x6A756573  # pg_advisory_xact_lock key of the warehouse setup ("jues")


def _key(name: str) -> sa.Constraint:
    kind, cols = KEYS[name]
    if kind == "primary":
        return sa.PrimaryKeyConstraint(*cols, name=f"pk_{name}")
    return sa.UniqueConstraint(*cols, name=f"uq_{name}")


def _table(meta: sa.MetaData, name: str, cols: list[tuple[str, str]], index: str) -> sa.Table:
    return sa.Table(name, meta, *(sa.Column(c, _TYPES[k]()) for c, k in cols), _key(name),
                    sa.Index(f"ix_{name}_{index}", index))


class SqlWarehouse(Warehouse):
    def __init__(self, url: str):
        self.engine = sa.create_engine(url.replace("postgres://", "postgresql://", 1), future=True)
        self.meta = sa.MetaData()
        self.tables = {name: _table(self.meta, name, cols, "document_id") for name, cols in SCHEMA.items()}
        self.tables["registry"] = _table(self.meta, "registry", REGISTRY, "url")
        postgres = self.engine.dialect.name == "postgresql"
        with self.engine.begin() as con:
            if postgres:
                con.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SETUP_LOCK})
            self.meta.create_all(con)
            self._migrate(con, postgres)
            if postgres:
                self._create_views(con)

    def _migrate(self, con: sa.Connection, postgres: bool) -> None:
        """A warehouse made by an older version gains the columns added since and, on
        PostgreSQL, typed timestamps and its keys (a duplicate key fails the open)."""
        inspector = sa.inspect(con)
        retype: list[tuple[str, str]] = []
        for name, cols in [*SCHEMA.items(), ("registry", REGISTRY)]:
            have = {c["name"]: c["type"] for c in inspector.get_columns(name)}
            for col, kind in cols:
                if col not in have:
                    sql_type = _TYPES[kind]().compile(dialect=self.engine.dialect)
                    con.execute(sa.text(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {sql_type}'))
                elif kind == "timestamp" and not isinstance(have[col], sa.DateTime):
                    retype.append((name, col))
        if not postgres:
            return
        if retype:  # a view on a column blocks its type change: the views come back after
            for statement in drop_statements():
                con.execute(sa.text(statement))
        for name, col in retype:
            con.execute(sa.text(f'ALTER TABLE "{name}" ALTER COLUMN "{col}" TYPE timestamptz '
                                f'USING CAST("{col}" AS timestamptz)'))
        for name in [*SCHEMA, "registry"]:
            self._add_key(con, inspector, name)

    @staticmethod
    def _add_key(con: sa.Connection, inspector: sa.Inspector, name: str) -> None:
        kind, cols = KEYS[name]
        if kind == "primary":
            if inspector.get_pk_constraint(name).get("constrained_columns"):
                return
            con.execute(sa.text(f'ALTER TABLE "{name}" ADD CONSTRAINT "pk_{name}" PRIMARY KEY '
                                f'({", ".join(chr(34) + c + chr(34) for c in cols)})'))
        elif not any(u["column_names"] == list(cols) for u in inspector.get_unique_constraints(name)):
            con.execute(sa.text(f'ALTER TABLE "{name}" ADD CONSTRAINT "uq_{name}" UNIQUE '
                                f'({", ".join(chr(34) + c + chr(34) for c in cols)})'))

    @staticmethod
    def _create_views(con: sa.Connection) -> None:
        """CREATE OR REPLACE keeps views an analyst built on ours; where a view's columns changed
        since (PostgreSQL replaces a view only by appending columns) ours are dropped first."""
        statements = view_statements("postgresql")
        try:
            with con.begin_nested():
                for statement in statements:
                    con.exec_driver_sql(statement)
        except sa.exc.DBAPIError:
            for statement in drop_statements():
                con.exec_driver_sql(statement)
            for statement in statements:
                con.exec_driver_sql(statement)

    def replace_documents(self, documents: list[tuple[str, Records]]) -> None:
        documents = latest_versions(documents)
        ids = [document_id for document_id, _ in documents]
        with_retries(lambda: self._replace(documents, ids))

    def _replace(self, documents: list[tuple[str, Records]], ids: list[str]) -> None:
        """One transaction: all of the documents or none. Under READ COMMITTED two writers of one
        document would both delete (nothing yet) and both insert: the per-document lock makes the
        second wait for the first's commit, and its delete then sees, and removes, those rows."""
        with self.engine.begin() as con:
            self._lock(con, "document", ids)
            for name in SCHEMA:
                table = self.tables[name]
                con.execute(table.delete().where(table.c.document_id.in_(ids)))
                names = [c for c, _ in SCHEMA[name]]
                rows = [dict(zip(names, stored_row(name, r))) for _, records in documents for r in records.get(name, [])]
                if rows:
                    con.execute(table.insert(), rows)

    def _lock(self, con: sa.Connection, kind: str, names: list[str]) -> None:
        """Transaction-scoped advisory locks on the names, taken in key order (no deadlock between
        two batches); other databases serialise writers themselves (SQLite locks the file)."""
        if self.engine.dialect.name != "postgresql" or not names:
            return
        # unnest yields the array in order, so the locks are taken in sorted order
        con.execute(sa.text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:keys AS bigint[])) AS k"),
                    {"keys": advisory_keys(kind, names)})

    def register(self, entry: Record) -> None:
        with_retries(lambda: self._register(entry))

    def _register(self, entry: Record) -> None:
        table = self.tables["registry"]
        names = [c for c, _ in REGISTRY]
        with self.engine.begin() as con:
            self._lock(con, "registry", [entry["url"]])
            con.execute(table.delete().where(table.c.url == entry["url"]))
            con.execute(table.insert(), [dict(zip(names, stored_row("registry", entry)))])

    def rows(self, table: str) -> list[Record]:
        with self.engine.connect() as con:
            return [read_row(table, dict(r._mapping)) for r in con.execute(sa.select(self.tables[table]))]

    def query(self, sql: str, params: Sequence[object] | Mapping[str, object] | None = None) -> list[Record]:
        with self.engine.connect() as con:
            if params is not None and not isinstance(params, Mapping):
                raise TypeError("SQLAlchemy takes named parameters (:name) as a mapping")
            return [dict(r._mapping) for r in con.execute(sa.text(sql), dict(params or {}))]

    def close(self) -> None:
        self.engine.dispose()
