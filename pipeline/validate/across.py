"""Checks between the tables of one document: the same figure printed in two tables."""
from __future__ import annotations

from pipeline.validate.within import close


def pick(records, keys, table_key, *, section=None, label=None, code=None, column=None, code_len=None):
    """Facts of `table_key` matching the given fields."""
    out = []
    for f in records["fiscal_facts"]:
        if keys.get(f["table_id"]) != table_key:
            continue
        if section is not None and f["section"] != section:
            continue
        if label is not None and f["row_label"] != label:
            continue
        if code is not None and f["subject_code"] != code:
            continue
        if code_len is not None and (not f["subject_code"] or len(f["subject_code"]) != code_len):
            continue
        if column is not None and f["column"] != column:
            continue
        out.append(f)
    return out


def first_value(facts):
    return facts[0] if facts else None


# (what, fact in table A, fact in table B): both printed, they must agree
PAIRS = (
    ("income 合计 = summary 本年收入合计",
     dict(table_key="income", label="合计", column="本年收入合计"),
     dict(table_key="income_expenditure_summary", section="收入", label="本年收入合计", column="决算数")),
    ("expenditure 合计 = summary 本年支出合计",
     dict(table_key="expenditure", label="合计", column="本年支出合计"),
     dict(table_key="income_expenditure_summary", section="支出", label="本年支出合计", column="决算数")),
    ("general-budget expenditure 合计 = fiscal-appropriation summary 一般公共预算 column",
     dict(table_key="general_budget_expenditure", label="合计", column="合计"),
     dict(table_key="fiscal_appropriation_summary", section="支出", label="本年支出合计", column="一般公共预算财政拨款")),
)


def in_wan(units: dict[int, str], fact: dict) -> float:
    """A fact's value in 万元, whatever unit its table states (tables of one document differ)."""
    return (fact["value"] or 0.0) * (1e-4 if units.get(fact["table_id"]) == "元" else 1.0)


def check_across_tables(records, v) -> None:
    keys = {f["table_id"]: f["table_key"] for f in records["fiscal_facts"]}
    units = {t["table_id"]: t["unit"] for t in records["tables"]}
    for what, a_sel, b_sel in PAIRS:
        a = first_value(pick(records, keys, **a_sel))
        b = first_value(pick(records, keys, **b_sel))
        if a and b:
            v.ran(a["table_id"])
            if not close(in_wan(units, a), in_wan(units, b), 1):
                v.warn("cross_table", what, a["table_id"], a["page"], a["row_label"], a["column"], b["value"], a["value"])
    # each 类 of the expenditure table = its line on the 支出 side of the summary
    summary = {f["row_label"]: f for f in pick(records, keys, "income_expenditure_summary", section="支出", column="决算数")}
    for f in pick(records, keys, "expenditure", column="本年支出合计", code_len=3):
        other = summary.get(f["row_label"])
        if other:
            v.ran(f["table_id"])
            if not close(in_wan(units, f), in_wan(units, other), 1):
                v.warn("cross_table", f"class {f['subject_code']} = its line in the summary", f["table_id"], f["page"],
                       f["row_label"], f["column"], other["value"], f["value"])
    # basic expenditure total = 基本支出 of the general-budget expenditure table
    basic = pick(records, keys, "general_budget_basic_expenditure", column="决算数")
    parts = [f for f in basic if f["row_label"] and f["row_label"].endswith("合计") and not f["subject_code"]]
    if not parts:
        parts = [f for f in basic if f["subject_code"] and len(f["subject_code"]) == 3]
    target = first_value(pick(records, keys, "general_budget_expenditure", label="合计", column="基本支出"))
    if parts and target:
        v.ran(target["table_id"])
        total = round(sum(in_wan(units, f) for f in parts), 6)
        if not close(total, in_wan(units, target), len(parts)):
            v.warn("cross_table", "basic expenditure total = general-budget 基本支出", parts[0]["table_id"], parts[0]["page"],
                   "合计", "决算数", target["value"], total)
