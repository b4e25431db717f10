"""Which rows of a table's grid a finding is about, so that the report highlights them.

Entry point: `finding_rows(finding, facts, perf, grid)` → grid row indexes (empty when the row
cannot be told). A finding records a row label and a column, not a row; the row is found back
through the records the finding was made from:

- a fiscal fact carries `row_index`, the row of the raw grid the view shows: the facts with the
  finding's label (narrowed by its column, page and value where these single one out);
- a 绩效 record has no row index: the record the finding names (by its own label, or its project
  with the finding's column, e.g. a narrative 执行数 warning names the project and `executed`)
  is found in the grid by its own label and its value (`年度资金总额` and its amount), not by the
  project name that heads the form;
- otherwise the rows with a cell whose text is the label (whole, not a part of it)."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from pipeline.catalog import strip_enumerator
from pipeline.numbers import clean_text, parse_number

T = TypeVar("T")

# the field naming each 绩效 record's own row in a form
PERF_LABEL = {"perf_funds": "funding_source", "perf_indicators": "indicator", "perf_projects": "project_name"}
_UNIT_SUFFIX = re.compile(r"[（(](?:万元|元|千元|亿元|%|％)[）)]")


def label_key(text: object) -> str:
    """A row label as the records hold it: `一、年度资金总额（万元）：` → `年度资金总额`."""
    key = _UNIT_SUFFIX.sub("", clean_text(text if isinstance(text, str) else ""))
    return strip_enumerator(key.rstrip(":：")).strip()


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return parse_number(str(value))


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 0.005 + 1e-9 * abs(b)


def _narrowed(candidates: list[T], keep: Callable[[T], bool]) -> list[T]:
    """`candidates` that `keep` accepts, or all of them where it accepts none (a finding that
    names a blank column still names its row)."""
    kept = [c for c in candidates if keep(c)]
    return kept or candidates


def fact_rows(finding: dict, facts: list[dict]) -> set[int]:
    label = finding.get("row_label")
    found = [f for f in facts if label and f.get("row_label") == label and f.get("row_index") is not None]
    if not found:
        return set()
    if finding.get("column"):
        found = _narrowed(found, lambda f: f["column"] == finding["column"])
    if finding.get("page"):
        found = _narrowed(found, lambda f: f.get("page") == finding["page"])
    actual = _number(finding.get("actual"))
    if actual is not None:
        found = _narrowed(found, lambda f: _close(_number(f.get("value")), actual))
    return {f["row_index"] for f in found}


def perf_record(finding: dict, perf: dict[str, list[dict]]) -> tuple[str, dict] | None:
    """The 绩效 record a finding is about: one with the finding's column, named by the finding's
    label (its own label first, then its project's), the one with the finding's value first."""
    label, column = finding.get("row_label"), finding.get("column")
    if not label or not column:
        return None
    holding = [(name, r) for name, rows in perf.items() for r in rows if r.get(column) is not None]
    own = [(name, r) for name, r in holding if r.get(PERF_LABEL[name]) == label]
    named = own or [(name, r) for name, r in holding if label in (r.get("project_name"), r.get("funding_source"))]
    if not named:
        return None
    actual = _number(finding.get("actual"))
    if actual is not None:
        named = _narrowed(named, lambda nr: _close(_number(nr[1].get(column)), actual))
    return named[0]


def label_rows(label: object, grid: list[list[str]]) -> list[int]:
    key = label_key(label)
    return [i for i, row in enumerate(grid) if key and any(label_key(text) == key for text in row)]


def record_row(label: object, value: object, grid: list[list[str]]) -> set[int]:
    """The row holding the record's label and its value; the only row holding the value (a
    总分 row names no project); or the first row holding the label."""
    with_label = label_rows(label, grid)
    number = _number(value)
    with_value = [i for i, row in enumerate(grid)
                  if number is not None and any(_close(parse_number(t), number) for t in row)]
    both = [i for i in with_label if i in with_value]
    if both:
        return {both[0]}
    if len(with_value) == 1:
        return set(with_value)
    return set(with_label[:1])


def finding_rows(finding: dict, facts: list[dict], perf: dict[str, list[dict]], grid: list[list[str]]) -> set[int]:
    """`facts`, `perf` (by record table): the records of the finding's table."""
    rows = fact_rows(finding, facts)
    if rows:
        return rows
    found = perf_record(finding, perf)
    if found is not None:
        name, record = found
        rows = record_row(record.get(PERF_LABEL[name]), record.get(finding["column"]), grid)
        if rows:
            return rows
    return set(label_rows(finding.get("row_label"), grid)) if finding.get("row_label") else set()
