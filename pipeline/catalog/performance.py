"""绩效自评表 and 绩效目标表 (performance self-evaluations and targets): their table specs and the
form's vocabulary — field labels, funding and indicator columns, level words, block labels."""
from __future__ import annotations

import re

from pipeline.catalog.spec import TableSpec

TABLES: tuple[TableSpec, ...] = (
    # 项目支出绩效自评表, and a project's or fund's form under its own name (`某某专项资金绩效自评表`,
    # `绩效自评结果表`)
    TableSpec("project_performance", (r"项目(支出)?绩效(目标)?自评(价)?(表|$)", r"绩效(目标)?自评(价)?(结果|情况|得分)?表"),
              name="项目支出绩效自评表", kind="performance", form="self_evaluation", not_titles=(r"整体",)),
    TableSpec("department_performance", (r"整体(支出)?(绩效)?(评价)?自评(价)?表",), name="部门整体支出绩效自评表",
              kind="performance", form="self_evaluation"),
    # 绩效目标表 published with budgets: targets of 项目支出, 专项经费, 专项资金总体, 政策和项目
    TableSpec("project_performance_targets", (r"绩效目标(申报|审核)?表",), name="项目支出绩效目标表",
              kind="performance", form="targets", not_titles=(r"整体", r"自评")),
    TableSpec("department_performance_targets", (r"整体(支出)?绩效目标(申报|审核)?表",), name="部门整体支出绩效目标表",
              kind="performance", form="targets", not_titles=(r"自评",)),
)

# ── the form's vocabulary ──────────────────────────────────────────────────────────────────
# Form fields printed as "label | value" pairs; patterns match a whole compacted cell.
PERF_KEYS: tuple[tuple[str, str], ...] = (
    ("project_name", r"项目名称[:：]?"),
    ("implementing_unit", r"(项目)?实施单位[:：]?"),
    ("competent_department", r"主管部门(及代码)?[:：]?"),
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


# A project's executed amount stated in words (its goal text, or a 自评综述 naming it).
NARRATIVE_EXECUTED = re.compile(r"执行(?:数|金额)?(?:为|达)?(?P<amount>\d[\d,]*(?:\.\d+)?)万元")
