"""Table knowledge as data: titles, sections, canonical columns and their synonyms, identities.

Adding a province's variant means adding a pattern here, not an `if` in a stage. Patterns are
regular expressions searched in text with all whitespace removed. Column patterns are tried in
order against a column's header path (header cells top to bottom joined with "/", section
names taken out), so more specific columns come first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Identity:
    """`total` = Σ `parts` (column names, or row labels with `by_row`)."""

    name: str
    total: str
    parts: tuple[str, ...]
    by_row: bool = False


@dataclass(frozen=True)
class TableSpec:
    key: str
    titles: tuple[str, ...]
    name: str = ""  # the title as the standard template prints it
    kind: str = "fiscal"  # fiscal | performance | other
    sections: tuple[str, ...] = ()  # section names that appear as header cells
    default_section: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # (canonical name, regex on the header path)
    # economic-classification prefixes → section, for twin tables whose halves carry no name
    code_sections: tuple[tuple[str, str], ...] = ()
    identities: tuple[Identity, ...] = field(default_factory=tuple)
    # canonical columns in the order tables print them: when a header names its columns
    # inconsistently (a name repeated, one missing), the identities choose among these
    layouts: tuple[tuple[str, ...], ...] = ()


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "fiscal_appropriation_summary",
        (r"财政拨款收入支出决算(总|汇总)表", r"财政拨款收支决算(总|汇总)表"),
        name="财政拨款收入支出决算总表",
        sections=("收入", "支出"),
        columns=(
            ("一般公共预算财政拨款", r"一般公共预算"),
            ("政府性基金预算财政拨款", r"政府性基金"),
            ("国有资本经营预算财政拨款", r"国有资本经营"),
            ("合计", r"(合计|小计)$"),
            ("决算数", r"(决算数|金额|本年数)$"),
        ),
        identities=(Identity("支出合计", "合计", ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")),),
        layouts=(("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"),),
    ),
    TableSpec(
        "income_expenditure_summary",
        (r"收入支出决算(总|汇总)表", r"收支决算(总|汇总)表"),
        name="收入支出决算总表",
        sections=("收入", "支出"),
        columns=(("决算数", r"(决算数|金额|本年数)$"),),
    ),
    TableSpec(
        "general_budget_basic_expenditure",
        (r"一般公共预算财政拨款基本支出决算(明细)?表",),
        name="一般公共预算财政拨款基本支出决算明细表",
        sections=("人员经费", "公用经费"),
        columns=(("决算数", r"(决算数|金额)$"),),
        code_sections=(("301", "人员经费"), ("303", "人员经费"), ("3", "公用经费")),
    ),
    TableSpec(
        "general_budget_expenditure",
        (r"一般公共预算财政拨款支出决算表",),
        name="一般公共预算财政拨款支出决算表",
        columns=(
            ("人员经费", r"人员经费$"),
            ("公用经费", r"公用经费$"),
            ("基本支出", r"基本支出(/(小计|合计))?$"),
            ("项目支出", r"项目支出$"),
            ("合计", r"(合计|小计)$"),
        ),
        identities=(Identity("合计", "合计", ("基本支出", "项目支出")),
                    Identity("基本支出", "基本支出", ("人员经费", "公用经费"))),
        layouts=(("合计", "基本支出", "人员经费", "公用经费", "项目支出"), ("合计", "基本支出", "项目支出")),
    ),
    TableSpec(
        "government_fund",
        (r"政府性基金预算财政拨款(收入)?支出决算表",),
        name="政府性基金预算财政拨款收入支出决算表",
        columns=(
            ("年初结转和结余", r"年初结转"),
            ("年末结转和结余", r"年末结转"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("本年支出合计", r"本年支出(合计)?(/(小计|合计))?$"),
            ("本年收入", r"本年收入(合计)?$"),
        ),
        identities=(Identity("本年支出合计", "本年支出合计", ("基本支出", "项目支出")),),
        layouts=(("年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"),
                 ("本年支出合计", "基本支出", "项目支出")),
    ),
    TableSpec(
        "state_capital",
        (r"国有资本经营预算财政拨款(收入)?支出决算表",),
        name="国有资本经营预算财政拨款支出决算表",
        columns=(
            ("年初结转和结余", r"年初结转"),
            ("年末结转和结余", r"年末结转"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("本年支出合计", r"(本年支出(合计)?(/(小计|合计))?|^合计|^小计)$"),
            ("本年收入", r"本年收入(合计)?$"),
        ),
        identities=(Identity("本年支出合计", "本年支出合计", ("基本支出", "项目支出")),),
        layouts=(("年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"),
                 ("本年支出合计", "基本支出", "项目支出")),
    ),
    TableSpec(
        "three_public",
        (r"三公.{0,2}经费支出(预)?决算表",),
        name="财政拨款“三公”经费支出决算表",
        sections=("预算数", "决算数"),
        default_section="决算数",
        columns=(
            ("公务用车购置及运行费", r"购置及运行(维护)?费(/(小计|合计))?$"),
            ("公务用车购置费", r"购置费$"),
            ("公务用车运行费", r"运行(维护)?费$"),
            ("因公出国（境）费", r"出国"),
            ("公务接待费", r"接待费?$"),
            ("合计", r"(合计|小计)$"),
        ),
        identities=(Identity("三公合计", "合计", ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")),
                    Identity("公务用车", "公务用车购置及运行费", ("公务用车购置费", "公务用车运行费"))),
        layouts=(("合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"),),
    ),
    TableSpec(
        "project_performance",
        (r"项目(支出)?绩效(目标)?自评(价)?(表|$)",),
        name="项目支出绩效自评表",
        kind="performance",
    ),
    TableSpec(
        "department_performance",
        (r"整体(支出)?(绩效)?(评价)?自评(价)?表",),
        name="部门整体支出绩效自评表",
        kind="performance",
    ),
    TableSpec(
        "income",
        (r"(?<!支出)收入决算表",),
        name="收入决算表",
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
        name="支出决算表",
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

OTHER = TableSpec("other", (), kind="other")
BY_KEY = {spec.key: spec for spec in TABLES} | {"other": OTHER}

# Header cells that name a column's role rather than a figure.
CODE_HEADER = re.compile(r"(科目)?编码|代码|^[类款项]$")
ROW_NUMBER_HEADER = re.compile(r"行次|^序号$")
COLUMN_NUMBER_ROW = re.compile(r"^栏次(合计|总计)?$")
# `栏次 合计` in one cell: the 栏次 label and the next row's 合计 merged by a converter
COLUMN_NUMBER_WITH_LABEL = re.compile(r"^栏次(合计|总计)$")
CODE_PART_WORDS = {"类", "款", "项"}
TOTAL_LABELS = {"合计", "总计"}
# Totals rows of a 收入 | 支出 summary name both halves alike, but for these words
TWIN_TOTAL = re.compile(r"合计$|总计$|结转和结余$|财政拨款$")
TWIN_WORDS = (("本年支出合计", "本年收入合计"), ("年末", "年初"))
# Words that only ever label columns; found in a data row they are header, not data.
HEADER_WORDS = CODE_PART_WORDS | {"栏次", "行次"}

UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
UNIT_IN_HEADER = re.compile(r"[（(](万元|元)[)）]")
# Lines printed around a table that are not rows: title, unit, department, statement number, year
CAPTION = re.compile(
    r"^(?:(?:金额)?单位[:：].*|(?:部门名称|单位名称|编制单位|编制部门|部门)[:：].*|公开\s*\d+\s*表.*|"
    r"[(（]?(?:19|20)\d{2}\s*年度?[)）]?|填表人.*|填报日期.*)$"
)
DEPARTMENT = re.compile(r"(?:部门名称|单位名称|编制单位|编制部门|部门)[:：]\s*([^\s：:]{2,40}?)(?:\s|$|单位[:：]|公开|\d{4}年)")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
ENUMERATOR = re.compile(
    r"^(?:[（(][一二三四五六七八九十百]+[)）]|[一二三四五六七八九十百]+[、.．]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[)）])"
)
STATEMENT_NO = re.compile(r"公开\s*\d+\s*表")


def _compact(text: str) -> str:
    return "".join(text.split())


def match_title(text: str) -> TableSpec | None:
    """The spec whose published title `text` carries, most specific first."""
    s = _compact(text)
    for spec in TABLES:
        for pattern in spec.titles:
            if re.search(pattern, s):
                return spec
    return None


def canonical_column(spec: TableSpec, path: str) -> str:
    """Canonical column name for a header path; unlisted columns keep their published path."""
    for name, pattern in spec.columns:
        if re.search(pattern, path):
            return name
    return path


def section_for_code(spec: TableSpec, code: str | None) -> str | None:
    if not code:
        return None
    for prefix, section in spec.code_sections:
        if code.startswith(prefix):
            return section
    return None


def section_for_label(spec: TableSpec, label: str) -> str | None:
    """A total row names its half: `人员经费合计` belongs to 人员经费."""
    for section in spec.sections:
        if label.startswith(section):
            return section
    return None


def strip_enumerator(label: str) -> str:
    return ENUMERATOR.sub("", label, count=1)


# ── 绩效自评表 (performance self-evaluation tables) ─────────────────────────────────────────
# Form fields printed as "label | value" pairs; patterns match a whole compacted cell.
PERF_KEYS: tuple[tuple[str, str], ...] = (
    ("project_name", r"项目名称[:：]?"),
    ("implementing_unit", r"(项目)?实施单位[:：]?"),
    ("competent_department", r"主管部门[:：]?"),
    ("department", r"(部门名称|单位名称|部门[(（]单位[)）]名称|单位[(（]部门[)）]名称)[:：]?"),
    ("goal_expected", r"年度目标[:：]?"),
    ("goal_actual", r"绩效目标实际完成情况[:：]?"),
    ("amount", r"项目金额[:：]?"),
)
# Funding block columns, in the order they are tried against a header cell.
PERF_FUND_COLUMNS: tuple[tuple[str, str], ...] = (
    ("budget_initial", r"年初预算"),
    ("budget_full_year", r"(全年|调整后)?预算数"),
    ("executed", r"执行数"),
    ("execution_rate", r"执行率"),
    ("weight", r"分值|权重"),
    ("score", r"得分"),
)
# Published layouts of the funding columns, used when a header names fewer columns than its
# rows hold (a header cell lost in conversion); identities pick among equally long ones.
PERF_FUND_LAYOUTS: tuple[tuple[str, ...], ...] = (
    ("budget_initial", "budget_full_year", "executed", "weight", "execution_rate", "score"),
    ("budget_initial", "budget_full_year", "executed", "execution_rate", "weight", "score"),
    ("budget_initial", "budget_full_year", "executed", "execution_rate"),
    ("budget_full_year", "executed", "execution_rate"),
)
PERF_INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", r"一级指?标?"),
    ("level2", r"二级指?标?"),
    ("indicator", r"三级指?标?|指标名称"),
    ("target", r"(年度|年初)?(指标值|目标值)|^目标值|^预期"),
    ("actual", r"实际完成值|^完成值|实际值"),
    ("weight", r"分值|权重"),
    ("score", r"得分"),
    ("deviation", r"偏差度|偏差率"),
    ("deviation_note", r"偏差原因|原因分析|改进措施"),
    # read so that their cells stay in their place, not written out
    ("criteria", r"评价要点|指标解释|计算方法|评分标准"),
    ("category", r"指标分类|指标类型|指标属性"),
)
# The block label over a department table's leftmost column names its 一级指标 when the
# header has no 一级指标 cell of its own.
PERF_INDICATOR_BLOCK_AS_LEVEL1 = re.compile(r"^(年度)?绩效指标$")
LEVEL1_WORDS = {"产出指标", "效益指标", "满意度指标", "成本指标", "投入指标", "过程指标", "决策指标", "管理指标",
                "产出", "效益", "满意度", "成本", "投入", "过程", "决策"}
LEVEL2_WORDS = {"数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
                "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标",
                "社会公众或服务对象满意度指标", "满意度指标", "经济成本", "社会成本", "生态环境成本", "经济效益",
                "社会效益", "生态效益", "服务对象满意度", "履职效益", "履职目标实现", "重点工作任务完成"}
# The 一级指标 a 二级指标 belongs to, where the templates agree (成本指标 and 满意度指标 are one
# or the other depending on the year's template, so they are not here).
LEVEL2_PARENT = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标", "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标", "社会公众或服务对象满意度指标": "满意度指标",
}
# The 指标分类 column's values (绩效基本型 / 绩效创新型): never a target or a name
PERF_CATEGORY_VALUE = re.compile(r"^绩效(基本|创新)型$")
SCORE_NOTE = re.compile(r"[(（]\s*\d+(\.\d+)?\s*分\s*[)）]$")
PERF_BLOCKS: tuple[tuple[str, str], ...] = (
    ("goal", r"^(年度总体目标|年度履职目标|预期目标|总体目标)|实际完成情况$"),
    ("management", r"^资金管理情况|^情况说明$"),
    ("tasks", r"^年度主要任务|^任务名称$"),
    ("total", r"^总分|^合计得分"),
    ("closing", r"^偏差大或目标未完成原因分析|^改进措施|^备注|^注[:：]"),
)
# Labels of a block printed in the first column of its rows; not values.
PERF_BLOCK_LABELS = re.compile(
    r"^(资金情况|项目资金|预算执行情况|部门整体支出情况|年度总体目标|年度履职目标|绩效指标|年度绩效指标|年度绩效目标"
    r"|年度绩效目标完成情况|年度主要任务|资金管理情况)\d?([(（][^)）]*[)）])?[:：]?$"
)


# ── validation knowledge ───────────────────────────────────────────────────────────────────
# The nine tables every 部门决算 publishes; a disclosure lacking one gets a warning.
FINAL_ACCOUNT_TABLES = ("income_expenditure_summary", "income", "expenditure", "fiscal_appropriation_summary",
                        "general_budget_expenditure", "general_budget_basic_expenditure", "government_fund",
                        "state_capital", "three_public")
# Tables whose rows carry classification codes: parent = Σ children, 合计 = Σ classes.
CODED_TABLES = ("income", "expenditure", "general_budget_expenditure", "government_fund", "state_capital",
                "general_budget_basic_expenditure")
# Amounts the narrative states, and the cell they describe: (pattern with a named group
# `amount` in 万元, table_key, section, row_label, column). Text is compacted first.
NARRATIVE_AMOUNTS: tuple[tuple[str, str, str, str, str], ...] = (
    (r"(?<!拨款)收、?支总计(?:均为|各为|均|为)(?P<amount>\d[\d,]*(?:\.\d+)?)万元", "income_expenditure_summary", "收入", "总计", "决算数"),
    (r"(?<!拨款)收、?支总计(?:均为|各为|均|为)(?P<amount>\d[\d,]*(?:\.\d+)?)万元", "income_expenditure_summary", "支出", "总计", "决算数"),
    (r"财政拨款收、?支总计(?:均为|各为|均|为)(?P<amount>\d[\d,]*(?:\.\d+)?)万元", "fiscal_appropriation_summary", "收入", "总计", "决算数"),
    (r"(?<![\u4e00-\u9fff])本年收入合计(?P<amount>\d[\d,]*(?:\.\d+)?)万元", "income_expenditure_summary", "收入", "本年收入合计", "决算数"),
    (r"(?<![\u4e00-\u9fff])本年支出合计(?P<amount>\d[\d,]*(?:\.\d+)?)万元", "income_expenditure_summary", "支出", "本年支出合计", "决算数"),
)
# A project's executed amount stated in words (its goal text, or a 自评综述 naming it).
NARRATIVE_EXECUTED = re.compile(r"执行(?:数|金额)?(?:为|达)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元")
# Topic words by which the narrative speaks of a table: an empty table whose topic the text
# gives a non-zero amount for is suspicious.
NARRATIVE_TOPICS: dict[str, str] = {
    "government_fund": r"政府性基金预算财政拨款(?:收入|支出)(?:合计|共计|为)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元",
    "state_capital": r"国有资本经营预算财政拨款(?:收入|支出)(?:合计|共计|为)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元",
    "three_public": r"“?三公”?经费(?:财政拨款)?支出(?:决算)?(?:为|合计)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元",
}
