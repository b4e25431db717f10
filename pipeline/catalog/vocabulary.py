"""Words around and inside tables that are not table-specific: the roles of header cells, the
captions printed around a table, units, departments, years, enumerators, and the words that
say what kind of disclosure a document is."""
from __future__ import annotations

import re

# Header cells that name a column's role rather than a figure.
CODE_HEADER = re.compile(r"(科目)?编码|代码|^[类款项]$")
# … but an organisation's code (部门代码, 单位编码) is no classification code
ORGANISATION_CODE_HEADER = re.compile(r"(部门|单位)(代码|编码)$")
ROW_NUMBER_HEADER = re.compile(r"行次|^序号$")
# figures that are no amounts: a count of things bought (政府采购 tables), a date
COUNT_HEADER = re.compile(r"数量$|^(实施)?采购时间$|^规格型号$")
# header cells over a column of row names, whatever they add (`项目(按功能分类)`, `支出功能分类科目（按大类）`)
LABEL_HEADER = re.compile(r"^(项目|科目|功能科目|单位|预算单位)?名称|^项目[(（]|^项目$|名称$|科目$|科目[（(].*[)）]$|^支出项目类别$"
                          r"|^采购项目$")
COLUMN_NUMBER_ROW = re.compile(r"^栏次(合计|总计)?$")
# `栏次 合计` in one cell: the 栏次 label and the next row's 合计 merged by a converter
COLUMN_NUMBER_WITH_LABEL = re.compile(r"^栏次(合计|总计)$")
CODE_PART_WORDS = {"类", "款", "项"}
TOTAL_LABELS = {"合计", "总计"}
# a row label that totals others (SPEC v2 `is_total`)
TOTAL_LABEL = re.compile(r"(合计|总计|小计)$")
# Totals rows of a 收入 | 支出 summary name both halves alike, but for these words
TWIN_TOTAL = re.compile(r"合计$|总计$|结转和结余$|财政拨款$")
TWIN_WORDS = (("本年支出合计", "本年收入合计"), ("年末", "年初"), ("支出总计", "收入总计"))
# Words that only ever label columns; found in a data row they are header, not data.
HEADER_WORDS = CODE_PART_WORDS | {"栏次", "行次"}
# A column header naming a sub-item of the column above it (`事业收入/其中：教育收费`)
OF_WHICH = re.compile(r"^(其中)[:：]?")

UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
UNIT_IN_HEADER = re.compile(r"[（(](万元|元)[)）]")
# Lines printed around a table that are not rows: title, unit, department, statement number, year
_ORG_FIELD = r"(?:部门名称|单位名称|编制单位|编制部门|预算单位|预算主管部门|部门|单位|部门[(（]单位[)）]|单位[(（]部门[)）])"
CAPTION = re.compile(
    rf"^(?:(?:金额)?单位[:：].*|{_ORG_FIELD}[:：].*|公开\s*\d+\s*表.*|(?:附)?表\s*[\d一二三四五六七八九十]+(?:-\d+)?[:：]?|"
    r"[(（]?(?:19|20)\d{2}\s*年度?[)）]?|填表人.*|填报日期.*)$"
)
DEPARTMENT = re.compile(rf"{_ORG_FIELD}[:：]\s*([^\s：:]{{2,40}}?)(?:\s|$|单位[:：]|公开|\d{{4}}年|金额)")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
ENUMERATOR = re.compile(
    r"^(?:[（(][一二三四五六七八九十百]+[)）]|[一二三四五六七八九十百]+[、.．]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[（(]\d{1,2}[)）])"
)
STATEMENT_NO = re.compile(r"公开\s*\d+\s*表")
# A statement number printed before a title (`表一`, `附表3-1`, `表4：`, `公开02表`)
TITLE_NUMBER = re.compile(r"^(?:附?表\s*[\d一二三四五六七八九十]+(?:[-—.]\d+)?\s*[:：、.]?|公开\s*\d+\s*表)")

# ── what kind of disclosure a document is ─────────────────────────────────────────────────
# Fund names hold 预算 without saying anything about the document's kind.
FUND_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|部门预算(?=支出|经济)|预算单位|预算主管部门|社会保险基金预算")
# The cover or heading of a disclosure: `某某局2024年度部门决算`, `2026年某某局部门预算`,
# `市级单位预算`, `部门综合预算`, `预算公开`, `预算情况说明`
# A self-evaluation report is a performance document even where its heading names the budget it
# evaluates (`2023年度部门预算项目支出绩效自评报告`); targets on their own are one too.
DISCLOSURE_HEADING = (
    ("performance", re.compile(r"绩效(自评|评价)")),
    ("final_account", re.compile(r"(部门|单位|整体)决算|决算(公开|报告|情况说明)")),
    ("budget", re.compile(r"(部门|单位|综合)预算(?!执行)|预算(公开|信息公开|情况说明)")),
    ("performance", re.compile(r"绩效目标")),
)
# Headings that say a document is something else: a notice about a disclosure, a form
NOT_A_DISCLOSURE = re.compile(r"关于.{0,40}(通知|通报|意见|办法|决定|批复|函)|申请表|公告|公报|通告")
