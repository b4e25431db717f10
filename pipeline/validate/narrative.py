"""Checks of a document as a whole: are its tables all there, does its text say what its
tables say, and does every amount fit the unit its table states."""
from __future__ import annotations

import re
from statistics import median

from pipeline import catalog
from pipeline.numbers import parse_number
from pipeline.validate.within import close

# Amounts in 万元 by table unit: a figure this many times the others is in another unit.
UNIT_FACTOR = {"万元": 1.0, "元": 1e-4}
OUTLIER = 100.0


def compact(text: str) -> str:
    return "".join(text.split())


def is_final_account(records) -> bool:
    """A 部门决算 disclosure: it prints most of the standard tables."""
    keys = {t["table_key"] for t in records["tables"]}
    return len(keys & set(catalog.FINAL_ACCOUNT_TABLES)) >= 5


def check_completeness(records, narrative: list[str], v) -> None:
    keys = {t["table_key"]: t for t in records["tables"]}
    if is_final_account(records):
        for key in catalog.FINAL_ACCOUNT_TABLES:
            v.ran(None)
            if key not in keys:
                v.warn("missing_table", f"the disclosure lacks its {catalog.BY_KEY[key].name} ({key})")
    with_facts = {f["table_id"] for f in records["fiscal_facts"] if f["value"]}
    text = compact("".join(narrative))
    for key, pattern in catalog.NARRATIVE_TOPICS.items():
        table = keys.get(key)
        if table is None or table["table_id"] in with_facts:
            continue
        amounts = [parse_number(m.group("amount")) for m in re.finditer(pattern, text)]
        stated = [a for a in amounts if a]
        v.ran(table["table_id"])
        if stated:
            v.warn("empty_table", f"{key} has no amounts, the text states {stated[0]} 万元", table["table_id"],
                   table["page_start"], None, None, stated[0], 0)


def table_value_in_wan(records, table_id: int, value: float) -> float:
    unit = next((t["unit"] for t in records["tables"] if t["table_id"] == table_id), "万元")
    return value * UNIT_FACTOR.get(unit or "万元", 1.0)


def check_narrative(records, narrative: list[str], v) -> None:
    """Amounts the text states against the cells they describe (the text speaks in 万元)."""
    text = compact("".join(narrative))
    for pattern, key, section, label, column in catalog.NARRATIVE_AMOUNTS:
        m = re.search(pattern, text)
        if not m:
            continue
        stated = parse_number(m.group("amount"))
        facts = [f for f in records["fiscal_facts"] if f["table_key"] == key and f["section"] == section
                 and f["row_label"] == label and f["column"] == column]
        if not facts or stated is None:
            continue
        fact = facts[0]
        v.ran(fact["table_id"])
        if not close(stated, table_value_in_wan(records, fact["table_id"], fact["value"] or 0.0), 1):
            v.warn("narrative", f"the text states {m.group(0)}", fact["table_id"], fact["page"], label, column,
                   stated, fact["value"])
    check_project_narrative(records, text, v)


def check_project_narrative(records, text: str, v) -> None:
    """A project's executed amount in its goal text, or in a 自评综述 sentence naming it."""
    for project in records["perf_projects"]:
        funds = [f for f in records["perf_funds"] if f["table_id"] == project["table_id"] and f["executed"] is not None]
        if not funds:
            continue
        total = funds[0]
        factor = UNIT_FACTOR.get(total.get("unit") or "万元", 1.0)
        sources = [project.get("goal_actual") or ""]
        name = project.get("project_name")
        if name:
            sources += [s for s in re.split(r"[。；]", text) if s.startswith(name) or s.startswith(name + "项目")]
        for sentence in sources:
            m = catalog.NARRATIVE_EXECUTED.search(compact(sentence))
            if not m:
                continue
            stated = parse_number(m.group("amount"))
            executed = [f["executed"] * factor for f in funds]
            v.ran(project["table_id"])
            if stated is not None and not any(close(stated, e, 1) for e in executed):
                v.warn("narrative", f"the text states {m.group(0)}; the table's 执行数 is {total['executed']}",
                       project["table_id"], project["page"], name or total["funding_source"], "executed",
                       stated, round(executed[0], 6))
            break


def check_units(records, v) -> None:
    """A project's amounts a hundred times and more above the document's other projects, in a
    万元 table, were most likely printed in 元."""
    firsts = {}
    for f in records["perf_funds"]:
        amount = f["budget_full_year"] or f["budget_initial"] or f["executed"]
        if amount and f["table_id"] not in firsts:
            firsts[f["table_id"]] = (amount * UNIT_FACTOR.get(f.get("unit") or "万元", 1.0), f)
    if len(firsts) < 3:
        return
    typical = median(a for a, _ in firsts.values())
    for table_id, (amount, f) in firsts.items():
        v.ran(table_id)
        if typical > 0 and amount > OUTLIER * typical and (f.get("unit") or "万元") == "万元":
            v.warn("unit", f"{f['project_name'] or f['funding_source']}: {amount:g} 万元 is {amount / typical:.0f}× the "
                   f"document's typical project ({typical:g} 万元); the figures look like 元", table_id, None,
                   f["funding_source"], "budget_full_year", "元", "万元")
