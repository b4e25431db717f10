"""Columns of SPEC's record tables, in order, with a portable SQL type each, and their keys.

`json` columns (lists, or values of either kind) are stored as JSON text in the warehouse;
`timestamp` columns are ISO 8601 strings in the records (and JSONL) and TIMESTAMP WITH TIME
ZONE in the warehouse. `KEYS` names each table's primary key or unique constraint.

Records travel between stages as plain dicts (`Record`), a document's as `Records` (table name →
rows). The `*Row` TypedDicts below spell out each table's row with Python types; a test keeps
them equal to `SCHEMA` and checks a run's records against them."""
from __future__ import annotations

from typing import Any, TypedDict

Record = dict[str, Any]  # one row of a record table, keyed by column
Records = dict[str, list[Record]]  # a document's rows, by record table name

SCHEMA: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("document_id", "text"), ("source_uri", "text"), ("filename", "text"), ("department", "text"),
        ("year", "int"), ("pages", "int"), ("kind", "text"), ("status", "text"), ("error", "text"), ("processed_at", "timestamp"),
        ("quality", "float"),  # beyond SPEC: mean quality of the document's tables
        ("source_name", "text"),  # the crawl source's name (SPEC: kept in documents.source_name)
    ],
    "tables": [
        ("document_id", "text"), ("table_id", "int"), ("table_key", "text"), ("title", "text"),
        ("page_start", "int"), ("page_end", "int"), ("unit", "text"), ("source", "text"), ("n_rows", "int"),
        ("n_cols", "int"), ("realign_actions", "json"), ("quality", "float"),
        ("regions", "json"),  # beyond SPEC: [page, x0, y0, x1, y1] per page the table covers
    ],
    "fiscal_facts": [
        ("document_id", "text"), ("table_id", "int"), ("table_key", "text"), ("section", "text"),
        ("row_label", "text"), ("subject_code", "text"), ("column", "text"), ("value", "float"),
        ("unit", "text"), ("page", "int"),
        # SPEC v2: the row's order in its table, totals rows, the parent class, the value in 元
        ("row_index", "int"), ("is_total", "bool"), ("parent_code", "text"), ("value_yuan", "float"),
        # beyond SPEC: the cell's column in the (realigned) table; with row_index it names the cell,
        # where side-by-side column groups share section, row_index and column
        ("column_index", "int"),
    ],
    "perf_projects": [
        ("document_id", "text"), ("table_id", "int"), ("scope", "text"), ("project_name", "text"),
        ("implementing_unit", "text"), ("competent_department", "text"), ("unit", "text"),
        ("goal_expected", "text"), ("goal_actual", "text"), ("total_score", "float"), ("page", "int"),
        ("form", "text"),  # SPEC v2: self_evaluation | targets (绩效目标表)
        ("record_index", "int"),  # beyond SPEC: order among its table's perf_projects (names may repeat)
    ],
    "perf_funds": [
        ("document_id", "text"), ("table_id", "int"), ("scope", "text"), ("project_name", "text"),
        ("funding_source", "text"), ("budget_initial", "float"), ("budget_full_year", "float"),
        ("executed", "float"), ("execution_rate", "float"), ("weight", "float"), ("score", "float"),
        ("unit", "text"),
        ("record_index", "int"),  # beyond SPEC: order among its table's perf_funds
    ],
    "perf_indicators": [
        ("document_id", "text"), ("table_id", "int"), ("scope", "text"), ("project_name", "text"),
        ("level1", "text"), ("level2", "text"), ("indicator", "text"), ("target", "text"), ("actual", "text"),
        ("weight", "float"), ("score", "float"), ("deviation_note", "text"), ("page", "int"),
        ("record_index", "int"),  # beyond SPEC: order among its table's perf_indicators
    ],
    "quality_log": [
        ("document_id", "text"), ("table_id", "int"), ("page", "int"), ("severity", "text"), ("check", "text"),
        ("message", "text"), ("row_label", "text"), ("column", "text"), ("expected", "json"), ("actual", "json"),
        ("finding_index", "int"),  # beyond SPEC: the finding's order in its document (identical findings stay apart)
    ],
}

# The document registry of crawls: one row per URL (not a record table of SPEC, not in JSONL).
REGISTRY: list[tuple[str, str]] = [
    ("url", "text"), ("sha256", "text"), ("source_name", "text"), ("status", "text"), ("attempts", "int"),
    ("last_error", "text"), ("etag", "text"), ("last_modified", "text"), ("discovered_at", "timestamp"),
    ("updated_at", "timestamp"),
]
REGISTRY_STATUSES = ("discovered", "fetched", "processed", "failed")


# Keys of the warehouse tables: ("primary", columns) or ("unique", columns). Primary key columns are
# NOT NULL; a unique constraint lets rows with a null key part in (records written before the
# field existed). Each holds by construction: one documents row per document, one tables row per
# table_id, one fact per cell (row_index, column_index), ordinals for the rest.
KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "documents": ("primary", ("document_id",)),
    "tables": ("primary", ("document_id", "table_id")),
    "fiscal_facts": ("unique", ("document_id", "table_id", "row_index", "column_index")),
    "perf_projects": ("unique", ("document_id", "table_id", "record_index")),
    "perf_funds": ("unique", ("document_id", "table_id", "record_index")),
    "perf_indicators": ("unique", ("document_id", "table_id", "record_index")),
    "quality_log": ("unique", ("document_id", "finding_index")),
    "registry": ("primary", ("url",)),
}

RECORD_TABLES: tuple[str, ...] = tuple(SCHEMA)

# The Python type of each portable SQL type (a stored value may always be None).
PYTHON_TYPES: dict[str, object] = {"text": str, "int": int, "float": float, "bool": bool, "timestamp": str,
                                   "json": object}


class DocumentRow(TypedDict):
    document_id: str
    source_uri: str | None
    filename: str | None
    department: str | None
    year: int | None
    pages: int | None
    kind: str | None  # pipeline.model.DocumentKind
    status: str  # pipeline.model.DocumentStatus
    error: str | None
    processed_at: str | None
    quality: float | None
    source_name: str | None


class TableRow(TypedDict):
    document_id: str
    table_id: int
    table_key: str | None
    title: str | None
    page_start: int | None
    page_end: int | None
    unit: str | None
    source: str | None  # pipeline.model.TableSource
    n_rows: int | None
    n_cols: int | None
    realign_actions: object
    quality: float | None
    regions: object


class FiscalFactRow(TypedDict):
    document_id: str
    table_id: int
    table_key: str | None
    section: str | None
    row_label: str | None
    subject_code: str | None
    column: str | None
    value: float | None
    unit: str | None
    page: int | None
    row_index: int | None
    is_total: bool | None
    parent_code: str | None
    value_yuan: float | None
    column_index: int | None


class PerfProjectRow(TypedDict):
    document_id: str
    table_id: int
    scope: str | None
    project_name: str | None
    implementing_unit: str | None
    competent_department: str | None
    unit: str | None
    goal_expected: str | None
    goal_actual: str | None
    total_score: float | None
    page: int | None
    form: str | None
    record_index: int | None


class PerfFundRow(TypedDict):
    document_id: str
    table_id: int
    scope: str | None
    project_name: str | None
    funding_source: str | None
    budget_initial: float | None
    budget_full_year: float | None
    executed: float | None
    execution_rate: float | None
    weight: float | None
    score: float | None
    unit: str | None
    record_index: int | None


class PerfIndicatorRow(TypedDict):
    document_id: str
    table_id: int
    scope: str | None
    project_name: str | None
    level1: str | None
    level2: str | None
    indicator: str | None
    target: str | None
    actual: str | None
    weight: float | None
    score: float | None
    deviation_note: str | None
    page: int | None
    record_index: int | None


class QualityRow(TypedDict):
    document_id: str
    table_id: int | None
    page: int | None
    severity: str  # pipeline.model.Severity
    check: str
    message: str
    row_label: str | None
    column: str | None
    expected: object
    actual: object
    finding_index: int


ROW_TYPES: dict[str, type] = {
    "documents": DocumentRow, "tables": TableRow, "fiscal_facts": FiscalFactRow, "perf_projects": PerfProjectRow,
    "perf_funds": PerfFundRow, "perf_indicators": PerfIndicatorRow, "quality_log": QualityRow,
}
