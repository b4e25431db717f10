"""Validate: every table against the identities it obeys, every document against itself.

Entry point: `validate_document(records, narrative)`. Findings are warnings with the two sides
of the failed check in `expected` / `actual`; each table gets a quality in 0..1 (the share of
its checks that hold, lowered by errors; null where none could run), the document the mean over
its tables that have one. What is checked — identities, coded tables, tables each kind of
disclosure prints, cross-table pairs, narrative amounts — is catalog data (`pipeline.catalog`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import Finding
from pipeline.validate.across import check_across_tables
from pipeline.validate.narrative import check_completeness, check_narrative, check_units
from pipeline.validate.subjects import check_subjects
from pipeline.validate.within import check_within_tables


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    checks: dict[int | None, int] = field(default_factory=dict)  # table_id → checks run

    def ran(self, table_id: int | None, n: int = 1) -> None:
        self.checks[table_id] = self.checks.get(table_id, 0) + n

    def warn(self, check: str, message: str, table_id=None, page=None, row_label=None, column=None,
             expected=None, actual=None) -> None:
        self.findings.append(Finding("warning", check, message, page, table_id, row_label, column,
                                     _round(expected), _round(actual)))


def _round(value):
    return round(value, 6) if isinstance(value, float) else value


def validate_document(records: dict[str, list[dict]], narrative: list[str]) -> Validation:
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
