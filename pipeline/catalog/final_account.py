"""部门决算 (final accounts): the nine standard tables, their 教育部 / other provinces' variants,
the checks across them and the amounts their explanatory text states."""
from __future__ import annotations

from pipeline.catalog.narrative import FINAL_BUDGET_WORDS, FINAL_WORDS, THREE_PUBLIC_ITEMS, THREE_PUBLIC_TOTAL, stated
from pipeline.catalog.spec import CrossCheck, DisclosureKind, Identity, NarrativeAmount, Pick, TableSpec

_FUNDS = (
    ("一般公共预算财政拨款", r"一般公共预算"),
    ("政府性基金预算财政拨款", r"政府性基金"),
    ("国有资本经营预算财政拨款", r"国有资本经营"),
)
_CARRY = (("年初结转和结余", r"年初结转"), ("年末结转和结余", r"年末结转"))
# 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费 (general-budget and all-funds expenditure)
_SPENDING = (
    ("人员经费", r"人员经费$"),
    ("公用经费", r"公用经费$"),
    ("基本支出", r"基本支出(/(小计|合计))?$"),
    ("项目支出", r"项目支出$"),
)
_SPENDING_IDENTITIES = (Identity("合计", "合计", ("基本支出", "项目支出")),
                        Identity("基本支出", "基本支出", ("人员经费", "公用经费")))
_SPENDING_LAYOUTS = (("合计", "基本支出", "人员经费", "公用经费", "项目支出"), ("合计", "基本支出", "项目支出"))



def _fund_table(key: str, title: str, name: str, total: str) -> TableSpec:
    """政府性基金 and 国有资本经营 tables: carried over, received, spent (basic | project), carried on."""
    return TableSpec(
        key, (title,), name=name, family="final_account", coded=True,
        columns=(*_CARRY, ("基本支出", r"基本支出$"), ("项目支出", r"项目支出$"), ("本年支出合计", total),
                 ("本年收入", r"本年收入(合计)?$")),
        identities=(Identity("本年支出合计", "本年支出合计", ("基本支出", "项目支出")),),
        layouts=(("年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"),
                 ("本年支出合计", "基本支出", "项目支出")),
    )


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "fiscal_appropriation_summary",
        (r"财政拨款收入支出(决算)?(总|汇总)表", r"财政拨款收支(决算)?(总|汇总)表"),
        name="财政拨款收入支出决算总表", family="final_account",
        sections=("收入", "支出"),
        columns=(*_FUNDS, ("合计", r"(合计|小计)$"), ("决算数", r"(决算数|金额|本年数)$")),
        identities=(Identity("支出合计", "合计", ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")),),
        layouts=(("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),),
    ),
    TableSpec(
        "income_expenditure_summary",
        # 决算 left out of a title (`收支总表`) in a document whose kind is 决算: the kind decides
        (r"收入支出(决算)?(总|汇总)表", r"收支(决算)?(总|汇总)表"),
        name="收入支出决算总表", family="final_account",
        sections=("收入", "支出"),
        columns=(("决算数", r"(决算数|金额|本年数)$"),),
    ),
    TableSpec(
        "general_budget_basic_expenditure",
        (r"一般公共预算财政拨款基本支出决算(明细)?表",),
        name="一般公共预算财政拨款基本支出决算明细表", family="final_account", coded=True,
        sections=("人员经费", "公用经费"),
        columns=(("决算数", r"(决算数|金额)$"),),
        code_sections=(("301", "人员经费"), ("303", "人员经费"), ("3", "公用经费")),
    ),
    TableSpec(
        "general_budget_expenditure",
        (r"一般公共预算财政拨款支出决算表",),
        name="一般公共预算财政拨款支出决算表", family="final_account", coded=True,
        columns=(*_SPENDING, ("合计", r"(合计|小计)$")), identities=_SPENDING_IDENTITIES, layouts=_SPENDING_LAYOUTS,
    ),
    TableSpec(
        # 财政拨款支出决算表 (教育部 高等学校 variant): all fund sources, by function class
        "fiscal_appropriation_expenditure",
        (r"(?<!预算)财政拨款支出决算表",),
        name="财政拨款支出决算表", family="final_account", coded=True,
        columns=(*_SPENDING, ("合计", r"(合计|小计|决算数|金额)$")), identities=_SPENDING_IDENTITIES,
        layouts=_SPENDING_LAYOUTS,
    ),
    TableSpec(
        # 中央部门 template: 一般公共预算财政拨款项目支出决算表 (by function class, 项目支出 by economic column)
        "general_budget_project_expenditure",
        (r"一般公共预算财政拨款项目支出决算表",),
        name="一般公共预算财政拨款项目支出决算表", family="final_account", coded=True,
        columns=(("合计", r"(项目支出)?(合计|小计)$"),),
    ),
    TableSpec("government_procurement", (r"政府采购(支出)?(情况|决算)?表",), name="政府采购情况表",
              family="final_account", columns=(("合计", r"(合计|总计|小计)$"),)),
    TableSpec("operating_costs", (r"机关运行经费(支出)?(决算)?(情况)?表",), name="机关运行经费支出决算表",
              family="final_account", coded=True, columns=(("合计", r"(机关运行经费(支出)?|合计|决算数|金额)$"),)),
    _fund_table("government_fund", r"政府性基金预算财政拨款(收入)?支出决算表", "政府性基金预算财政拨款收入支出决算表",
                r"本年支出(合计)?(/(小计|合计))?$"),
    _fund_table("state_capital", r"国有资本经营预算财政拨款(收入)?支出决算表", "国有资本经营预算财政拨款支出决算表",
                r"(本年支出(合计)?(/(小计|合计))?|^合计|^小计)$"),
    TableSpec(
        "three_public",
        # 财政拨款“三公”经费支出决算表, also with 会议费、培训费 (and their columns)
        (r"三公.{0,3}经费.{0,12}?支出(预)?决算表",),
        name="财政拨款“三公”经费支出决算表", family="final_account",
        sections=("预算数", "决算数"),
        default_section="决算数",
        columns=(
            ("公务用车购置及运行费", r"购置及运行(维护)?费(/(小计|合计))?$"),
            ("公务用车购置费", r"购置费$"),
            ("公务用车运行费", r"运行(维护)?费$"),
            ("因公出国（境）费", r"出国"),
            ("公务接待费", r"接待费?$"),
            ("会议费", r"会议费$"),
            ("培训费", r"培训费$"),
            ("合计", r"(合计|小计)$"),
        ),
        identities=(Identity("三公合计", "合计", ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")),
                    Identity("公务用车", "公务用车购置及运行费", ("公务用车购置费", "公务用车运行费"))),
        layouts=(("合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"),),
    ),
    TableSpec(
        "income",
        (r"(?<!支出)收入决算表",),
        name="收入决算表", family="final_account", coded=True,
        columns=(
            ("本年收入合计", r"合计$"),
            ("财政拨款收入", r"财政拨款"),
            ("上级补助收入", r"上级补助"),
            ("事业收入", r"事业收入$"),
            ("经营收入", r"(?<!单位)经营收入$"),
            ("附属单位上缴收入", r"附属单位"),
            ("其他收入", r"其他收入$"),
        ),
        identities=(Identity("本年收入合计", "本年收入合计",
                             ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")),),
        layouts=(("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"),),
    ),
    TableSpec(
        "expenditure",
        (r"(?<![拨款算金营])支出决算表",),
        name="支出决算表", family="final_account", coded=True,
        columns=(
            ("本年支出合计", r"合计$"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("上缴上级支出", r"上缴上级"),
            ("经营支出", r"经营支出$"),
            ("对附属单位补助支出", r"附属单位"),
        ),
        identities=(Identity("本年支出合计", "本年支出合计",
                             ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")),),
        layouts=(("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"),),
    ),
)

_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)万元"

KIND = DisclosureKind(
    "final_account",
    tables=("income_expenditure_summary", "income", "expenditure", "fiscal_appropriation_summary",
            "general_budget_expenditure", "general_budget_basic_expenditure", "government_fund",
            "state_capital", "three_public"),
    min_tables=5,
    cross_checks=(
        CrossCheck("income 合计 = summary 本年收入合计",
                   Pick("income", "本年收入合计", label="合计"),
                   Pick("income_expenditure_summary", "决算数", section="收入", label="本年收入合计")),
        CrossCheck("expenditure 合计 = summary 本年支出合计",
                   Pick("expenditure", "本年支出合计", label="合计"),
                   Pick("income_expenditure_summary", "决算数", section="支出", label="本年支出合计")),
        CrossCheck("general-budget expenditure 合计 = fiscal-appropriation summary 一般公共预算 column",
                   Pick("general_budget_expenditure", "合计", label="合计"),
                   Pick("fiscal_appropriation_summary", "一般公共预算财政拨款", section="支出", label="本年支出合计")),
        CrossCheck("each class of the expenditure table = its line in the summary",
                   Pick("expenditure", "本年支出合计", code_len=3),
                   Pick("income_expenditure_summary", "决算数", section="支出"), mode="by_label"),
        CrossCheck("basic expenditure total = general-budget 基本支出",
                   Pick("general_budget_basic_expenditure", "决算数", label=r".*合计", coded=False),
                   Pick("general_budget_expenditure", "基本支出", label="合计"), mode="sum",
                   fallback=Pick("general_budget_basic_expenditure", "决算数", code_len=3)),
    ),
    narrative=(
        NarrativeAmount(rf"(?<!拨款)收、?支总计(?:均为|各为|均|为){_AMOUNT}",
                        Pick("income_expenditure_summary", "决算数", section="收入", label="总计")),
        NarrativeAmount(rf"(?<!拨款)收、?支总计(?:均为|各为|均|为){_AMOUNT}",
                        Pick("income_expenditure_summary", "决算数", section="支出", label="总计")),
        NarrativeAmount(rf"财政拨款收、?支总计(?:均为|各为|均|为){_AMOUNT}",
                        Pick("fiscal_appropriation_summary", "决算数", section="收入", label="总计")),
        NarrativeAmount(rf"(?<![\u4e00-\u9fff])本年收入合计{_AMOUNT}",
                        Pick("income_expenditure_summary", "决算数", section="收入", label="本年收入合计")),
        NarrativeAmount(rf"(?<![\u4e00-\u9fff])本年支出合计{_AMOUNT}",
                        Pick("income_expenditure_summary", "决算数", section="支出", label="本年支出合计")),
        # “三公”经费, in total and by item, as spent (决算数) and as budgeted (预算数)
        NarrativeAmount(stated(THREE_PUBLIC_TOTAL, r"支出决算(?:数)?(?:为|是)?"),
                        Pick("three_public", "合计", section="决算数"), blank_is_finding=True),
        NarrativeAmount(stated(THREE_PUBLIC_TOTAL, FINAL_BUDGET_WORDS),
                        Pick("three_public", "合计", section="预算数"), blank_is_finding=True),
        *(NarrativeAmount(stated(words, FINAL_WORDS), Pick("three_public", item, section="决算数"), blank_is_finding=True)
          for item, words in THREE_PUBLIC_ITEMS),
        *(NarrativeAmount(stated(words, FINAL_BUDGET_WORDS), Pick("three_public", item, section="预算数"),
                          blank_is_finding=True) for item, words in THREE_PUBLIC_ITEMS),
        NarrativeAmount(stated(r"机关运行经费", r"(?:支出)?(?:决算)?(?:为|是)?"),
                        Pick("operating_costs", "合计", label="(合计|总计)")),
        NarrativeAmount(stated(r"政府采购(?:支出)?(?:总额|金额)?(?:[（(][^)）]{0,12}[)）])?", r"(?:为|是|共)?"),
                        Pick("government_procurement", "合计", label="(合计|总计)")),
    ),
    topics=(
        ("government_fund", rf"政府性基金预算财政拨款(?:收入|支出)(?:合计|共计|为)?{_AMOUNT}"),
        ("state_capital", rf"国有资本经营预算财政拨款(?:收入|支出)(?:合计|共计|为)?{_AMOUNT}"),
        ("three_public", rf"“?三公”?经费(?:财政拨款)?支出(?:决算)?(?:为|合计)?{_AMOUNT}"),
    ),
)
