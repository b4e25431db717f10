"""Every validation rule on small hand-built records, without the corpus: for each check (every
identity of every catalog table, every cross-table check, every narrative amount, the code
hierarchy, the summary's two sides, the performance arithmetic, the subject codes, the
disclosure's completeness, the unit of project amounts) three cases — it holds (no finding), it
fails (exactly the expected finding), it does not apply (no finding, nothing checked).

Records have the shape the realign stage gives them (`test_fact_shape_is_realigns` keeps the
helper honest); the checks are parametrized over the catalog, so a new identity, cross check or
narrative amount is tested here as soon as it is added."""
from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse

import pytest

from pipeline import catalog
from pipeline.catalog import Identity, Pick
from pipeline.catalog import subjects as subject_codes
from pipeline.model import Cell, RawTable
from pipeline.realign import realign_table
from pipeline.validate import validate_document
from pipeline.validate.within import _GRAND_TOTAL, _SIDE_TOTAL_COLUMNS

UNIT = "万元"


# ── records as the stages produce them ──────────────────────────────────────────────────────

def fact(table_id: int, table_key: str, column: str, value: float | None, row_label: str | None = None,
         code: str | None = None, section: str | None = "", row_index: int = 0, page: int = 1) -> dict:
    return {"table_id": table_id, "table_key": table_key, "section": section, "row_label": row_label,
            "subject_code": code, "column": column, "value": value, "unit": UNIT, "page": page,
            "row_index": row_index, "column_index": 0, "parent_code": code[:-2] if code and len(code) > 3 else None,
            "is_total": row_label in catalog.TOTAL_LABELS,
            "value_yuan": None if value is None else round(value * 10000)}


def records(facts: list[dict] = (), tables: dict[int, str] | None = None, **perf: list[dict]) -> dict:
    """The document's records; its tables are those its facts name, plus `tables`."""
    keys = {f["table_id"]: f["table_key"] for f in facts} | (tables or {})
    return {"fiscal_facts": list(facts),
            "tables": [{"table_id": t, "table_key": k, "unit": UNIT, "page_start": 1} for t, k in keys.items()],
            "perf_projects": perf.get("projects", []), "perf_funds": perf.get("funds", []),
            "perf_indicators": perf.get("indicators", [])}


def findings(recs: dict, narrative: tuple[str, ...] = ()) -> list[tuple]:
    v = validate_document(recs, list(narrative))
    return [(f.severity, f.check, f.table_id, f.row_label, f.column, f.expected, f.actual) for f in v.findings]


def checks_run(recs: dict, narrative: tuple[str, ...] = ()) -> int:
    return sum(validate_document(recs, list(narrative)).checks.values())


def test_fact_shape_is_realigns():
    """The helper's facts carry exactly the fields realign_table gives a fact."""
    grid = [["项目", "本年支出合计", "基本支出", "项目支出"], ["合计", "30.00", "10.00", "20.00"]]
    cells = [Cell(r, c, text) for r, row in enumerate(grid) for c, text in enumerate(row)]
    raw = RawTable(cells, len(grid), 4, page=1, source="native", unit=UNIT)
    out, _, _ = realign_table(raw, catalog.BY_KEY["expenditure"], 7)
    assert out and all(set(f) == set(fact(7, "expenditure", "x", 1.0)) for f in out)
    # and a table built so passes its identity through the real stages
    assert findings(records(out)) == []
    assert checks_run(records(out)) >= 1


# ── text matching a catalog pattern ─────────────────────────────────────────────────────────

def sample(pattern: str, amount: str = "1") -> str:
    """The shortest text a catalog regex matches (first branch, fewest repeats), its `amount`
    group reading `amount`; a lookbehind's text is written before what it guards."""
    parsed = sre_parse.parse(pattern)
    names = {gid: name for name, gid in parsed.state.groupdict.items()}
    return _text(parsed, names, amount)


def _text(items, names: dict[int, str], amount: str) -> str:
    out = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            out.append(chr(av))
        elif op is sre_constants.SUBPATTERN:
            out.append(amount if names.get(av[0]) == "amount" else _text(av[3], names, amount))
        elif op is sre_constants.BRANCH:
            out.append(_text(av[1][0], names, amount))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            out.append(_text(av[2], names, amount) * av[0])
        elif op is sre_constants.IN:
            first = av[0]
            if first[0] is sre_constants.NEGATE:  # [^…]: a character of none of the kinds listed
                out.append("甲")
                continue
            out.append({sre_constants.LITERAL: lambda a: chr(a), sre_constants.RANGE: lambda a: chr(a[0]),
                        sre_constants.CATEGORY: lambda a: "1"}[first[0]](first[1]))
        elif op is sre_constants.CATEGORY:
            out.append("1")
        elif op is sre_constants.ANY:
            out.append("x")
        elif op is sre_constants.ASSERT and av[0] < 0:  # (?<=年): the text it looks behind at
            out.append(_text(av[1], names, amount))
        # AT, ASSERT_NOT, lookaheads: nothing to write
    return "".join(out)


def label_for(pick: Pick) -> str | None:
    if pick.label is None:
        return None
    label = sample(pick.label)
    assert re.fullmatch(pick.label, label), (pick.label, label)
    return label


# ── identities: every identity of every catalog table ───────────────────────────────────────

IDENTITIES = [(spec.key, identity) for spec in catalog.TABLES for identity in spec.identities]


def printed_parts(table_key: str, identity: Identity) -> list[str]:
    """The identity's parts as a table can print them: a budget table checks only rows whose
    columns its catalog entry places, so a part it has no column for is printed as its own
    parts (the identity tree), where it has columns for those."""
    spec = catalog.BY_KEY[table_key]
    known = {name for name, _ in spec.columns}
    out: list[str] = []
    for part in dict.fromkeys(identity.parts):
        if spec.family != "budget" or part in known:
            out.append(part)
            continue
        below = next((i for i in spec.identities if i.total == part and i is not identity), None)
        out += [p for p in printed_parts(table_key, below) if p not in out] if below else []
    return out


def identity_row(table_key: str, identity: Identity, off: float = 0.0) -> list[dict]:
    parts = {p: 10.0 * (i + 1) + 0.25 for i, p in enumerate(printed_parts(table_key, identity))}
    total = round(sum(parts.values()), 6) + off
    return [fact(1, table_key, identity.total, total, "合计")] + [
        fact(1, table_key, p, v, "合计") for p, v in parts.items() if p != identity.total]


@pytest.mark.parametrize("table_key,identity", IDENTITIES, ids=[f"{k}:{i.name}" for k, i in IDENTITIES])
def test_row_identity(table_key, identity):
    spec = catalog.BY_KEY[table_key]
    if spec.family == "budget" and identity.total not in {name for name, _ in spec.columns}:
        # the table has no column for the total (基本支出 in a basic-expenditure table: its 合计
        # is it): a row printing one is not placed, so nothing is checked (the identity serves
        # as the tree under the table's other identities)
        assert findings(records(identity_row(table_key, identity, off=5.0))) == []
        assert checks_run(records(identity_row(table_key, identity, off=5.0))) == 0
        return
    holds = identity_row(table_key, identity)
    assert findings(records(holds)) == []
    assert checks_run(records(holds)) >= 1

    fails = identity_row(table_key, identity, off=5.0)
    expected = round(sum(f["value"] for f in fails[1:]), 6)
    assert findings(records(fails)) == [
        ("warning", "row_identity", 1, "合计", identity.total, expected, fails[0]["value"])]

    parts_only = fails[1:]  # the row does not print the total: nothing to check
    assert findings(records(parts_only)) == []


# ── coded tables: 类 = Σ款, 合计 = Σ 类 ─────────────────────────────────────────────────────

CODED = [spec.key for spec in catalog.TABLES if spec.coded]


def coded_rows(table_key: str, column: str, class_value: float, total: float | None = None,
               with_children: bool = True) -> list[dict]:
    rows = [fact(1, table_key, column, class_value, subject_codes.names("201")[0], "201", row_index=1)]
    if with_children:
        rows += [fact(1, table_key, column, 10.0, subject_codes.names("20101")[0], "20101", row_index=2),
                 fact(1, table_key, column, 20.5, subject_codes.names("20102")[0], "20102", row_index=3)]
    if total is not None:
        rows.append(fact(1, table_key, column, total, "合计", row_index=0))
    return rows


@pytest.mark.parametrize("table_key", CODED)
def test_code_hierarchy(table_key):
    column = "金额"  # a column no identity names: the hierarchy alone is checked
    assert findings(records(coded_rows(table_key, column, 30.5))) == []
    assert findings(records(coded_rows(table_key, column, 35.5))) == [
        ("warning", "code_hierarchy", 1, "一般公共服务支出", column, 30.5, 35.5)]
    assert findings(records(coded_rows(table_key, column, 35.5, with_children=False))) == []


@pytest.mark.parametrize("table_key", CODED)
def test_table_total(table_key):
    column = "金额"
    assert findings(records(coded_rows(table_key, column, 30.5, total=30.5))) == []
    assert findings(records(coded_rows(table_key, column, 30.5, total=40.0))) == [
        ("warning", "table_total", 1, "合计", column, 30.5, 40.0)]
    # a 合计 without its classes printed: nothing to add up
    assert findings(records([fact(1, table_key, column, 40.0, "合计")])) == []


# ── the two sides of a summary ──────────────────────────────────────────────────────────────

SUMMARIES = [spec.key for spec in catalog.TABLES if spec.sections[:2] == ("收入", "支出")]


@pytest.mark.parametrize("table_key", SUMMARIES)
def test_summary_sides(table_key):
    spec = catalog.BY_KEY[table_key]
    known = {name for name, _ in spec.columns}
    column = next((c for c in _SIDE_TOTAL_COLUMNS if c in known or spec.family != "budget"), _SIDE_TOTAL_COLUMNS[-1])
    label = "总计"
    assert _GRAND_TOTAL.fullmatch(label)

    def sides(income: float, spending: float | None) -> list[dict]:
        out = [fact(1, table_key, column, income, label, section="收入")]
        return out + ([fact(1, table_key, column, spending, label, section="支出", row_index=1)]
                      if spending is not None else [])

    assert findings(records(sides(100.0, 100.0))) == []
    assert findings(records(sides(100.0, 90.0))) == [("warning", "summary_sides", 1, label, column, 100.0, 90.0)]
    assert findings(records(sides(100.0, None))) == []


# ── checks across tables: every cross check of every kind of disclosure ─────────────────────

CROSS = [check for kind in catalog.KINDS.values() for check in kind.cross_checks]


def picked(pick: Pick, table_id: int, value: float, row_index: int = 0, code: str | None = None,
           label: str | None = None) -> dict:
    if code is None and pick.code_len is not None:
        code = "201"[:pick.code_len]
    if label is None:
        label = label_for(pick) or (subject_codes.names(code)[0] if code else "合计")
    return fact(table_id, pick.table_key, pick.column, value, label, code, pick.section, row_index)


@pytest.mark.parametrize("check", CROSS, ids=[c.name for c in CROSS])
def test_cross_table(check):
    if check.mode == "sum":
        left = lambda total: [picked(check.left, 1, total - 40.0, 0), picked(check.left, 1, 40.0, 1)]  # noqa: E731
    else:
        left = lambda total: [picked(check.left, 1, total)]  # noqa: E731
    right_label = None
    if check.mode == "by_label":  # the right side's row carries the left's label
        right_label = picked(check.left, 1, 0.0)["row_label"]
    right = picked(check.right, 2, 100.0, label=right_label)

    assert findings(records(left(100.0) + [right])) == []
    assert checks_run(records(left(100.0) + [right])) >= 1

    bad = left(130.0)
    expected = 100.0
    actual = 130.0 if check.mode != "sum" else 130.0
    what = check.name if check.mode != "by_label" else f"class {bad[0]['subject_code']}: {check.name}"
    got = findings(records(bad + [right]))
    assert got == [("warning", "cross_table", 1, bad[0]["row_label"], bad[0]["column"], expected, actual)]
    messages = [f.message for f in validate_document(records(bad + [right]), []).findings]
    assert messages == [what]

    assert findings(records(bad)) == []  # the other table is not printed


# ── amounts the text states: every narrative amount of every kind ───────────────────────────

NARRATIVE = [amount for kind in catalog.KINDS.values() for amount in kind.narrative]


@pytest.mark.parametrize("amount", NARRATIVE, ids=[f"{a.fact.table_key}:{a.fact.column}" for a in NARRATIVE])
def test_narrative_amount(amount):
    text = sample(amount.pattern, "123.45")
    m = re.search(amount.pattern, text)
    assert m and m.group("amount") == "123.45", (amount.pattern, text)

    assert [f for f in findings(records([picked(amount.fact, 1, 123.45)]), (text,)) if f[1] == "narrative"] == []

    wrong = picked(amount.fact, 1, 200.0)
    got = [f for f in findings(records([wrong]), (text,)) if f[1] == "narrative"]
    assert got and set(got) == {("warning", "narrative", 1, wrong["row_label"], wrong["column"], 123.45, 200.0)}

    # the table is not printed: nothing to compare the text with
    assert [f for f in findings(records([]), (text,)) if f[1] == "narrative"] == []


def test_narrative_amount_over_a_blank_cell():
    amount = next(a for a in NARRATIVE if a.blank_is_finding)
    text = sample(amount.pattern, "88")
    table = {1: amount.fact.table_key}
    narrative = lambda recs, text: [f for f in findings(recs, (text,)) if f[1] == "narrative"]  # noqa: E731
    assert narrative(records([], tables=table), text) == [
        ("warning", "narrative", 1, amount.fact.label, amount.fact.column, 88.0, None)]
    assert narrative(records([], tables=table), sample(amount.pattern, "0")) == []
    assert narrative(records([]), text) == []


def test_empty_table_whose_topic_the_text_gives_an_amount():
    kind = catalog.KINDS["final_account"]
    key, pattern = kind.topics[0]
    text = sample(pattern, "12")
    assert findings(records([], tables={1: key}), (text,)) == [("warning", "empty_table", 1, None, None, 12.0, 0)]
    assert findings(records([fact(1, key, "合计", 5.0, "合计")]), (text,)) == []  # the table has amounts
    assert findings(records([], tables={1: key}), ()) == []  # the text says nothing of it


# ── completeness: the tables a kind of disclosure prints ────────────────────────────────────

@pytest.mark.parametrize("kind", list(catalog.KINDS.values()), ids=list(catalog.KINDS))
def test_missing_table(kind):
    keys = [wanted.split("|")[0] for wanted in kind.tables]
    every = records([], tables=dict(enumerate(keys, 1)))
    assert [f for f in findings(every) if f[1] == "missing_table"] == []
    lacking = records([], tables=dict(enumerate(keys[1:], 1)))
    assert [f[1:3] for f in findings(lacking) if f[1] == "missing_table"] == [("missing_table", None)]
    # too few of its tables to be that kind of disclosure: nothing is missing
    few = records([], tables=dict(enumerate(keys[:kind.min_tables - 1], 1)))
    assert [f for f in findings(few) if f[1] == "missing_table"] == []


# ── subject codes ───────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("table_key", CODED[:1])
def test_subject_codes(table_key):
    right = fact(1, table_key, "金额", 5.0, subject_codes.names("201")[0], "201")
    assert findings(records([right])) == []
    unknown = fact(1, table_key, "金额", 5.0, "某某支出", "999")
    assert findings(records([unknown])) == [("warning", "unknown_subject_code", 1, "某某支出", None, None, "999")]
    wrong = fact(1, table_key, "金额", 5.0, "完全无关的名称", "201")
    name = subject_codes.closest_label("201", "完全无关的名称")
    assert findings(records([wrong])) == [("warning", "subject_label", 1, "完全无关的名称", None, name, "完全无关的名称")]
    # a table whose rows are not subjects: its codes are checked, not its labels
    uncoded = next(spec.key for spec in catalog.TABLES if not spec.coded and spec.kind == "fiscal")
    assert findings(records([fact(1, uncoded, "金额", 5.0, "完全无关的名称", "201")])) == []


# ── performance forms ───────────────────────────────────────────────────────────────────────

def fund(table_id: int = 1, budget: float | None = 100.0, executed: float | None = 90.0,
         rate: float | None = 90.0, weight: float | None = None, score: float | None = None,
         project: str | None = "某项目", unit: str = UNIT) -> dict:
    return {"table_id": table_id, "scope": "project", "project_name": project, "funding_source": "年度资金总额",
            "budget_initial": None, "budget_full_year": budget, "executed": executed, "execution_rate": rate,
            "weight": weight, "score": score, "unit": unit}


def indicator(weight: float | None, score: float | None, table_id: int = 1) -> dict:
    return {"table_id": table_id, "scope": "project", "project_name": "某项目", "level1": "产出指标",
            "level2": "数量指标", "indicator": "完成数", "target": "10", "actual": "10", "weight": weight,
            "score": score, "page": 1}


def project(total: float | None, other: float | None = 0.0, table_id: int = 1, form: str = "self_evaluation",
            name: str = "某项目") -> dict:
    return {"table_id": table_id, "scope": "project", "project_name": name, "total_score": total, "page": 1,
            "form": form, "goal_actual": None, "_other_scores": other}


def test_execution_rate():
    assert findings(records(funds=[fund()])) == []
    assert findings(records(funds=[fund(rate=80.0)])) == [
        ("warning", "execution_rate", 1, "年度资金总额", "execution_rate", 90.0, 80.0)]
    assert findings(records(funds=[fund(rate=None)])) == []  # no rate printed
    assert checks_run(records(funds=[fund(rate=None)])) == 0


def test_score_over_weight():
    assert findings(records(indicators=[indicator(10, 9.5)])) == []
    assert findings(records(indicators=[indicator(10, 12)])) == [
        ("warning", "score_over_weight", 1, "完成数", "score", 10, 12)]
    assert findings(records(indicators=[indicator(None, 12)])) == []


def test_total_score():
    form = dict(funds=[fund(weight=10, score=10)], indicators=[indicator(90, 85)])
    assert findings(records(projects=[project(95.0)], **form)) == []
    assert findings(records(projects=[project(99.0)], **form)) == [
        ("warning", "total_score", 1, "某项目", "total_score", 95.0, 99.0)]
    assert findings(records(projects=[project(None)], **form)) == []  # no total printed
    assert findings(records(projects=[project(99.0, other=None)], **form)) == []  # forms not told apart


def test_project_narrative():
    stated = "某项目执行数为90万元"
    assert catalog.NARRATIVE_EXECUTED.search(stated), stated
    proj = dict(projects=[project(None)], funds=[fund()])
    assert findings(records(**proj), (stated + "。",)) == []
    wrong = stated.replace("90", "70")
    assert findings(records(**proj), (wrong + "。",)) == [
        ("warning", "narrative", 1, "某项目", "executed", 70.0, 90.0)]
    assert findings(records(projects=[project(None)], funds=[fund(executed=None, rate=None)]), (wrong,)) == []


def test_unit_of_project_amounts():
    def document(first: float) -> dict:
        amounts = [first, 100.0, 120.0, 80.0]
        return records(projects=[project(None, table_id=t, name=f"项目{t}") for t in range(1, 5)],
                       funds=[fund(t, budget=a, executed=None, rate=None, project=f"项目{t}")
                              for t, a in enumerate(amounts, 1)])

    assert findings(document(150.0)) == []
    assert findings(document(200000.0)) == [("warning", "unit", 1, "年度资金总额", "budget_full_year", "元", "万元")]
    two = records(projects=[project(None, table_id=t, name=f"项目{t}") for t in (1, 2)],
                  funds=[fund(1, 200000.0, None, None, project="项目1"), fund(2, 100.0, None, None, project="项目2")])
    assert findings(two) == []  # too few projects to tell what is typical
