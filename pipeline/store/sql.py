"""PostgreSQL (or any SQLAlchemy database) warehouse with the same contract as DuckDB's."""
from __future__ import annotations

import sqlalchemy as sa

from pipeline.store.schema import REGISTRY, SCHEMA
from pipeline.store.warehouse import Warehouse, _row, latest_versions

_TYPES = {"text": sa.Text, "int": sa.BigInteger, "float": sa.Float, "json": sa.Text, "bool": sa.Boolean}


class SqlWarehouse(Warehouse):
    def __init__(self, url: str):
        self.engine = sa.create_engine(url.replace("postgres://", "postgresql://", 1), future=True)
        self.meta = sa.MetaData()
        self.tables = {
            name: sa.Table(name, self.meta, *(sa.Column(c, _TYPES[k]()) for c, k in cols),
                           sa.Index(f"ix_{name}_document_id", "document_id"))
            for name, cols in SCHEMA.items()
        }
        self.tables["registry"] = sa.Table("registry", self.meta, *(sa.Column(c, _TYPES[k]()) for c, k in REGISTRY),
                                           sa.Index("ix_registry_url", "url"))
        self.meta.create_all(self.engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A warehouse made by an older version gains the columns added since."""
        inspector = sa.inspect(self.engine)
        with self.engine.begin() as con:
            for name, cols in SCHEMA.items():
                have = {c["name"] for c in inspector.get_columns(name)}
                for col, kind in cols:
                    if col not in have:
                        sql_type = _TYPES[kind]().compile(dialect=self.engine.dialect)
                        con.execute(sa.text(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {sql_type}'))

    def replace_documents(self, documents: list[tuple[str, dict[str, list[dict]]]]) -> None:
        documents = latest_versions(documents)
        ids = [document_id for document_id, _ in documents]
        with self.engine.begin() as con:  # one transaction: all of the documents or none
            for name in SCHEMA:
                table = self.tables[name]
                con.execute(table.delete().where(table.c.document_id.in_(ids)))
                names = [c for c, _ in SCHEMA[name]]
                rows = [dict(zip(names, _row(name, r))) for _, records in documents for r in records.get(name, [])]
                if rows:
                    con.execute(table.insert(), rows)

    def register(self, entry: dict) -> None:
        table = self.tables["registry"]
        with self.engine.begin() as con:
            con.execute(table.delete().where(table.c.url == entry["url"]))
            con.execute(table.insert(), [{c: entry.get(c) for c, _ in REGISTRY}])

    def rows(self, table: str) -> list[dict]:
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(sa.select(self.tables[table]))]

    def close(self) -> None:
        self.engine.dispose()
