"""Checks inside one table: row identities, the code hierarchy, totals, the two sides of a
summary, and the arithmetic of performance tables."""
from __future__ import annotations

import re
from collections import defaultdict

from pipeline import catalog, identities
from pipeline.store.schema import Records
from pipeline.validate.validation import Validation

TOLERANCE = identities.TOLERANCE_PER_TERM


def fact_rows(records: Records) -> dict[tuple, dict[str, dict]]:
    """(table_id, table_key, section, row_label, subject_code, page) → column → fact, one entry
    per printed row (`row_index`): rows that repeat a label and code stay apart."""
    rows: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for f in records["fiscal_facts"]:
        key = (f["table_id"], f["table_key"], f["section"], f["row_label"], f["subject_code"], f["page"], f.get("row_index"))
        rows[key][f["column"]] = f
    return rows


def close(expected: float, actual: float, terms: int) -> bool:
    return abs(expected - actual) <= TOLERANCE * max(terms, 1)


def unaccounted_columns(records: Records) -> set[int]:
    """Budget tables with a column the catalog cannot place (neither one of the table's columns,
    nor a sub-column of one, nor another year's or the change's): their row identities may lack
    a part, so they are not checked (a template of another province must not draw a false
    alarm)."""
    out = set()
    for f in records["fiscal_facts"]:
        spec = catalog.BY_KEY[f["table_key"]]
        if spec.family != "budget" or not spec.identities:
            continue
        known = {name.split("/{")[0] for name, _ in spec.columns}
        if f["column"] not in known and f["column"].split("/")[0] not in known and not _EARLIER_YEAR.match(f["column"]):
            out.add(f["table_id"])
    return out


_EARLIER_YEAR = re.compile(r"^((?:19|20)\d{2}年|上年|增减|比上年)")  # another year's figure, or the change


def check_within_tables(records: Records, v: Validation) -> None:
    rows = fact_rows(records)
    keys = {f["table_id"]: f["table_key"] for f in records["fiscal_facts"]}
    unplaced = unaccounted_columns(records)
    for (table_id, table_key, _section, label, _code, page, _), cells in rows.items():
        spec = catalog.BY_KEY[table_key]
        if table_id in unplaced:
            continue
        values = {name: f["value"] for name, f in cells.items()}
        for identity in spec.identities:
            result = identities.evaluate(identity, values, spec.identities)
            if result is None:
                continue
            v.ran(table_id)
            if not result[0]:
                v.warn("row_identity", f"{identity.total} ≠ {' + '.join(p for p in identity.parts if p in values)}",
                       table_id, page, label, identity.total, result[1], result[2])
    check_hierarchy(records, keys, v)
    check_summary_sides(records, keys, v)
    check_performance(records, v)


def check_hierarchy(records: Records, keys: dict[int, str], v: Validation) -> None:
    """类 = Σ款, 款 = Σ项 per column; the 合计 row = Σ 类 (per section where there are two)."""
    rows: dict[tuple, dict[str, dict[int | None, dict[str, tuple]]]] = defaultdict(lambda: defaultdict(dict))
    totals: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for f in records["fiscal_facts"]:
        if not catalog.BY_KEY[keys[f["table_id"]]].coded:
            continue
        group = (f["table_id"], f["section"])
        if f["subject_code"]:
            rows[group][f["subject_code"]].setdefault(f.get("row_index"), {})[f["column"]] = (f["value"], f["page"], f["row_label"])
        elif f["row_label"] and (f["row_label"] in catalog.TOTAL_LABELS or f["row_label"].endswith("合计")):
            totals[group].setdefault(f["column"], (f["value"], f["page"], f["row_label"]))
    for (table_id, section), by_code in rows.items():
        codes = one_row_per_code(by_code)
        for code, cols in codes.items():
            children = [c for c in by_code if len(c) == len(code) + 2 and c.startswith(code)]
            if children and all(c in codes for c in children):
                _compare_sum(v, table_id, cols, [codes[c] for c in children], f"{code} = Σ its subdivisions",
                             "code_hierarchy")
        classes = [c for c in by_code if len(c) == 3]
        if classes and all(c in codes for c in classes) and (table_id, section) in totals:
            _compare_sum(v, table_id, totals[(table_id, section)], [codes[c] for c in classes],
                         f"{section or ''}合计 = Σ classes", "table_total")


def one_row_per_code(by_code: dict[str, dict[int | None, dict[str, tuple]]]) -> dict[str, dict[str, tuple]]:
    """Each code's row; a code printed on two rows counts once where the rows agree (a 款 code
    repeated on its only 项 row) and not at all where they differ (two classifications side by
    side: which row nests under which cannot be read) — sums over it are not checked."""
    out = {}
    for code, printed in by_code.items():
        values = [{col: cell[0] for col, cell in row.items()} for row in printed.values()]
        if all(v == values[0] for v in values):
            out[code] = next(iter(printed.values()))
    return out


def _compare_sum(v: Validation, table_id: int, parent: dict[str, tuple], children: list[dict[str, tuple]], what: str,
                 check: str) -> None:
    for column, (value, page, label) in parent.items():
        parts = [c[column][0] for c in children if column in c]
        if not parts:
            continue
        v.ran(table_id)
        expected = round(sum(p or 0.0 for p in parts), 6)
        if not close(expected, value or 0.0, sum(1 for p in parts if p)):
            v.warn(check, what, table_id, page, label, column, expected, value)


def check_summary_sides(records: Records, keys: dict[int, str], v: Validation) -> None:
    """收入 总计 = 支出 总计 in the two-sided summaries (收入 | 支出)."""
    totals: dict[int, dict[str, dict]] = defaultdict(dict)
    for f in records["fiscal_facts"]:
        spec = catalog.BY_KEY[keys[f["table_id"]]]
        if spec.sections[:2] == ("收入", "支出") and f["section"] in spec.sections and \
                _GRAND_TOTAL.fullmatch(f["row_label"] or "") and f["column"] in _SIDE_TOTAL_COLUMNS:
            totals[f["table_id"]].setdefault(f["section"], f)
    for table_id, sides in totals.items():
        if "收入" in sides and "支出" in sides:
            v.ran(table_id)
            income, spending = sides["收入"]["value"], sides["支出"]["value"]
            if not close(income or 0.0, spending or 0.0, 1):
                v.warn("summary_sides", "收入总计 ≠ 支出总计", table_id, sides["支出"]["page"], sides["支出"]["row_label"],
                       sides["支出"]["column"], income, spending)


_GRAND_TOTAL = re.compile(r"(收入|支出|收支)?总计")
_SIDE_TOTAL_COLUMNS = ("决算数", "预算数", "合计")


def check_performance(records: Records, v: Validation) -> None:
    """执行率 = 执行数 / 预算数; 得分 ≤ 分值; 总分 = Σ 得分 where the table prints one."""
    for f in records["perf_funds"]:
        budget = f["budget_full_year"] if f["budget_full_year"] is not None else f["budget_initial"]
        if budget and f["executed"] is not None and f["execution_rate"] is not None:
            v.ran(f["table_id"])
            rate = f["executed"] / budget * 100
            tolerance = (1.0 if float(f["execution_rate"]).is_integer() else 0.01) + 100 * 0.01 / abs(budget)
            if abs(rate - f["execution_rate"]) > tolerance:
                v.warn("execution_rate", f"执行率 ≠ 执行数 / 预算数 ({f['funding_source']})", f["table_id"], None,
                       f["funding_source"], "execution_rate", round(rate, 2), f["execution_rate"])
        _score_within_weight(v, f, f["funding_source"])
    for f in records["perf_indicators"]:
        _score_within_weight(v, f, f["indicator"])
    scores: defaultdict[tuple[int, str | None], float] = defaultdict(float)  # per form: a table may hold several (table_id, project_name)
    for f in records["perf_indicators"] + records["perf_funds"]:
        scores[(f["table_id"], f["project_name"])] += f["score"] or 0.0
    for p in records["perf_projects"]:
        if p["total_score"] is not None and p.get("_other_scores") is not None:
            v.ran(p["table_id"])
            expected = round(scores[(p["table_id"], p["project_name"])] + p["_other_scores"], 6)
            if not close(expected, p["total_score"], 3):
                v.warn("total_score", "总分 ≠ Σ 得分", p["table_id"], p["page"], p["project_name"], "total_score",
                       expected, p["total_score"])


def _score_within_weight(v: Validation, rec: dict, label: str | None) -> None:
    if rec.get("weight") is not None and rec.get("score") is not None:
        v.ran(rec["table_id"])
        if rec["score"] > rec["weight"] + 0.01:
            v.warn("score_over_weight", f"得分 > 分值 ({label})", rec["table_id"], rec.get("page"), label, "score",
                   rec["weight"], rec["score"])
