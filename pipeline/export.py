"""Export: the warehouse's record tables (or its analyst views) as Parquet, CSV or Excel files.

Entry point: `export_warehouse(url, out_dir, fmt, views=False) -> ExportResult`.

DuckDB does the writing (its own Parquet and CSV writers: no pyarrow needed); a DuckDB
warehouse is read in place, read-only, so an export runs beside a run that holds the write
lock only when DuckDB allows it (otherwise the error says so). A PostgreSQL warehouse is read
through SQLAlchemy into typed frames, which an in-memory DuckDB writes. Excel gets one
workbook, one sheet per relation (pandas + openpyxl).

Files are written into a temporary folder inside `out_dir` and moved into place only when every
one of them is complete, with `manifest.json` (rows and a checksum per relation) written last:
an interrupted export leaves the previous files, never a half-written one."""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.files import replace_all
from pipeline.store.schema import SCHEMA

if TYPE_CHECKING:  # imported where used: an export is the only command that needs them
    import duckdb
    import pandas as pd
    import sqlalchemy as sa
    from pandas.api.extensions import ExtensionArray

ExportFormat = Literal["parquet", "csv", "xlsx"]
FORMATS: tuple[ExportFormat, ...] = ("parquet", "csv", "xlsx")
EXCEL_MAX_ROWS = 1_048_575  # a sheet's rows, less its header row
EXCEL_SHEET_NAME = 31  # characters Excel allows in a sheet name


class ExportError(Exception):
    """The export could not be made (the message says why); nothing was replaced."""


@dataclass
class ExportResult:
    out_dir: Path
    fmt: ExportFormat
    rows: dict[str, int] = field(default_factory=dict)  # relation → rows written
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        total = sum(self.rows.values())
        return f"exported {len(self.rows)} relations ({total:,} rows) as {self.fmt} to {self.out_dir}"


def export_warehouse(url: str, out_dir: str | Path, fmt: ExportFormat = "parquet", views: bool = False) -> ExportResult:
    """Every record table of SPEC and the crawl registry (or, with `views`, every view of the
    warehouse) of the warehouse at `url`, written to `out_dir` as `<name>.<fmt>` files."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult(out, fmt)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        with _source(url) as source:
            names = source.views() if views else [*SCHEMA, "registry"]
            if not names:
                raise ExportError(f"the warehouse {url} has no {'views' if views else 'tables'}")
            written = _write_all(source, names, staging, fmt, result)
        _move_into_place(staging, out, written)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.files = [out / name for name in written]
    return result


def _write_all(source: _Source, names: list[str], staging: Path, fmt: ExportFormat,
               result: ExportResult) -> list[str]:
    import duckdb

    manifest: dict[str, Any] = {"format": fmt, "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                "relations": {}}
    frames: dict[str, pd.DataFrame] = {}
    con = duckdb.connect()
    try:
        for name in names:
            relation = source.relation(con, name)
            result.rows[name] = int(_scalar(con, f"SELECT count(*) FROM {relation}"))
            manifest["relations"][name] = {"rows": result.rows[name], "checksum": checksum(con, relation)}
            if fmt == "xlsx":
                frames[name] = _excel_frame(con, relation, name)
            else:
                options = "FORMAT PARQUET, COMPRESSION ZSTD" if fmt == "parquet" else "FORMAT CSV, HEADER"
                con.execute(f"COPY (SELECT * FROM {relation}) TO '{_sql_path(staging / f'{name}.{fmt}')}' ({options})")
    finally:
        con.close()
    written = [f"{name}.{fmt}" for name in names] if fmt != "xlsx" else ["warehouse.xlsx"]
    if fmt == "xlsx":
        _write_workbook(staging / "warehouse.xlsx", frames)
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return [*written, "manifest.json"]  # the manifest last: it vouches for the files before it


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    """The value of a query that returns one row of one column (an aggregate)."""
    row = con.execute(sql).fetchone()
    if row is None:  # an aggregate without GROUP BY always has its row
        raise ExportError(f"no row from {sql!r}")
    return row[0]


def checksum(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """An order-free checksum of a relation's values: the sum of a hash per row (DuckDB's
    `hash` of the row as a struct), so the same rows in any order give the same value."""
    value = _scalar(con, f"SELECT coalesce(sum(hash(t::VARCHAR)::HUGEINT), 0) FROM (SELECT * FROM {relation}) t")
    return hashlib.sha256(str(value).encode()).hexdigest()[:16]


def _excel_frame(con: duckdb.DuckDBPyConnection, relation: str, name: str) -> pd.DataFrame:
    rows = int(_scalar(con, f"SELECT count(*) FROM {relation}"))
    if rows > EXCEL_MAX_ROWS:
        raise ExportError(f"{name} has {rows:,} rows, more than an Excel sheet holds ({EXCEL_MAX_ROWS:,}): "
                          "export it as parquet or csv")
    frame = con.execute(f"SELECT * FROM {relation}").df()
    for col in frame.columns:  # Excel has no time zones: timestamps are written in UTC
        if getattr(frame[col].dtype, "tz", None) is not None:
            frame[col] = frame[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame


def _write_workbook(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    import pandas as pd

    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet = name[:EXCEL_SHEET_NAME]
            while sheet in used:  # two long names that share their first 31 characters
                sheet = f"{sheet[:EXCEL_SHEET_NAME - 3]}~{len(used)}"
            used.add(sheet)
            frame.to_excel(writer, sheet_name=sheet, index=False)


def _move_into_place(staging: Path, out: Path, names: list[str]) -> None:
    replace_all({staging / name: out / name for name in names})  # in order: the manifest is last


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


# ------------------------------------------------------------------------------------------
# sources: where the relations are read from
# ------------------------------------------------------------------------------------------


class _Source:
    def views(self) -> list[str]:
        raise NotImplementedError

    def relation(self, con: duckdb.DuckDBPyConnection, name: str) -> str:
        """A relation of `con` (an in-memory DuckDB) that reads `name` of the warehouse."""
        raise NotImplementedError


class _DuckDBSource(_Source):
    def __init__(self, path: str) -> None:
        if not Path(path).exists():
            raise ExportError(f"no warehouse at {path}")
        self.path = path

    def views(self) -> list[str]:
        import duckdb

        with duckdb.connect(self.path, read_only=True) as con:
            return [r[0] for r in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() "
                "ORDER BY view_name").fetchall()]

    def relation(self, con: duckdb.DuckDBPyConnection, name: str) -> str:
        if "wh" not in {r[0] for r in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}:
            con.execute(f"ATTACH '{_sql_path(Path(self.path))}' AS wh (READ_ONLY)")
        return f'wh."{name}"'


class _SqlSource(_Source):
    """PostgreSQL (any SQLAlchemy URL): each relation read into a typed frame."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.engine = sa.create_engine(url.replace("postgres://", "postgresql://", 1), future=True)

    def views(self) -> list[str]:
        import sqlalchemy as sa

        return sorted(sa.inspect(self.engine).get_view_names())

    def relation(self, con: duckdb.DuckDBPyConnection, name: str) -> str:
        frame = self._frame(name)
        alias = f"src_{hashlib.sha1(name.encode()).hexdigest()[:8]}"
        con.register(alias, frame)
        return alias

    def _frame(self, name: str) -> pd.DataFrame:
        import pandas as pd
        import sqlalchemy as sa

        table = sa.Table(name, sa.MetaData(), autoload_with=self.engine)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(table)).all()
        return pd.DataFrame({col.name: _typed_column(col.type, [r[i] for r in rows])
                             for i, col in enumerate(table.columns)})

    def close(self) -> None:
        self.engine.dispose()


def _typed_column(sql_type: sa.types.TypeEngine[Any], values: list[Any]) -> ExtensionArray | pd.DatetimeIndex:
    """A nullable pandas column of the SQL column's type (so DuckDB writes BIGINT, DOUBLE,
    BOOLEAN, TIMESTAMPTZ, not strings)."""
    import pandas as pd
    import sqlalchemy as sa

    if isinstance(sql_type, sa.Boolean):
        return pd.array(values, dtype="boolean")
    if isinstance(sql_type, sa.Integer):
        return pd.array(values, dtype="Int64")
    if isinstance(sql_type, (sa.Float, sa.Numeric)):
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")
    if isinstance(sql_type, sa.DateTime):
        return pd.to_datetime(values, utc=True)
    return pd.array([None if v is None else str(v) for v in values], dtype="string")


class _source:
    """Context manager: the `_Source` for a warehouse URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.source: _Source | None = None

    def __enter__(self) -> _Source:
        if self.url.startswith("duckdb:///"):
            self.source = _DuckDBSource(self.url[len("duckdb:///"):])
        elif self.url.startswith(("postgresql", "postgres://", "sqlite")):
            self.source = _SqlSource(self.url)
        else:
            raise ExportError(f"unsupported warehouse URL: {self.url!r} (use duckdb:///FILE or postgresql://…)")
        return self.source

    def __exit__(self, *exc: object) -> None:
        close = getattr(self.source, "close", None)
        if close:
            close()


__all__ = ["EXCEL_MAX_ROWS", "FORMATS", "ExportError", "ExportResult", "checksum", "export_warehouse"]
