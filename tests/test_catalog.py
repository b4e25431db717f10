"""The catalog keys tables by content: numbered and variant titles of both families, titles the
document's kind completes, ties broken by the header, the schema document kept in step."""
from pathlib import Path

import pytest

from pipeline import catalog
from pipeline.extract.context import read_title_and_unit
from pipeline.extract.identity import organisation
from pipeline.model import RawTable

TITLES = [
    # 决算, the 教育部 高等学校 variants, 三公 with 会议费/培训费
    ("收入支出决算总表", None, "income_expenditure_summary"),
    ("表4：高等学校财政拨款支出决算表", None, "fiscal_appropriation_expenditure"),
    ("高等学校财政拨款收入支出决算总表", None, "fiscal_appropriation_summary"),
    ("财政拨款“三公”经费及会议费、培训费支出决算表", None, "three_public"),
    ("一般公共预算财政拨款基本支出决算表", None, "general_budget_basic_expenditure"),
    # 预算 under the numberings and wordings provinces print
    ("2026年预算单位财务收支预算总表", None, "budget_income_expenditure_summary"),
    ("表一 部门财务收支预算总表", None, "budget_income_expenditure_summary"),
    ("收支总体情况表", "budget", "budget_income_expenditure_summary"),
    ("公开02表 收入总表", "budget", "budget_income"),
    ("附表3-1 支出预算总表", None, "budget_expenditure"),
    ("2022年部门综合预算财政拨款收支总表", None, "budget_fiscal_appropriation_summary"),
    ("一般公共预算支出表（按经济分类）", None, "budget_general_budget_expenditure_economic"),
    ("部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）", None,
     "budget_general_budget_basic_expenditure_function"),
    ("2026年单位“三公”经费和机关运行经费预算表", None, "budget_three_public"),
    ("一般公共预算机关运行经费支出预算表", None, "budget_operating_costs"),
    ("2022年部门综合预算政府性基金收支表（不含上年结转）", None, "budget_government_fund"),
    ("2026年预算单位政府性基金预算支出功能分类预算表", None, "budget_government_fund"),
    ("2026年预算单位财政拨款项目支出预算表", "budget", "budget_project_expenditure"),
    ("政府采购支出表", "budget", "budget_government_procurement"),
    ("部门综合预算财政拨款上年结转资金支出表", None, "budget_carryover"),
    ("基本支出总表", "budget", "budget_basic_expenditure"),
    ("一般公共预算财政拨款项目支出决算表", None, "general_budget_project_expenditure"),
    ("机关运行经费支出决算表", None, "operating_costs"),
    ("政府购买服务预算表", None, "budget_government_purchase_services"),
    ("部门支出经济分类预算表", None, "budget_expenditure_economic"),
    # performance forms of both kinds
    ("政策和项目预算绩效目标表", None, "project_performance_targets"),
    ("2026年部门整体绩效目标表", None, "department_performance_targets"),
    ("项目支出绩效自评表", None, "project_performance"),
    ("2023年度某某专项资金绩效自评表", None, "project_performance"),
    ("部门整体绩效自评表", None, "department_performance"),
]


@pytest.mark.parametrize("title,family,key", TITLES, ids=[t[0] for t in TITLES])
def test_titles_are_keyed_by_content(title, family, key):
    assert catalog.key_table(title, [], family).key == key


def test_a_neutral_title_takes_the_documents_family():
    assert catalog.key_table("收支总表", [], "budget").key == "budget_income_expenditure_summary"
    assert catalog.key_table("收支总表", [], "final_account").key == "income_expenditure_summary"
    # a document that names no family: the header's words decide
    assert catalog.key_table("收支总表", ["项目", "预算数"], None).key == "budget_income_expenditure_summary"
    assert catalog.key_table("收支总表", ["项目", "决算数"], None).key == "income_expenditure_summary"
    # a title that names its family wins over the document's
    assert catalog.key_table("收入支出决算总表", [], "budget").key == "income_expenditure_summary"


def test_the_header_decides_between_classifications():
    title = "2021年部门综合预算一般公共预算支出明细表"
    function = ["序号", "功能科目编码", "功能科目名称", "合计"]
    economic = ["序号", "部门经济科目编码", "部门经济科目名称", "政府经济科目编码", "合计"]
    assert catalog.key_table(title, function, "budget").key == "budget_general_budget_expenditure"
    assert catalog.key_table(title, economic, "budget").key == "budget_general_budget_expenditure_economic"


@pytest.mark.parametrize("key,path,name", [
    ("budget_income", "本年收入/小计", "本年收入合计"),
    ("budget_income", "本年收入/财政拨款/一般公共预算拨款", "一般公共预算财政拨款"),
    ("budget_income", "上年结转结余/一般公共预算", "上年结转结余/一般公共预算"),
    ("income", "事业收入/其中：教育收费", "事业收入/教育收费"),
    ("budget_three_public", "因公出国(境)费/一般公共预算", "因公出国（境）费/一般公共预算"),
    ("budget_three_public", "“三公”经费预算数/公务用车购置及运行费/小计", "公务用车购置及运行费"),
    ("budget_income_expenditure_summary", "预算数/基本支出/人员经费", "人员经费"),
    ("budget_income", "部门预算/上年实户资金余额", "上年实户资金余额"),
    ("budget_income", "部门预算/未列入的列", "部门预算/未列入的列"),
])
def test_sub_columns_map_to_canonical_names(key, path, name):
    assert catalog.canonical_column(catalog.BY_KEY[key], path) == name


@pytest.mark.parametrize("lines,kind", [
    (["上海市普陀区财政局", "2024年度部门决算"], "final_account"),
    (["-1-", "北京市商务局2026年度部门预算信息公开"], "budget"),
    (["上海市2026年市级单位预算", "预算单位：上海市审计局"], "budget"),
    (["西安市交通运输局2022年部门综合预算"], "budget"),
    (["包头市人民政府办公室关于印发包头市建筑垃圾污染环境防治工作规划的通知", "各旗、县、区人民政府"], None),
    (["济南市审计局政府信息公开申请表"], None),
    (["某某局2023年度部门预算项目支出绩效自评报告"], "performance"),
    (["2026年项目支出绩效目标表"], "performance"),
])
def test_document_heading_names_its_kind(lines, kind):
    assert catalog.heading_kind(lines) == kind


def test_kind_follows_the_recognised_tables():
    assert catalog.disclosure_kind(["budget_income", "budget_expenditure", "other"], None) == "budget"
    assert catalog.disclosure_kind(["income", "expenditure", "three_public"], "budget") == "final_account"
    assert catalog.disclosure_kind(["project_performance"], None) == "performance"
    assert catalog.disclosure_kind(["project_performance"], "performance") == "performance"
    # a budget whose heading is a budget's keeps its kind when only its 绩效目标表 were read
    assert catalog.disclosure_kind(["project_performance_targets"], "budget") == "budget"
    assert catalog.disclosure_kind(["other", "other"], None) == "other"
    assert catalog.disclosure_kind([], "budget") == "budget"


@pytest.mark.parametrize("raw,name", [
    (".长春市信访局（本级）", "长春市信访局（本级）"),
    ("西安市卫生健康委员会（汇总）金额", "西安市卫生健康委员会（汇总）"),
    ("北京市医疗保障局部门", "北京市医疗保障局"),
    ("拟变动情况", None),
    ("万元", None),
    ("上海市", None),
])
def test_department_is_an_organisation_never_a_header_fragment(raw, name):
    assert organisation(raw) == name


def test_title_printed_over_two_lines_with_its_qualifier():
    table = RawTable(cells=[], n_rows=0, n_cols=0, page=1, source="native", context=[
        "表12", "2021年部门综合预算政府采购（资产配置、购买服务）", "预算表（不含上年结转）", "预算单位：西安市民政局 单位：元"])
    read_title_and_unit(table)
    assert table.title == "2021年部门综合预算政府采购（资产配置、购买服务）预算表（不含上年结转）" and table.unit == "元"
    table = RawTable(cells=[], n_rows=0, n_cols=0, page=1, source="native", context=[
        "表5", "2021年部门综合预算一般公共预算支出明细表", "（按支出经济分类科目-不含上年结转）", "单位：元"])
    read_title_and_unit(table)
    assert catalog.key_table(table.title, [], "budget").key == "budget_general_budget_expenditure_economic"


def test_schema_document_lists_every_key_and_canonical_column():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    assert catalog.describe_tables() in doc, "docs/schema.md is out of step: run python -m pipeline.catalog"
    from pipeline.store.schema import SCHEMA

    for table, columns in SCHEMA.items():
        for column, _ in columns:
            assert f"| `{column}` |" in doc.split(f"### `{table}`")[1].split("###")[0], (table, column)


def test_schema_document_lists_every_record_field_in_order():
    """docs/schema.md documents each record table's fields as the warehouse and JSONL hold them."""
    import re

    from pipeline.store.schema import SCHEMA

    doc = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text(encoding="utf-8")
    for table, columns in SCHEMA.items():
        section = doc.split(f"### `{table}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        listed = re.findall(r"^\| `([a-z_0-9]+)` \| (\w+) \|", section, flags=re.M)
        assert listed == list(columns), table
