"""部门预算 (budgets): the standard tables under the many titles and numberings provinces print
(`表一`, `公开03表`, `附表3-1`, `部门财务收支预算总表`, `…预算情况表`, 部门综合预算), their
canonical columns, the identities their rows obey, the checks across them and the amounts the
预算说明 text states. Keys carry the `budget_` prefix (SPEC v2); docs/schema.md lists the columns.

Title patterns are searched in the compacted title; the family word 预算 is optional in them
(Shenzhen and Wuxi print `收支总表`): a neutral title takes the document's kind. `not_titles`
keeps a pattern off its neighbours' titles (function vs economic classification, 基本支出)."""
from __future__ import annotations

from pipeline.catalog.narrative import BUDGET_WORDS, THREE_PUBLIC_ITEMS, stated
from pipeline.catalog.spec import CrossCheck, DisclosureKind, Identity, NarrativeAmount, Pick, TableSpec

_FUNDS = (
    ("一般公共预算财政拨款", r"一般公共预算"),
    ("政府性基金预算财政拨款", r"政府性基金"),
    ("国有资本经营预算财政拨款", r"国有资本经营"),
)
_FUND_PARTS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
# columns by source of funds, as income and project tables print them (a column of a
# carried-over block keeps its block: `上年结转结余/一般公共预算`)
_SOURCES = (
    ("上年结转结余", r"(^|/)上年(结转|结余)[^/]*(/(小计|合计))?$"),
    ("上年结转结余/{sub}", r"(^|/)上年(?:结转|结余)[^/]*/(?P<sub>.+)$"),
    ("总计", r"(^|/)(收入|支出)?总计$"),
    ("本年收入合计", r"本年收入(/(小计|合计))?$"),
    ("财政拨款", r"财政拨款(收入|资金)?(/(小计|合计))?$"),
    *_FUNDS,
    ("财政专户管理资金", r"财政专户"),
    ("单位资金", r"单位资金(/(小计|合计))?$"),
    ("事业收入", r"事业收入"),
    ("事业单位经营收入", r"经营收入"),
    ("上级补助收入", r"上级补助"),
    ("附属单位上缴收入", r"附属单位"),
    ("使用非财政拨款结余", r"非财政拨款结余"),
    ("用事业基金弥补收支差额", r"事业基金"),
    ("上年实户资金余额", r"实户资金"),
    ("其他资金", r"其他资金$"),
    ("其他收入", r"(^|/)其他(收入)?$"),
    ("合计", r"(^|/)(合计|小计|金额|预算数|总额|项目金额|预算金额)$"),
)
# how the sources add up; a template prints some of these levels (pipeline.identities)
_SOURCE_TREE = (
    Identity("总计", "总计", ("合计",)),
    Identity("合计", "合计", ("本年收入合计", "使用非财政拨款结余", "用事业基金弥补收支差额", "上年实户资金余额",
                             "上年结转结余")),
    Identity("本年收入合计", "本年收入合计", ("财政拨款", "财政专户管理资金", "单位资金", "其他资金")),
    Identity("财政拨款", "财政拨款", _FUND_PARTS),
    Identity("单位资金", "单位资金", ("事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入")),
)
_SPENDING = (
    ("人员经费", r"人员(经费|支出)(支出)?$"),
    ("公用经费", r"(日常)?公用(经费|支出)(支出)?$"),
    ("基本支出", r"基本支出(/(小计|合计))?$"),
    ("项目支出", r"(项目|专项(?:业务)?经费)支出$"),
    ("事业单位经营支出", r"经营支出$"),
    ("上缴上级支出", r"上缴上级"),
    ("对附属单位补助支出", r"附属单位补助"),
    ("结转下年", r"结转下年(资金)?$"),
    ("单位预留机动经费", r"预留机动经费$"),
    # 部门综合预算 支出总表 (西安) prints its spending by source of funds
    ("一般公共预算财政拨款", r"公共预算拨款(/(小计|合计))?$"),
    ("政府性基金预算财政拨款", r"政府性基金(预算)?拨款$"),
    ("合计", r"(合计|小计|总计|金额|预算数)$"),
)
# a basic-expenditure table's total column is headed 基本支出 (`一般公共预算基本支出/合计`) or 合计
_BASIC = (_SPENDING[0], _SPENDING[1], ("合计", r"(基本支出|合计|小计|总计|金额|预算数)(/(小计|合计))?$"))
_SPENDING_IDENTITIES = (
    Identity("合计", "合计", ("基本支出", "项目支出", "事业单位经营支出", "上缴上级支出", "对附属单位补助支出",
                             "单位预留机动经费", "结转下年")),
    Identity("基本支出", "基本支出", ("人员经费", "公用经费")),
)
_SPENDING_LAYOUTS = (("合计", "基本支出", "人员经费", "公用经费", "项目支出"), ("合计", "基本支出", "项目支出"))
_SIDES = ("收入", "支出")  # two-sided summaries: 收入 | 支出
_SIDE_WORDS = (("收入", r"^(本年|财政拨款)?收入$"), ("支出", r"^(本年|财政拨款)?支出$"))
_AMOUNT_COLUMN = ("预算数", r"(预算数|金额|\d{4}年(预算数?)?|本年预算)(/(合计|小计))?$")


def _coded(key: str, titles: tuple[str, ...], name: str, not_titles: tuple[str, ...] = (),
           columns: tuple[tuple[str, str], ...] = _SPENDING, identities: tuple[Identity, ...] = _SPENDING_IDENTITIES,
           layouts: tuple[tuple[str, ...], ...] = _SPENDING_LAYOUTS,
           refine: tuple[tuple[str, str], ...] = ()) -> TableSpec:
    """A table of classification-coded rows (function or economic subjects) by spending columns."""
    return TableSpec(key, titles, name=name, family="budget", coded=True, columns=columns,
                     identities=identities, layouts=layouts, not_titles=not_titles, refine=refine)


_ECONOMIC_HEADER = r"经济(分类)?科目"
_FUNCTION_HEADER = r"功能(分类)?科目"


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "budget_income_expenditure_summary",
        (r"(?<!拨款)(?<!基金)收支(预算)?(总|汇总|总体情况)表", r"(?<!拨款)收入支出(预算)?(总|汇总)表"),
        name="收支预算总表", family="budget", sections=_SIDES, section_words=_SIDE_WORDS,
        columns=(*_SPENDING[:4], _AMOUNT_COLUMN),
        identities=(Identity("基本支出", "基本支出", ("人员经费", "公用经费")),
                    Identity("预算数", "预算数", ("基本支出", "项目支出"))),
    ),
    TableSpec(
        "budget_fiscal_appropriation_summary",
        (r"财政拨款收支(预算)?(总|汇总|总体情况)?表", r"财政拨款收入支出(预算)?(总|汇总)表"),
        name="财政拨款收支预算总表", family="budget", sections=_SIDES, section_words=_SIDE_WORDS,
        columns=(*_FUNDS, _AMOUNT_COLUMN, ("合计", r"(合计|小计|总计)$")),
        identities=(Identity("支出合计", "合计", _FUND_PARTS),),
    ),
    TableSpec(
        "budget_income",
        (r"(?<!支出)(?<!收支)收入(预算)?(总|汇总|总体情况)表",),
        name="收入预算总表", family="budget", coded=True, columns=_SOURCES,
        identities=_SOURCE_TREE,
    ),
    # 支出总表 by spending columns, or (部门综合预算 of 西安) by source of funds
    _coded("budget_expenditure", (r"(?<![拨款本目金营])支出(预算)?(总|汇总|总体情况)表",), "支出预算总表",
           columns=(*_SPENDING[:-1], ("合计", r"(^|/)支出(总计|合计)$"), *_SOURCES),
           identities=_SPENDING_IDENTITIES + _SOURCE_TREE),
    _coded("budget_general_budget_expenditure", (r"一般公共预算(财政)?(拨款)?支出",), "一般公共预算支出预算表",
           not_titles=(r"基本支出", r"经济(分类|科目)", r"三公", r"机关运行"),
           refine=((_ECONOMIC_HEADER, "budget_general_budget_expenditure_economic"),)),
    _coded("budget_general_budget_expenditure_economic", (r"一般公共预算(财政)?(拨款)?支出.*经济(分类|科目)",),
           "一般公共预算支出预算表（按经济分类）", not_titles=(r"基本支出",)),
    _coded("budget_general_budget_basic_expenditure", (r"一般公共预算(财政)?(拨款)?基本支出",),
           "一般公共预算基本支出预算表", not_titles=(r"功能(分类|科目)",), columns=_BASIC,
           refine=((_FUNCTION_HEADER, "budget_general_budget_basic_expenditure_function"),)),
    _coded("budget_general_budget_basic_expenditure_function", (r"一般公共预算(财政)?(拨款)?基本支出.*功能(分类|科目)",),
           "一般公共预算基本支出预算表（按功能分类）", columns=_BASIC),
    _coded("budget_fiscal_appropriation_expenditure", (r"(?<!预算)财政拨款支出(预算)?(明细|情况)?表",),
           "财政拨款支出预算表"),
    _coded("budget_fiscal_appropriation_basic_expenditure", (r"(?<!预算)财政拨款基本支出(预算)?(明细|情况)?表",),
           "财政拨款基本支出预算表", columns=_BASIC),
    _coded("budget_basic_expenditure", (r"(?<![预算拨款])基本支出(预算)?(总|明细|情况)*表",), "基本支出预算表",
           columns=(*_SPENDING[:2], *_SOURCES), identities=(Identity("合计", "合计", ("人员经费", "公用经费")),),
           layouts=()),
    _coded("budget_government_fund", (r"政府性基金(预算)?(财政拨款)?(收入)?(收支|支出).{0,8}?表",),
           "政府性基金预算支出预算表"),
    _coded("budget_state_capital", (r"国有资本经营预算(财政拨款)?(收入)?(收支|支出).{0,8}?表",),
           "国有资本经营预算支出预算表"),
    TableSpec(
        "budget_three_public",
        (r"三公.{0,3}经费.*表", r"会议费.{0,2}培训费.*表"),
        name="一般公共预算“三公”经费支出预算表", family="budget",
        columns=(
            ("三公经费合计", r"三公.{0,3}经费(预算数?)?(/(合计|小计))?$|三公.{0,3}经费合计$|三公.{0,3}经费预算/小计$"),
            ("公务用车购置及运行费", r"购置及运行(维护)?费(/(小计|合计))?$"),
            ("公务用车购置费", r"购置(经)?费$"),
            ("公务用车运行费", r"运行(维护)?费$"),
            ("因公出国（境）费", r"出国"),
            ("公务接待费", r"接待费?$"),
            ("会议费", r"会议费$"),
            ("培训费", r"培训费$"),
            ("机关运行经费", r"机关运行经费"),
            ("合计", r"(合计|小计|总计)$"),
        ),
        identities=(
            Identity("合计", "合计", ("三公经费合计", "会议费", "培训费")),
            Identity("三公经费合计", "三公经费合计", ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")),
            Identity("公务用车", "公务用车购置及运行费", ("公务用车购置费", "公务用车运行费")),
        ),
    ),
    _coded("budget_operating_costs", (r"机关运行经费.*表",), "一般公共预算机关运行经费支出预算表",
           columns=(("合计", r"(机关运行经费(支出)?(预算数?)?|合计|金额|预算数)$"),), identities=(), layouts=()),
    TableSpec("budget_project_expenditure",
              (r"项目支出(预算)?(总|明细|情况)*表", r"专项(业务)?经费(支出)?(预算)?表", r"项目(经费|资金)?(预算)?明细表"),
              name="项目支出预算表", family="budget", columns=_SOURCES,
              identities=_SOURCE_TREE),
    TableSpec("budget_government_procurement", (r"政府采购.*表",), name="政府采购预算表", family="budget",
              columns=(*_SOURCES[:2], *_FUNDS, ("其他资金", r"其他资金$"), ("合计", r"(^|/)(合计|小计|总计)$"))),
    _coded("budget_carryover", (r"结转(结余)?(资金)?支出(预算)?表",), "财政拨款上年结转资金支出表",
           columns=(("合计", r"(合计|金额|预算数)$"),), identities=(), layouts=()),
    # tables fewer provinces print, by the same columns
    TableSpec("budget_government_purchase_services", (r"政府购买服务.*表",), name="政府购买服务预算表",
              family="budget", columns=_SOURCES),
    TableSpec("budget_asset_allocation", (r"资产配置.*表",), name="新增资产配置预算表", family="budget",
              columns=_SOURCES),
    TableSpec("budget_special_account", (r"财政专户管理资金.*表",), name="财政专户管理资金预算表", family="budget",
              coded=True, columns=_SPENDING, identities=_SPENDING_IDENTITIES),
    TableSpec("budget_nontax_revenue", (r"非税收入.*表",), name="非税收入预算表", family="budget", columns=_SOURCES),
    _coded("budget_expenditure_economic", (r"支出经济分类.*表",), "部门支出经济分类预算表",
           not_titles=(r"一般公共预算", r"基本支出")),
)

_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)万元"
# the whole department's total follows its name, the year or a clause break (`2026年，某某局收入预算
# 19,577万元`), not a qualifier (`上级专项转移支付支出预算为1,047.61万元` is a part)
_SUBJECT = "(?:" + "|".join(f"(?<={w})" for w in ("年", "度", "，", ",", "：", "；", "。", "局", "会", "室", "厅", "院",
                                                   "心", "门", "位", "部")) + ")"
_S = Pick  # shorthand in the tables below

KIND = DisclosureKind(
    "budget",
    # `a|b`: either table serves (provinces print the basic expenditure by economic class under
    # different titles); 国有资本经营预算 tables are left out by many templates when empty
    tables=("budget_income_expenditure_summary", "budget_income", "budget_expenditure",
            "budget_fiscal_appropriation_summary",
            "budget_general_budget_expenditure|budget_fiscal_appropriation_expenditure",
            "budget_general_budget_basic_expenditure|budget_general_budget_expenditure_economic"
            "|budget_basic_expenditure|budget_fiscal_appropriation_basic_expenditure",
            "budget_three_public", "budget_government_fund"),
    min_tables=4,
    cross_checks=(
        CrossCheck("summary 本年收入合计 = income table 合计",
                   _S("budget_income_expenditure_summary", "预算数", section="收入", label="本年收入合计"),
                   _S("budget_income", "本年收入合计", label="(合计|总计)", coded=False)),
        CrossCheck("summary 本年支出合计 = expenditure table 合计",
                   _S("budget_income_expenditure_summary", "预算数", section="支出", label="本年支出合计"),
                   _S("budget_expenditure", "合计", label="(合计|总计)", coded=False)),
        CrossCheck("fiscal-appropriation summary 一般公共预算 = general-budget expenditure 合计",
                   _S("budget_fiscal_appropriation_summary", "一般公共预算财政拨款", section="支出",
                      label="(本年)?支出(合计|总计)"),
                   _S("budget_general_budget_expenditure", "合计", label="(合计|总计)", coded=False)),
        CrossCheck("general-budget expenditure 基本支出 = basic expenditure table 合计",
                   _S("budget_general_budget_expenditure", "基本支出", label="(合计|总计)", coded=False),
                   _S("budget_general_budget_basic_expenditure", "合计", label="(合计|总计)", coded=False)),
        CrossCheck("each class of the general-budget expenditure table = its line in the fiscal-appropriation summary",
                   _S("budget_general_budget_expenditure", "合计", code_len=3),
                   _S("budget_fiscal_appropriation_summary", "一般公共预算财政拨款", section="支出"), mode="by_label"),
    ),
    narrative=(
        NarrativeAmount(rf"{_SUBJECT}收入预算(?:总额|总计|合计)?(?:为|是)?{_AMOUNT}",
                        _S("budget_income_expenditure_summary", "预算数", section="收入", label="(本年)?收入(合计|总计)")),
        NarrativeAmount(rf"{_SUBJECT}支出预算(?:总额|总计|合计)?(?:为|是)?{_AMOUNT}",
                        _S("budget_income_expenditure_summary", "预算数", section="支出", label="(本年)?支出(合计|总计)")),
        NarrativeAmount(rf"“?三公”?经费(?:财政拨款)?(?:支出)?预算(?:数|总额)?(?:为|是)?{_AMOUNT}",
                        _S("budget_three_public", "三公经费合计")),
        NarrativeAmount(rf"机关运行经费(?:财政拨款)?(?:支出)?预算(?:数|总额)?(?:为|是)?{_AMOUNT}",
                        _S("budget_three_public", "机关运行经费")),
        NarrativeAmount(rf"机关运行经费(?:财政拨款)?(?:支出)?预算(?:数|总额)?(?:为|是)?{_AMOUNT}",
                        _S("budget_operating_costs", "合计", label="(合计|总计)")),
        # the 三公 items (every template prints them), 会议费 and 培训费 (some do)
        *(NarrativeAmount(stated(words, BUDGET_WORDS), _S("budget_three_public", item), blank_is_finding=True)
          for item, words in THREE_PUBLIC_ITEMS),
        NarrativeAmount(stated(r"(?<!、)会议费", BUDGET_WORDS), _S("budget_three_public", "会议费")),
        NarrativeAmount(stated(r"(?<!、)培训费", BUDGET_WORDS), _S("budget_three_public", "培训费")),
        NarrativeAmount(stated(r"政府采购(?:支出)?预算(?:总额|金额)?", r"(?:为|是|共)?"),
                        _S("budget_government_procurement", "合计", label="(合计|总计)")),
        NarrativeAmount(stated(rf"{_SUBJECT}(?:其中[:：])?财政拨款收入", r"(?:预算)?(?:为|是)?"),
                        _S("budget_income_expenditure_summary", "预算数", section="收入", label="财政拨款(收入)?")),
    ),
    topics=(
        ("budget_government_fund", rf"政府性基金预算(?:财政)?拨款(?:收入|支出)(?:预算)?(?:合计|共计|为)?{_AMOUNT}"),
        ("budget_state_capital", rf"国有资本经营预算(?:财政)?拨款(?:收入|支出)(?:预算)?(?:合计|共计|为)?{_AMOUNT}"),
    ),
)
