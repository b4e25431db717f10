"""The analyst views of the warehouse, as data: one SQL text per view, shared by DuckDB and
PostgreSQL.

Entry point: `view_statements(dialect)` — the `CREATE OR REPLACE VIEW` statements, in dependency order, for
`"duckdb"` or `"postgresql"`; `VIEWS` lists the view names (the warehouses drop them before a
migration and create them again after). `docs/warehouse.md` documents every view.

Names and columns avoid SQL keywords (`fact_column`, not `column`; `check_name`, not `check`), so
analysts never quote. Each `all_<name>` view holds every copy of a disclosure; `<name>` holds the
preferred copy's rows only (`is_preferred`)."""
from __future__ import annotations

# The few expressions that differ between the two dialects. `{json_text(x)}`: the text of a JSON
# string value; `{matches(x, pattern)}`: a regular-expression test.
_DIALECTS: dict[str, dict[str, str]] = {
    "duckdb": {"json_text": "json_extract_string({0}, '$')", "matches": "regexp_matches({0}, '{1}')"},
    "postgresql": {"json_text": "(CAST({0} AS jsonb) #>> '{{}}')", "matches": "({0} ~ '{1}')"},
}

# A JSON number as json.dumps writes it (no NaN / Infinity: those stay text).
_NUMBER = "^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$"
_STRING = '^".*"$'

# native text over a text dump over OCR: the copy whose tables are read most directly
_SOURCE_RANK = "CASE {0} WHEN 'native' THEN 0 WHEN 'text' THEN 1 WHEN 'ocr' THEN 2 ELSE 3 END"

# Every document with its disclosure and whether it is the preferred copy. A disclosure is a
# kind, department and year; a document without them (or of kind `other`) is its own.
_ALL_DOCUMENT_LIST = f"""
WITH source_counts AS (
    SELECT document_id, source, COUNT(*) AS n_tables,
           ROW_NUMBER() OVER (PARTITION BY document_id
                              ORDER BY COUNT(*) DESC, {_SOURCE_RANK.format('source')}) AS pick
    FROM "tables" GROUP BY document_id, source
), dominant AS (
    SELECT document_id, source FROM source_counts WHERE pick = 1
), table_counts AS (
    SELECT document_id, COUNT(*) AS n_tables FROM "tables" GROUP BY document_id
), keyed AS (
    SELECT d.*, dominant.source AS dominant_source, COALESCE(table_counts.n_tables, 0) AS n_tables,
           CASE WHEN d.department IS NOT NULL AND d.year IS NOT NULL
                     AND d.kind IN ('final_account', 'budget', 'performance')
                THEN d.kind || '/' || d.department || '/' || CAST(d.year AS TEXT)
                ELSE 'document/' || d.document_id END AS disclosure_key
    FROM documents AS d
    LEFT JOIN dominant ON dominant.document_id = d.document_id
    LEFT JOIN table_counts ON table_counts.document_id = d.document_id
), ranked AS (
    SELECT keyed.*,
           ROW_NUMBER() OVER (PARTITION BY disclosure_key
                              ORDER BY {_SOURCE_RANK.format('dominant_source')}, processed_at DESC NULLS LAST,
                                       document_id) AS preference,
           COUNT(*) OVER (PARTITION BY disclosure_key) AS copies
    FROM keyed
)
SELECT document_id, disclosure_key, preference = 1 AS is_preferred, preference, copies,
       kind, department, year, filename, source_uri, source_name, pages, status, error, processed_at,
       quality, dominant_source, n_tables
FROM ranked
"""

_DISCLOSURES = """
SELECT p.disclosure_key, p.kind, p.department, p.year, p.copies,
       p.document_id AS preferred_document_id, p.filename AS preferred_filename,
       p.dominant_source AS preferred_source,
       (SELECT string_agg(a.document_id, ',' ORDER BY a.preference) FROM all_document_list AS a
        WHERE a.disclosure_key = p.disclosure_key) AS document_ids
FROM all_document_list AS p
WHERE p.is_preferred
"""

# The document columns every record view starts with.
_DOC = ("d.document_id, d.disclosure_key, d.is_preferred, d.kind, d.department, d.year, d.filename, "
        "d.source_uri, d.source_name")

_ALL_TABLE_LIST = f"""
SELECT {_DOC}, t.table_id, t.table_key, t.title, t.page_start, t.page_end, t.unit, t.source AS table_source,
       t.n_rows, t.n_cols, t.quality, t.realign_actions
FROM "tables" AS t JOIN all_document_list AS d ON d.document_id = t.document_id
"""

_ALL_FACTS = f"""
SELECT {_DOC}, f.table_id, f.table_key, t.title AS table_title, t.unit AS table_unit, t.page_start, t.page_end,
       t.source AS table_source, f.section, f.row_index, f.column_index, f.row_label, f.subject_code,
       f.parent_code, f.is_total, f."column" AS fact_column, f.value, f.unit, f.value_yuan, f.page
FROM fiscal_facts AS f
JOIN all_document_list AS d ON d.document_id = f.document_id
LEFT JOIN "tables" AS t ON t.document_id = f.document_id AND t.table_id = f.table_id
"""

# `expected` / `actual` are stored as JSON text (`"元"`, `12.5`): shown as plain text, and as a
# number where the value is one.
_ALL_FINDINGS = """
SELECT {doc}, q.finding_index, q.table_id, t.table_key, t.title AS table_title, q.page, q.severity,
       q."check" AS check_name, q.message, q.row_label, q."column" AS finding_column,
       {expected_text} AS expected_text, {actual_text} AS actual_text,
       {expected_number} AS expected_number, {actual_number} AS actual_number,
       q.expected AS expected_json, q.actual AS actual_json
FROM quality_log AS q
JOIN all_document_list AS d ON d.document_id = q.document_id
LEFT JOIN "tables" AS t ON t.document_id = q.document_id AND t.table_id = q.table_id
"""

_ALL_PROJECTS = f"""
SELECT {_DOC}, p.table_id, p.record_index, t.title AS table_title, p.scope, p.form, p.project_name,
       p.implementing_unit, p.competent_department, p.unit, p.goal_expected, p.goal_actual, p.total_score, p.page
FROM perf_projects AS p
JOIN all_document_list AS d ON d.document_id = p.document_id
LEFT JOIN "tables" AS t ON t.document_id = p.document_id AND t.table_id = p.table_id
"""

_YUAN = "CASE {0}.unit WHEN '万元' THEN 10000 WHEN '元' THEN 1 END"

_ALL_FUNDS = f"""
SELECT {_DOC}, u.table_id, u.record_index, u.scope, u.project_name, u.funding_source, u.budget_initial,
       u.budget_full_year, u.executed, u.execution_rate, u.weight, u.score, u.unit,
       u.budget_initial * {_YUAN.format('u')} AS budget_initial_yuan,
       u.budget_full_year * {_YUAN.format('u')} AS budget_full_year_yuan,
       u.executed * {_YUAN.format('u')} AS executed_yuan
FROM perf_funds AS u JOIN all_document_list AS d ON d.document_id = u.document_id
"""

_ALL_INDICATORS = f"""
SELECT {_DOC}, i.table_id, i.record_index, i.scope, i.project_name, i.level1, i.level2, i.indicator,
       i.target, i.actual, i.weight, i.score, i.deviation_note, i.page
FROM perf_indicators AS i JOIN all_document_list AS d ON d.document_id = i.document_id
"""

# (name, SQL) in dependency order; each `all_<name>` also gets `<name>`: its preferred copies.
_ALL_VIEWS: list[tuple[str, str]] = [
    ("all_document_list", _ALL_DOCUMENT_LIST),
    ("all_table_list", _ALL_TABLE_LIST),
    ("all_facts", _ALL_FACTS),
    ("all_findings", _ALL_FINDINGS),
    ("all_projects", _ALL_PROJECTS),
    ("all_funds", _ALL_FUNDS),
    ("all_indicators", _ALL_INDICATORS),
]

VIEWS: list[str] = ["disclosures"] + [name for all_name, _ in _ALL_VIEWS for name in (all_name, all_name[4:])]


def _findings_sql(dialect: str) -> str:
    d = _DIALECTS[dialect]

    def text(col: str) -> str:
        is_string = d["matches"].format(col, _STRING)
        return f"CASE WHEN {is_string} THEN {d['json_text'].format(col)} ELSE {col} END"

    def number(col: str) -> str:
        return f"CASE WHEN {d['matches'].format(col, _NUMBER)} THEN CAST({col} AS DOUBLE PRECISION) END"

    return _ALL_FINDINGS.format(doc=_DOC, expected_text=text("q.expected"), actual_text=text("q.actual"),
                                expected_number=number("q.expected"), actual_number=number("q.actual"))


def view_statements(dialect: str) -> list[str]:
    """`CREATE OR REPLACE VIEW` statements of every view, dependencies first."""
    out = []
    for name, sql in _ALL_VIEWS:
        body = _findings_sql(dialect) if name == "all_findings" else sql
        out.append(f"CREATE OR REPLACE VIEW {name} AS {body.strip()}")
        out.append(f"CREATE OR REPLACE VIEW {name[4:]} AS SELECT * FROM {name} WHERE is_preferred")
        if name == "all_document_list":
            out.append(f"CREATE OR REPLACE VIEW disclosures AS {_DISCLOSURES.strip()}")
    return out


def drop_statements() -> list[str]:
    """`DROP VIEW` statements, dependants first."""
    return [f"DROP VIEW IF EXISTS {name}" for name in reversed(_creation_order())]


def _creation_order() -> list[str]:
    order = []
    for name, _ in _ALL_VIEWS:
        order += [name, name[4:]] + (["disclosures"] if name == "all_document_list" else [])
    return order
