"""Validate: every table against the identities it obeys, every document against itself.

Entry point: `validate_document(records, narrative)`. Findings are warnings with the two sides
of the failed check in `expected` / `actual`; each table gets a quality in 0..1 (the share of
its checks that hold, lowered by errors; null where none could run), the document the mean over
its tables that have one. What is checked — identities, coded tables, tables each kind of
disclosure prints, cross-table pairs, narrative amounts — is catalog data (`pipeline.catalog`).
"""
from __future__ import annotations

from pipeline.store.schema import Records
from pipeline.validate.across import check_across_tables
from pipeline.validate.narrative import check_completeness, check_narrative, check_units
from pipeline.validate.subjects import check_subjects
from pipeline.validate.validation import Validation
from pipeline.validate.within import check_within_tables


def validate_document(records: Records, narrative: list[str]) -> Validation:
    v = Validation()
    check_within_tables(records, v)
    check_across_tables(records, v)
    check_completeness(records, narrative, v)
    check_narrative(records, narrative, v)
    check_units(records, v)
    check_subjects(records, v)
    return v


def table_quality(v: Validation, table_id: int, errors: int) -> float | None:
    """Share of the table's checks that hold, an unreadable part halving it; None where no check
    could run (SPEC v2: an unrecognised table is not a perfect one)."""
    checks = v.checks.get(table_id, 0)
    if not checks:
        return None
    failed = sum(1 for f in v.findings if f.table_id == table_id and f.severity == "warning")
    share = max(0.0, (checks - failed) / checks)
    return round(share * (0.5 if errors else 1.0), 4)
