"""Columns of SPEC's record tables, in order, with a portable SQL type each, and their keys.

`json` columns (lists, or values of either kind) are stored as JSON text in the warehouse;
`timestamp` columns are ISO 8601 strings in the records (and JSONL) and TIMESTAMP WITH TIME
ZONE in the warehouse. `KEYS` names each table's primary key or unique constraint."""

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
