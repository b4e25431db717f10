"""Checks of a document as a whole: are its tables all there, does its text say what its
tables say, and does every amount fit the unit its table states."""
from __future__ import annotations

import re
from statistics import median

from pipeline import catalog
from pipeline.catalog import DisclosureKind, NarrativeAmount
from pipeline.numbers import parse_number
from pipeline.store.schema import Records
from pipeline.validate.across import Units, in_wan, pick
from pipeline.validate.validation import Validation
from pipeline.validate.within import close

# Amounts in 万元 by table unit: a figure this many times the others is in another unit.
UNIT_FACTOR = {"万元": 1.0, "元": 1e-4}
OUTLIER = 100.0


def compact(text: str) -> str:
    return "".join(text.split())


def disclosure_of(records: Records) -> DisclosureKind | None:
    """The kind of disclosure whose standard tables the document prints (enough of them)."""
    keys = {t["table_key"] for t in records["tables"]}
    for kind in catalog.KINDS.values():
        if sum(1 for wanted in kind.tables if keys & set(wanted.split("|"))) >= kind.min_tables:
            return kind
    return None


def check_completeness(records: Records, narrative: list[str], v: Validation) -> None:
    keys = {t["table_key"]: t for t in records["tables"]}
    kind = disclosure_of(records)
    for wanted in kind.tables if kind else ():
        v.ran(None)
        if not set(wanted.split("|")) & set(keys):
            key = wanted.split("|")[0]
            v.warn("missing_table", f"the disclosure lacks its {catalog.BY_KEY[key].name} ({key})")
    with_facts = {f["table_id"] for f in records["fiscal_facts"] if f["value"]}
    text = compact("".join(narrative))
    for kind in catalog.KINDS.values():
        for key, pattern in kind.topics:
            table = keys.get(key)
            if table is None or table["table_id"] in with_facts:
                continue
            stated = [a for m in re.finditer(pattern, text) if (a := parse_number(m.group("amount")))]
            v.ran(table["table_id"])
            if stated:
                v.warn("empty_table", f"{key} has no amounts, the text states {stated[0]} 万元", table["table_id"],
                       table["page_start"], None, None, stated[0], 0)


def stated_tolerance(amount_text: str) -> float:
    """The text rounds: `19,577万元` for a table's 19,577.43 is right (half its last digit)."""
    decimals = len(amount_text.split(".")[1]) if "." in amount_text else 0
    return 0.5 * 10 ** -decimals + 0.011


def check_narrative(records: Records, narrative: list[str], v: Validation) -> None:
    """Amounts the text states against the cells they describe (the text speaks in 万元)."""
    text = compact("".join(narrative))
    units: Units = {t["table_id"]: t["unit"] for t in records["tables"]}
    for kind in catalog.KINDS.values():
        for amount in kind.narrative:
            m = re.search(amount.pattern, text)
            facts = pick(records, amount.fact) if m else []
            stated = parse_number(m.group("amount")) if m else None
            if m is None or stated is None:
                continue
            if not facts:
                stated_over_blank(records, amount, m.group(0), stated, v)
                continue
            fact = facts[0]
            v.ran(fact["table_id"])
            # a label pattern may select several totals (收入总计, 本年收入合计): the text names one;
            # without one, the text speaks of the table's first row (its total)
            candidates = facts if amount.fact.label else facts[:1]
            if all(abs(stated - in_wan(units, f)) > stated_tolerance(m.group("amount")) for f in candidates):
                v.warn("narrative", f"the text states {m.group(0)}", fact["table_id"], fact["page"], fact["row_label"],
                       fact["column"], stated, fact["value"])
    check_project_narrative(records, text, v)


def stated_over_blank(records: Records, amount: NarrativeAmount, phrase: str, stated: float, v: Validation) -> None:
    """The text gives an amount for a cell every template of the table prints, and the table
    leaves it blank: one of the two is wrong."""
    tables = [t for t in records["tables"] if t["table_key"] == amount.fact.table_key]
    if not amount.blank_is_finding or not tables:
        return
    table = tables[0]
    v.ran(table["table_id"])
    if stated:
        v.warn("narrative", f"the text states {phrase}; the table leaves {amount.fact.column} blank", table["table_id"],
               table["page_start"], amount.fact.label, amount.fact.column, stated, None)


def check_project_narrative(records: Records, text: str, v: Validation) -> None:
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


def check_units(records: Records, v: Validation) -> None:
    """A project's amounts a hundred times and more above the document's other projects, in a
    万元 table, were most likely printed in 元. Self-evaluations of projects only: a department's
    total, or a budget's targets for projects of every size, are no project like the others."""
    evaluated = {(p["table_id"], p["project_name"]) for p in records["perf_projects"]
                 if p.get("scope") == "project" and p.get("form") != "targets"}
    firsts = {}
    for f in records["perf_funds"]:
        if (f["table_id"], f["project_name"]) not in evaluated:
            continue
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
