"""绩效自评表 and 绩效目标表 (performance self-evaluations and targets): their table specs and the
form's vocabulary — field labels, funding and indicator columns, goal labels, level words, block
labels. The reader is `pipeline.realign.performance`; everything it knows about how provinces
word their forms is here."""
from __future__ import annotations

import re

from pipeline.catalog.spec import TableSpec

TABLES: tuple[TableSpec, ...] = (
    # 项目支出绩效自评表, and a project's or fund's form under its own name (`某某专项资金绩效自评表`,
    # `绩效自评结果表`, `项目支出绩效评价自评表`)
    TableSpec("project_performance", (r"项目(支出)?绩效(目标)?(评价)?自评(价)?(表|$)",
                                      r"绩效(目标)?(评价)?自评(价)?(结果|情况|得分)?表"),
              name="项目支出绩效自评表", kind="performance", form="self_evaluation",
              not_titles=(r"整体", r"^(部门|单位)绩效(目标)?自评")),
    # 部门整体支出绩效自评表, 整体绩效自评表, 部门整体支出绩效自评情况表, and a department's form
    # titled without 整体 (`部门绩效自评表`)
    TableSpec("department_performance", (r"整体(支出)?(绩效)?(目标)?(评价)?自评(价)?(结果|情况|得分)?(表|$)",
                                         r"^(部门|单位)绩效(目标)?自评(价)?(结果|情况|得分)?表"),
              name="部门整体支出绩效自评表", kind="performance", form="self_evaluation"),
    # 绩效目标表 published with budgets: targets of 项目支出, 专项经费, 专项资金总体, 政策和项目
    TableSpec("project_performance_targets", (r"绩效目标(申报|审核)?表",), name="项目支出绩效目标表",
              kind="performance", form="targets", not_titles=(r"整体", r"自评")),
    TableSpec("department_performance_targets", (r"整体(支出)?绩效目标(申报|审核)?表",), name="部门整体支出绩效目标表",
              kind="performance", form="targets", not_titles=(r"自评",)),
)

# ── the form's vocabulary ──────────────────────────────────────────────────────────────────
# Form fields printed as "label | value" pairs; patterns match a whole compacted cell.
PERF_KEYS: tuple[tuple[str, str], ...] = (
    ("project_name", r"(项目|政策)(名称|\(政策\)名称|（政策）名称)[:：]?"),
    ("implementing_unit", r"(项目)?实施(单位|主体)(名称)?(及代码)?[:：]?"),
    ("competent_department", r"(资金|预算|项目)?主管部门(名称)?(及代码)?[:：]?"),
    ("department", r"(部门名称|单位名称|部门[(（]单位[)）]名称|单位[(（]部门[)）]名称|预算单位)(及代码)?[:：]?"),
    ("goal_expected", r"年度目标[:：]?"),
    ("goal_actual", r"绩效目标实际完成情况[:：]?"),
    ("amount", r"项目金额[:：]?"),
)
# What follows a field label when the label itself goes on (`主管部门及代码`, `单位名称（盖章）`): the
# rest of a label, never its value.
PERF_LABEL_TAIL = re.compile(r"^(及|名称|代码|编码|[(（:：])")
# The fields whose row opens a form: a second one in a table starts another form.
PERF_FORM_START_KEYS = ("project_name", "department")
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
# A 绩效目标表's funding block prints each amount beside its label (`年度资金总额： | 120`,
# `其中：财政拨款 | 100`, `其他资金 | 20`), one or two such columns side by side (实施期 | 年度).
TARGET_FUND_LABEL = re.compile(
    r"^(其中[:：])?[^\d]{0,8}(资金总额|预算总额|资金合计|预算资金|财政拨款|财政资金|其他资金|结转资金|自筹资金|自有资金|总额)"
    r"([(（](万元|元)[)）])?[:：]?$")
# The label of a funding column block for a whole period (实施期 / 中期): its sub-rows are
# qualified by it where an annual block stands beside it (`实施期资金总额/财政拨款`).
TARGET_FUND_PERIOD = re.compile(r"实施期|中期|长期")
# An amount printed as of the start of the year goes to `budget_initial`, others to `budget_full_year`.
TARGET_FUND_INITIAL = re.compile(r"年初")
# Amount columns of a 年度主要任务 block (任务名称 | 主要内容 | 预算金额: 总额 / 财政拨款 / 其他资金).
TASK_AMOUNT_COLUMN = re.compile(r"^(预算金额|金额|总额|合计|财政拨款|其他资金|资金总额|预算数)")
PERF_INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", r"一级指?标?"),
    ("level2", r"二级指?标?"),
    ("indicator", r"三级指?标?|指标名称|指标内容"),
    ("target", r"(年度|年初)?(指标值|目标值)|^目标值|^预期"),
    ("actual", r"实际完成值|^完成值|实际值"),
    ("weight", r"分值|权重"),
    ("score", r"得分"),
    ("deviation", r"偏差度|偏差率"),
    ("deviation_note", r"偏差原因|原因分析|改进措施"),
    # a target printed in three columns (`≥` | `4` | `次`): joined into one target text
    ("target_op", r"指标性质|^运算符|^符号$"),
    ("target_unit", r"计量单位|度量单位|^单位$"),
    # read so that their cells stay in their place, not written out
    ("criteria", r"评价要点|指标解释|计算方法|评分标准"),
    ("category", r"指标分类|指标类型|指标属性|是否核心"),
)
# The comparison a 指标性质 cell holds.
TARGET_OPERATOR = re.compile(r"^[≥≤=＝<>＜＞]+$|^(大于|小于|等于|不低于|不高于|不超过|定性)")
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
# A score note after an 一级/二级 category, bracketed or not: `产出指标 (50分)`, `产出指标（50分）`,
# `产出指标50分`, `效益指标 30分`, `产出指标（权重50%）`.
SCORE_NOTE = re.compile(r"\s*(?:[(（]\s*(?:分值|权重|满分)?[:：]?\s*\d+(?:\.\d+)?\s*(?:分|%)?\s*[)）]"
                        r"|(?:分值|权重|满分)?[:：]?\d+(?:\.\d+)?\s*分)$")
PERF_BLOCKS: tuple[tuple[str, str], ...] = (
    ("goal", r"^(部门|单位)?(年度|当年)?(总体|整体|履职)(绩效)?目标|^预期目标|^实施期(总)?目标|实际完成情况$"),
    ("management", r"^资金管理情况|^情况说明$"),
    ("tasks", r"^年度主要任务|^任务名称$"),
    ("total", r"^.{0,12}?(总分|总得分|合计得分|得分合计|综合得分|综合评分|自评得分|自评总分|评价得分|总计得分)"
              r"([(（][^)）]*[)）])?[:：]?(\d[\d.]*分?)?$"),
    ("closing", r"^偏差大或目标未完成原因分析|^改进措施|^备注|^注[:：]"),
)
# Inside the indicator block a bare 合计 / 总计 row is the form's total score.
PERF_TOTAL_IN_INDICATORS = re.compile(r"^(合计|总计)$")
# Labels of a block printed in the first column of its rows; not values.
PERF_BLOCK_LABELS = re.compile(
    r"^(资金情况|项目资金|资金金额|预算执行情况|部门整体支出情况|年度总体目标|年度履职目标|绩效指标|年度绩效指标|年度绩效目标"
    r"|年度绩效目标完成情况|年度主要任务|资金管理情况)\d?([(（][^)）]*[)）])?[:：]?$"
)

# ── the goal block ──
# Words the goal block's labels are made of. A cell built of nothing else is a label — or a
# piece of one printed over two lines (`年度` | `总体目标完成情况`) — never a goal text.
GOAL_LABEL = re.compile(r"^[*＊]?(?:年度|当年|实施期|中期|长期|阶段性|总体|整体|履职|绩效|总|目标|完成|情况|实际|预期|"
                        r"年初|设定|[(（）):：])+$")
# A label naming the whole goal block rather than one goal column (年度总体目标, 总体目标,
# 当年整体绩效目标, 年度总体目标完成情况).
GOAL_BLOCK_LABEL = re.compile(r"^[*＊]?(部门|单位)?(年度|当年)?(总体|整体|履职)(绩效)?目标")
# The goal a label heads, tried in order: a period's goal (实施期总目标), the result (实际完成情况),
# the target (预期目标, 年度目标, 总体目标).
GOAL_ROLES: tuple[tuple[str, str], ...] = (
    ("period", r"实施期|中期|长期|阶段性"),
    ("actual", r"实际|完成"),
    ("expected", r"目标|预期|年初"),
)

# ── forms printed as one list of projects (序号 | 项目名称 | 预算金额 | 绩效目标 | 指标名称 | …) ──
PERF_LISTING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("project_name", r"^项目名称"),
    ("competent_department", r"主管部门"),
    ("implementing_unit", r"实施单位"),
    ("goal_expected", r"绩效目标$|年度目标$|总体目标$"),
    ("amount", r"金额|资金|预算数"),
)

# A project's executed amount stated in words (its goal text, or a 自评综述 naming it).
NARRATIVE_EXECUTED = re.compile(r"执行(?:数|金额)?(?:为|达)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元")
