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
    kind: str = "fiscal"  # fiscal | performance | other
    sections: tuple[str, ...] = ()  # section names that appear as header cells
    default_section: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # (canonical name, regex on the header path)
    # economic-classification prefixes → section, for twin tables whose halves carry no name
    code_sections: tuple[tuple[str, str], ...] = ()
    identities: tuple[Identity, ...] = field(default_factory=tuple)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "fiscal_appropriation_summary",
        (r"财政拨款收入支出决算(总|汇总)表", r"财政拨款收支决算(总|汇总)表"),
        sections=("收入", "支出"),
        columns=(
            ("一般公共预算财政拨款", r"一般公共预算"),
            ("政府性基金预算财政拨款", r"政府性基金"),
            ("国有资本经营预算财政拨款", r"国有资本经营"),
            ("合计", r"(合计|小计)$"),
            ("决算数", r"(决算数|金额|本年数)$"),
        ),
    ),
    TableSpec(
        "income_expenditure_summary",
        (r"收入支出决算(总|汇总)表", r"收支决算(总|汇总)表"),
        sections=("收入", "支出"),
        columns=(("决算数", r"(决算数|金额|本年数)$"),),
    ),
    TableSpec(
        "general_budget_basic_expenditure",
        (r"一般公共预算财政拨款基本支出决算(明细)?表",),
        sections=("人员经费", "公用经费"),
        columns=(("决算数", r"(决算数|金额)$"),),
        code_sections=(("301", "人员经费"), ("303", "人员经费"), ("3", "公用经费")),
    ),
    TableSpec(
        "general_budget_expenditure",
        (r"一般公共预算财政拨款支出决算表",),
        columns=(
            ("人员经费", r"人员经费$"),
            ("公用经费", r"公用经费$"),
            ("基本支出", r"基本支出(/(小计|合计))?$"),
            ("项目支出", r"项目支出$"),
            ("合计", r"(合计|小计)$"),
        ),
    ),
    TableSpec(
        "government_fund",
        (r"政府性基金预算财政拨款(收入)?支出决算表",),
        columns=(
            ("年初结转和结余", r"年初结转"),
            ("年末结转和结余", r"年末结转"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("本年支出合计", r"本年支出(合计)?(/(小计|合计))?$"),
            ("本年收入", r"本年收入(合计)?$"),
        ),
    ),
    TableSpec(
        "state_capital",
        (r"国有资本经营预算财政拨款(收入)?支出决算表",),
        columns=(
            ("年初结转和结余", r"年初结转"),
            ("年末结转和结余", r"年末结转"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("本年支出合计", r"(本年支出(合计)?(/(小计|合计))?|^合计|^小计)$"),
            ("本年收入", r"本年收入(合计)?$"),
        ),
    ),
    TableSpec(
        "three_public",
        (r"三公.{0,2}经费支出(预)?决算表",),
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
    ),
    TableSpec(
        "project_performance",
        (r"项目(支出)?绩效(目标)?自评(价)?表",),
        kind="performance",
    ),
    TableSpec(
        "department_performance",
        (r"整体(支出)?绩效(评价)?自评(价)?表",),
        kind="performance",
    ),
    TableSpec(
        "income",
        (r"(?<!支出)收入决算表",),
        columns=(
            ("本年收入合计", r"合计$"),
            ("财政拨款收入", r"财政拨款"),
            ("上级补助收入", r"上级补助"),
            ("事业收入", r"事业收入$"),
            ("经营收入", r"(?<!单位)经营收入$"),
            ("附属单位上缴收入", r"附属单位"),
            ("其他收入", r"其他收入$"),
        ),
    ),
    TableSpec(
        "expenditure",
        (r"(?<![拨款算金营])支出决算表",),
        columns=(
            ("本年支出合计", r"合计$"),
            ("基本支出", r"基本支出$"),
            ("项目支出", r"项目支出$"),
            ("上缴上级支出", r"上缴上级"),
            ("经营支出", r"经营支出$"),
            ("对附属单位补助支出", r"附属单位"),
        ),
    ),
)

OTHER = TableSpec("other", (), kind="other")
BY_KEY = {spec.key: spec for spec in TABLES} | {"other": OTHER}

# Header cells that name a column's role rather than a figure.
CODE_HEADER = re.compile(r"(科目)?编码|代码|^[类款项]$")
LABEL_HEADER = re.compile(r"科目名称|^项目$|^项目/|名称$|^功能分类|^经济分类")
ROW_NUMBER_HEADER = re.compile(r"行次|^序号$")
COLUMN_NUMBER_ROW = re.compile(r"^栏次$")
CODE_PART_WORDS = {"类", "款", "项"}
TOTAL_LABELS = {"合计", "总计"}
# Words that only ever label columns; found in a data row they are header, not data.
HEADER_WORDS = CODE_PART_WORDS | {"栏次", "行次"}

UNIT = re.compile(r"(?:金额)?单位[:：]\s*(万元|元)")
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
