"""Checks between the tables of one document: the same figure printed in two tables
(`pipeline.catalog` CrossCheck: one value against another, each class against its line, parts
against their total)."""
from __future__ import annotations

import re
from collections.abc import Callable

from pipeline import catalog
from pipeline.catalog import CrossCheck, Pick
from pipeline.catalog.spec import CrossMode
from pipeline.store.schema import Records
from pipeline.validate.validation import Validation
from pipeline.validate.within import close

Units = dict[int, str | None]  # table_id → the unit the table states


def pick(records: Records, selector: Pick) -> list[dict]:
    """Facts matching a selector, in document order."""
    out = []
    for f in records["fiscal_facts"]:
        if f["table_key"] != selector.table_key or f["column"] != selector.column:
            continue
        if selector.section is not None and f["section"] != selector.section:
            continue
        if selector.label is not None and not re.fullmatch(selector.label, f["row_label"] or ""):
            continue
        code = f["subject_code"]
        if selector.code_len is not None and (not code or len(code) != selector.code_len):
            continue
        if selector.coded is not None and bool(code) != selector.coded:
            continue
        out.append(f)
    return out


def in_wan(units: Units, fact: dict) -> float:
    """A fact's value in 万元, whatever unit its table states (tables of one document differ)."""
    return (fact["value"] or 0.0) * (1e-4 if units.get(fact["table_id"]) == "元" else 1.0)


def agree(units: Units, left: list[dict], right: dict) -> tuple[bool, float]:
    """Whether the sum of `left` equals `right`, and that sum in `right`'s unit. Tables in one
    unit compare as printed (元 to the 元); across units in 万元, where each rounded figure may be
    off by 0.01."""
    unit = units.get(right["table_id"])
    if all(units.get(f["table_id"]) == unit for f in left):
        total = round(sum(f["value"] or 0.0 for f in left), 6)
        return close(total, right["value"] or 0.0, len(left)), total
    total = round(sum(in_wan(units, f) for f in left), 6)
    back = total * (1e4 if unit == "元" else 1.0)
    return close(total, in_wan(units, right), len(left)), round(back, 6)


def check_across_tables(records: Records, v: Validation) -> None:
    units: Units = {t["table_id"]: t["unit"] for t in records["tables"]}
    for kind in catalog.KINDS.values():
        for check in kind.cross_checks:
            MODES[check.mode](records, units, check, v)


def _warn(v: Validation, check: CrossCheck, fact: dict, expected: float | None, actual: float | None,
          what: str | None = None) -> None:
    v.warn("cross_table", what or check.name, fact["table_id"], fact["page"], fact["row_label"], fact["column"],
           expected, actual)


def _same_value(records: Records, units: Units, check: CrossCheck, v: Validation) -> None:
    a, b = pick(records, check.left), pick(records, check.right)
    if a and b:
        v.ran(a[0]["table_id"])
        if not agree(units, [b[0]], a[0])[0]:
            _warn(v, check, a[0], b[0]["value"], a[0]["value"])


def _each_by_label(records: Records, units: Units, check: CrossCheck, v: Validation) -> None:
    lines: dict[str | None, dict] = {}
    for f in pick(records, check.right):
        lines.setdefault(f["row_label"], f)
    for f in pick(records, check.left):
        other = lines.get(f["row_label"])
        if other:
            v.ran(f["table_id"])
            if not agree(units, [other], f)[0]:
                _warn(v, check, f, other["value"], f["value"], f"class {f['subject_code']}: {check.name}")


def _parts_to_total(records: Records, units: Units, check: CrossCheck, v: Validation) -> None:
    parts = pick(records, check.left) or (pick(records, check.fallback) if check.fallback else [])
    totals = pick(records, check.right)
    if parts and totals:
        target = totals[0]
        v.ran(target["table_id"])
        holds, total = agree(units, parts, target)
        if not holds:
            _warn(v, check, parts[0], target["value"], total)


# CrossCheck.mode → how its two selections are compared
MODES: dict[CrossMode, Callable[[Records, Units, CrossCheck, Validation], None]] = {
    "value": _same_value,
    "by_label": _each_by_label,
    "sum": _parts_to_total,
}
