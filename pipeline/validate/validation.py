"""What validation collects: the findings, and how many checks ran per table (the quality's
denominator). Every check takes the document's records and a `Validation` to report to."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import Finding


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    checks: dict[int | None, int] = field(default_factory=dict)  # table_id → checks run

    def ran(self, table_id: int | None, n: int = 1) -> None:
        self.checks[table_id] = self.checks.get(table_id, 0) + n

    def warn(self, check: str, message: str, table_id: int | None = None, page: int | None = None,
             row_label: str | None = None, column: str | None = None, expected: object = None,
             actual: object = None) -> None:
        self.findings.append(Finding("warning", check, message, page, table_id, row_label, column,
                                     _round(expected), _round(actual)))


def _round(value: object) -> object:
    return round(value, 6) if isinstance(value, float) else value
