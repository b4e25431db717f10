"""绩效 forms of both kinds (自评表 and 目标表): goals read from the body, score notes stripped,
totals, funding blocks, title variants, forms continued over pages; on dumps, drawn PDFs and
the real pages of the corpus (skipped where it is absent)."""
from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from conftest import NATIONAL, SAMPLES, SEEDS
from dumps import PERF_HEAD, one, run_dump
from perf_forms_pdf import DEPARTMENT, GOAL_ACTUAL, GOAL_EXPECTED, TOTAL, department_form_pdf

from pipeline import catalog
from pipeline.catalog import performance as vocab
from pipeline.process import process_document

HEADER_WORDS = re.compile(vocab.GOAL_LABEL.pattern)


def records_of(result, table_id: int, name: str) -> list[dict]:
    return [r for r in result.records[name] if r["table_id"] == table_id]


# ── title variants ────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("title, key", [
    ("项目绩效自评表", "project_performance"),
    ("项目支出绩效自评表", "project_performance"),
    ("2023年度某某专项资金绩效自评表", "project_performance"),
    ("项目支出绩效评价自评表", "project_performance"),
    ("项目支出绩效自评情况表", "project_performance"),
    ("部门整体支出绩效自评表", "department_performance"),
    ("整体绩效自评表(2022年度)", "department_performance"),
    ("部门整体支出绩效自评情况表", "department_performance"),
    ("部门整体绩效目标自评表", "department_performance"),
    ("部门绩效自评表", "department_performance"),
    ("项目支出绩效目标表", "project_performance_targets"),
    ("项目绩效目标申报表", "project_performance_targets"),
    ("部门专项业务经费绩效目标表", "project_performance_targets"),
    ("专项资金总体绩效目标表（2026年度）", "project_performance_targets"),
    ("政策和项目预算绩效目标表", "project_performance_targets"),
    ("2026年市级重点专项资金绩效目标表（一级项目）", "project_performance_targets"),
    ("部门整体支出绩效目标表", "department_performance_targets"),
    ("2026年部门整体绩效目标表", "department_performance_targets"),
])
def test_title_variants_are_keyed(title, key):
    assert catalog.match_title(title).key == key
    assert catalog.match_title(title, "final_account").key == key


# ── self-evaluations on dumps ─────────────────────────────────────────────────────────────

FORM_TOP = ["项目支出绩效自评表", "", "项目名称\t测试项目\t\t\t\t\t\t\t", "实施单位\t测试单位\t\t\t\t\t\t\t",
            "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t",
            "\t年度资金总额\t10.00\t8.00\t6.00\t10\t75.00%\t7.50\t"]
INDICATORS = ["绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
              "\t产出指标50分\t数量指标\t指标甲\t100%\t100%\t50\t50\t",
              "\t效益指标 30分\t社会效益指标\t指标乙\t提升\t提升\t30\t29\t",
              "\t满意度指标（10分）\t服务对象满意度指标\t指标丙\t≥90%\t95%\t10\t10\t"]


@pytest.mark.parametrize("goal_rows", [
    # another city's template: the block label, then 预期目标（年初设定） | 实际完成情况 as column labels
    ["年度总体目标完成情况\t预期目标（年初设定）\t\t\t实际完成情况\t\t\t\t",
     "年度总体目标完成情况\t完成测试\t\t\t已完成测试\t\t\t\t"],
    # the block label printed over two cells (`年度` | `总体目标完成情况`)
    ["年度\t预期目标（年初设定）\t\t\t实际完成情况\t\t\t\t", "总体目标完成情况\t完成测试\t\t\t已完成测试\t\t\t\t"],
    # the column labels on a row of their own above the block label (Fuzhou's template)
    ["预期目标\t\t\t\t*实际完成情况\t\t\t\t", "年度总体目标\t完成测试\t\t\t已完成测试\t\t\t\t"],
    # row labels: `年度总体目标 | 预期目标 | text` and `| 实际完成情况 | text`
    ["年度总体目标\t预期目标\t完成测试\t\t\t\t\t\t", "\t实际完成情况\t已完成测试\t\t\t\t\t\t"],
    # label and text as form fields
    ["年度目标\t完成测试\t\t\t\t\t\t\t", "绩效目标实际完成情况\t已完成测试\t\t\t\t\t\t\t"],
])
def test_goals_are_read_from_the_body_never_a_label(tmp_path, goal_rows):
    r = run_dump(tmp_path, FORM_TOP + goal_rows + INDICATORS)
    project = one(r.records["perf_projects"], project_name="测试项目")
    assert (project["goal_expected"], project["goal_actual"]) == ("完成测试", "已完成测试")
    assert project["form"] == "self_evaluation"


def test_score_notes_are_stripped_with_or_without_brackets(tmp_path):
    r = run_dump(tmp_path, FORM_TOP + INDICATORS)
    levels = {i["indicator"]: (i["level1"], i["level2"]) for i in r.records["perf_indicators"]}
    assert levels == {"指标甲": ("产出指标", "数量指标"), "指标乙": ("效益指标", "社会效益指标"),
                      "指标丙": ("满意度指标", "服务对象满意度指标")}


@pytest.mark.parametrize("total_row, total", [
    ("总分\t\t\t\t\t\t100\t99.5\t", 99.5),
    ("自评得分\t99.5\t\t\t\t\t\t\t", 99.5),
    ("综合得分：98.2\t\t\t\t\t\t\t\t", 98.2),
    ("\t合计\t\t\t\t\t100\t96\t", 96),
])
def test_total_score_in_its_variants(tmp_path, total_row, total):
    r = run_dump(tmp_path, FORM_TOP + INDICATORS + [total_row])
    assert one(r.records["perf_projects"], project_name="测试项目")["total_score"] == total
    assert len(r.records["perf_indicators"]) == 3  # the total row is no indicator


def test_a_second_form_in_one_table_is_a_form_of_its_own(tmp_path):
    second = [line.replace("测试项目", "第二项目") for line in PERF_HEAD[2:]]
    r = run_dump(tmp_path, PERF_HEAD + second)
    assert [p["project_name"] for p in r.records["perf_projects"]] == ["测试项目", "第二项目"]
    assert {i["project_name"] for i in r.records["perf_indicators"]} == {"测试项目", "第二项目"}


def test_a_field_label_split_over_two_cells_is_one_label(tmp_path):
    lines = PERF_HEAD[:3] + ["主管部门\t及代码\t123_某某局\t\t\t\t\t\t"] + PERF_HEAD[3:]
    r = run_dump(tmp_path, lines)
    assert r.records["perf_projects"][0]["competent_department"] == "123_某某局"


# ── target forms on dumps ─────────────────────────────────────────────────────────────────

TARGET_FORM = [
    "项目支出绩效目标表", "",
    "项目名称\t\t目标项目\t\t",
    "主管部门及代码\t\t101_某某局\t实施单位\t某某中心",
    "项目资金（万元）\t\t年度资金总额：\t120.00\t",
    "\t\t其中：财政拨款\t100.00\t",
    "\t\t其他资金\t20.00\t",
    "年度总体目标\t完成年度目标任务\t\t\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t指标值",
    "\t产出指标\t数量指标\t服务次数\t≥12次",
    "\t满意度指标\t服务对象满意度指标\t满意度\t≥90%",
]


def test_a_target_form_reads_funds_goal_and_indicators_without_results(tmp_path):
    r = run_dump(tmp_path, TARGET_FORM)
    project = one(r.records["perf_projects"], project_name="目标项目")
    assert (project["form"], project["competent_department"], project["implementing_unit"]) == (
        "targets", "101_某某局", "某某中心")
    assert (project["goal_expected"], project["goal_actual"], project["total_score"]) == ("完成年度目标任务", None, None)
    funds = {f["funding_source"]: f for f in r.records["perf_funds"]}
    assert {k: f["budget_full_year"] for k, f in funds.items()} == {"年度资金总额": 120, "财政拨款": 100, "其他资金": 20}
    assert all(f["executed"] is None and f["score"] is None for f in funds.values())
    inds = r.records["perf_indicators"]
    assert [(i["level1"], i["indicator"], i["target"], i["actual"], i["score"]) for i in inds] == [
        ("产出指标", "服务次数", "≥12次", None, None), ("满意度指标", "满意度", "≥90%", None, None)]


def test_a_department_target_form_keeps_its_total_not_its_tasks(tmp_path):
    lines = [
        "部门整体支出绩效目标表", "",
        "部门（单位）名称\t某某局\t\t\t\t",
        "年度主要任务\t任务名称\t主要内容\t预算金额（万元）\t\t",
        "\t\t\t总额\t财政拨款\t其他资金",
        "\t任务一\t日常运转\t300.00\t300.00\t0.00",
        "\t任务二\t专项业务\t200.00\t150.00\t50.00",
        "\t金额合计\t\t500.00\t450.00\t50.00",
        "年度总体目标\t保障部门正常运转\t\t\t\t",
        "年度绩效指标\t一级指标\t二级指标\t指标内容\t指标值\t",
        "\t产出指标\t数量指标\t保障人数\t100人\t",
    ]
    r = run_dump(tmp_path, lines)
    project = r.records["perf_projects"][0]
    assert (project["scope"], project["implementing_unit"], project["goal_expected"]) == ("department", "某某局", "保障部门正常运转")
    assert {f["funding_source"]: f["budget_full_year"] for f in r.records["perf_funds"]} == {
        "总额": 500, "财政拨款": 450, "其他资金": 50}
    assert [i["indicator"] for i in r.records["perf_indicators"]] == ["保障人数"]
    assert any("年度主要任务: 2 task rows" in a for a in r.records["tables"][0]["realign_actions"])


# ── a department form over two pages (drawn) ──────────────────────────────────────────────

@pytest.mark.parametrize("second_title", ["部门整体支出绩效自评表", "续表", None])
def test_department_form_over_two_pages_is_one_form(tmp_path, second_title):
    pdf = tmp_path / "dept.pdf"
    department_form_pdf(pdf, second_title)
    r = process_document(pdf)
    assert [(t["table_key"], t["page_start"], t["page_end"]) for t in r.records["tables"]] == [
        ("department_performance", 1, 2)]
    project = r.records["perf_projects"][0]
    assert (project["scope"], project["implementing_unit"], project["total_score"]) == ("department", DEPARTMENT, TOTAL)
    assert (project["goal_expected"], project["goal_actual"]) == (GOAL_EXPECTED, GOAL_ACTUAL)
    inds = r.records["perf_indicators"]
    assert [(i["level1"], i["page"]) for i in inds] == [("产出指标", 1)] * 3 + [("效益指标", 2), ("满意度指标", 2)]
    assert inds[-1]["score"] == 9.5
    fund = one(r.records["perf_funds"], funding_source="年度资金总额")
    assert (fund["budget_full_year"], fund["executed"], fund["execution_rate"], fund["score"]) == (1200, 1140, 95, 9.5)


# ── self-evaluations from the seeds and samples ───────────────────────────────────────────

@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("seeds not present")
    return {p.name[:3]: process_document(p) for p in sorted(SEEDS.glob("00[012]_*.txt"))}


def test_seed_department_form_goals_from_its_field_rows(seeds):
    project = one(seeds["000"].records["perf_projects"], scope="department")
    assert project["goal_expected"].startswith("保证单位各方面工作正常运行")
    assert project["goal_actual"].startswith("有效地保证了单位各方面工作正常运行")
    assert len(records_of(seeds["000"], project["table_id"], "perf_indicators")) == 10


def test_seed_goal_labels_on_a_row_above_the_block_label(seeds):
    """`预期目标 | *实际完成情况` printed above `年度总体目标 | text | text`."""
    project = one(seeds["001"].records["perf_projects"], project_name="专项业务")
    assert project["goal_expected"].startswith("以“互联网+政务服务”为抓手")
    assert project["goal_actual"].startswith("持续拓展群众“就近办”服务")
    assert project["total_score"] == 92.49


def test_seed_department_wide_forms_keep_their_totals(seeds):
    totals = sorted(p["total_score"] for p in seeds["002"].records["perf_projects"] if p["scope"] == "department")
    assert totals == [97.37, 97.4]
    for p in seeds["002"].records["perf_projects"]:
        assert p["goal_expected"] and not HEADER_WORDS.match(p["goal_expected"])


def test_sample_forms_have_goals_from_the_body():
    pdfs = sorted((SAMPLES / "native").glob("*.pdf"))
    projects = [p for pdf in pdfs for p in process_document(pdf).records["perf_projects"]]
    assert projects
    for p in projects:
        for goal in (p["goal_expected"], p["goal_actual"]):
            assert goal is None or not HEADER_WORDS.match(goal)


# ── target forms on the corpus's real pages ───────────────────────────────────────────────

_FORM_START = re.compile(r"项目名称|部门[（(]单位[)）]名称|单位名称|部门名称")


def target_form_pages(pdf: Path) -> int:
    """Pages that open a 绩效目标表: a line of the page is the form's title (not a contents
    entry or a sentence) and the page names its project or department."""
    n = 0
    for page in pymupdf.open(pdf):
        lines = ["".join(line.split()) for line in page.get_text().splitlines()]
        titled = any(len(line) < 40 and line.endswith(("表", ")", "）")) and (spec := catalog.match_title(line))
                     and spec.form == "targets" for line in lines)
        n += titled and any(_FORM_START.search(line) for line in lines)
    return n


def mentions_targets(pdf: Path) -> bool:
    return any("绩效目标" in page.get_text() for page in pymupdf.open(pdf))


@pytest.fixture(scope="module")
def national():
    if not NATIONAL.is_dir():
        pytest.skip("corpus not present")
    return {pdf.name: process_document(pdf) for pdf in sorted(NATIONAL.glob("*.pdf")) if mentions_targets(pdf)}


def test_every_target_form_is_read(national):
    """Per document, one `targets` record per page that opens a 绩效目标表 (a form continued on
    the next page is one), each with its name, indicators with targets and a goal from the body."""
    assert len(national) >= 30  # the Shanghai budgets and the other cities' that print targets
    read = 0
    for name, result in national.items():
        forms = [p for p in result.records["perf_projects"] if p["form"] == "targets"]
        assert len(forms) == target_form_pages(NATIONAL / name), name
        for p in forms:
            inds = [i for i in result.records["perf_indicators"]
                    if (i["table_id"], i["project_name"]) == (p["table_id"], p["project_name"])]
            if not inds and p["project_name"] is None and p["goal_expected"] is None:
                continue  # a template printed empty (no 重点专项资金 this year)
            assert (p["project_name"] if p["scope"] == "project" else p["implementing_unit"]), (name, p["page"])
            assert inds and all(i["target"] and i["actual"] is None and i["score"] is None for i in inds), (name, p["page"])
            assert p["goal_expected"] and not HEADER_WORDS.match(p["goal_expected"]), (name, p["page"])
            assert p["goal_actual"] is None and p["total_score"] is None
            read += 1
    assert read >= 130


def xian(national, name):
    for key, result in national.items():
        if key.startswith("西安") and name in key:
            return result
    pytest.skip(f"{name} not in the corpus")


def test_xian_project_target_form_2021_template(national):
    r = xian(national, "民政局")
    p = one(r.records["perf_projects"], project_name="市民政局专项业务")
    assert (p["competent_department"], p["unit"]) == ("西安市民政局", "万元")
    assert p["goal_expected"].startswith("目标1：保障城乡低保对象")
    funds = records_of(r, p["table_id"], "perf_funds")
    assert [(f["funding_source"], f["budget_full_year"]) for f in funds] == [
        ("实施期资金总额", 57871.63), ("财政拨款", 57871.63), ("其他资金", 0)]
    inds = records_of(r, p["table_id"], "perf_indicators")
    assert len(inds) == 23  # over two pages
    assert (inds[0]["level1"], inds[0]["level2"], inds[0]["target"]) == ("产出指标", "数量指标", "全年按月发放，12个月，视情增发1个月")
    assert (inds[-1]["level1"], inds[-1]["indicator"], inds[-1]["target"]) == ("满意度指标", "其他民政保障对象满意度", "≥95%")


def test_xian_department_target_form_over_two_pages(national):
    r = xian(national, "民政局")
    p = one(r.records["perf_projects"], scope="department")
    assert (p["implementing_unit"], p["page"]) == ("西安市民政局", 81)
    assert p["goal_expected"].startswith("目标1：保障城市和农村困难群众基本生活")
    funds = records_of(r, p["table_id"], "perf_funds")
    assert {f["funding_source"]: f["budget_full_year"] for f in funds} == {"总额": 87203.19, "财政拨款": 70376.85,
                                                                           "其他资金": 16826.34}
    assert len(records_of(r, p["table_id"], "perf_indicators")) == 23


def test_xian_special_fund_form_with_period_and_annual_columns(national):
    r = xian(national, "财政局")
    p = one(r.records["perf_projects"], project_name="政策性农业保险市级补贴资金")
    assert p["goal_expected"].startswith("目标1：引导和支持农户参加农业保险")  # 年度总目标, not its label
    funds = [(f["funding_source"], f["budget_full_year"]) for f in records_of(r, p["table_id"], "perf_funds")]
    assert funds == [("实施期资金总额", 6600), ("实施期资金总额/财政拨款", 6600), ("实施期资金总额/其他资金", None),
                     ("年度资金总额", 6600), ("财政拨款", 6600), ("其他资金", None)]
    inds = records_of(r, p["table_id"], "perf_indicators")
    assert len(inds) == 10 and sum(i["weight"] for i in inds) == 90


def yantai(national, name):
    for key, result in national.items():
        if key.startswith("烟台") and name in key:
            return result
    pytest.skip(f"{name} not in the corpus")


def test_yantai_form_continued_under_its_repeated_title(national):
    r = yantai(national, "医疗保障局")
    p = one(r.records["perf_projects"], project_name="医疗保障工作经费")
    assert (p["competent_department"], p["implementing_unit"]) == ("339_烟台市医疗保障局", "烟台市医疗保障局")
    assert p["goal_expected"].startswith("通过使用医疗保障工作经费")
    table = one(r.records["tables"], table_id=p["table_id"])
    assert (table["page_start"], table["page_end"]) == (32, 33)
    inds = records_of(r, p["table_id"], "perf_indicators")
    assert len(inds) == 28 and {i["page"] for i in inds} == {32, 33}
    assert inds[-1][("target")] == "≥85%" and inds[-1]["level1"] == "满意度指标"
    funds = records_of(r, p["table_id"], "perf_funds")
    assert [(f["funding_source"], f["budget_full_year"]) for f in funds] == [
        ("年度预算资金总额", 392), ("财政拨款", 392), ("其他资金", 0)]


def test_chongqing_department_form_and_project_list(national):
    r = next((res for key, res in national.items() if key.startswith("重庆") and "办公厅" in key), None)
    if r is None:
        pytest.skip("重庆 办公厅 not in the corpus")
    dept = one(r.records["perf_projects"], scope="department")
    assert dept["implementing_unit"] == "重庆市人民政府办公厅"  # from the caption 单位名称：
    assert dept["goal_expected"].startswith("贯彻落实党中央和国务院的决策部署")
    inds = records_of(r, dept["table_id"], "perf_indicators")
    assert len(inds) == 10 and inds[0]["target"] == "≥4次" and inds[0]["weight"] == 10  # ≥ | 4 | 次 joined
    listed = one(r.records["perf_projects"], project_name="市政府办公厅业务及日常运行项目")
    assert listed["competent_department"] == "重庆市人民政府办公厅"
    assert listed["goal_expected"].startswith("完成各项业务工作")
    assert [(f["funding_source"], f["budget_full_year"]) for f in r.records["perf_funds"]
            if f["project_name"] == listed["project_name"]] == [("当年财政拨款预算金额", 8534.17)]
    assert len([i for i in r.records["perf_indicators"] if i["project_name"] == listed["project_name"]]) == 11
