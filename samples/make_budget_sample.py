"""Draw a 2026 部门预算 (budget disclosure) of an invented department, with its ground truth.

Called by make_samples.py (`python samples/make_samples.py` writes everything); it draws with that
script's renderer and writes

    budget/data_bureau_2026.pdf          某某市数据局 2026年部门预算, 13 pages
    budget/data_bureau_2026.truth.json   its ground truth (same shape as the 决算 truth files)

The figures are invented and internally consistent: every 类 = Σ 款 = Σ 项, every 合计 = Σ 类,
合计 = 本年收入 + 上年结转结余, 基本支出 = 人员经费 + 公用经费, the two sides of each summary agree,
the same amount printed in two tables is the same, and the 预算说明 page states the amounts the
tables hold. The ground truth is computed from the very cells drawn: each number cell carries its
fact, the value is parsed back from the drawn text, the page is the page the row landed on.

What real budgets print and the sample exercises: statement numbers in three styles (`表一`,
`公开05表`, `附表3-9`); neutral titles (`收支总表`: the document's kind decides); a two-sided summary
continued on a second page that repeats the title and the header rows; the 收入总表's grouped fund
columns; function codes split over 类/款/项 where 款 and 项 rows print only their own part, and full
7-digit codes (indented, or not) elsewhere; economic codes (301 / 30101) by 人员经费 | 公用经费 in a
partially ruled table (column rules as thin filled rectangles, no rule between body rows); a table
in 元; an empty 政府性基金 table (headers only); a 项目支出表 with a wrapped project name.
"""
from __future__ import annotations

import re

from make_samples import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PORTRAIT,
    C,
    Renderer,
    Table,
    cn_num,
    header_from_paths,
    money,
    parse_num,
    r2,
    row_label,
    wrap,
)

STEM = "data_bureau_2026"
DEPARTMENT = "某某市数据局"
YEAR = 2026
W = PORTRAIT[0] - 2 * MARGIN_X

# The 2026 function classification's classes, in the order the 收支总表 lists them.
BUDGET_CLASSES = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"), ("209", "社会保险基金支出"), ("210", "卫生健康支出"),
    ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("227", "预备费"), ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"),
    ("232", "债务付息支出"), ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
]
CLASS_NAME = dict(BUDGET_CLASSES)
KUAN_NAME = {
    "20137": "网信事务", "20508": "进修及培训", "20805": "行政事业单位养老支出", "21011": "行政事业单位医疗",
    "21505": "工业和信息产业", "22102": "住房改革支出",
}

# 项-level spending (万元) by source: gp_p / gp_u 一般公共预算 basic 人员经费 / 公用经费, gp_j 一般公共预算
# projects, sy_b / sy_j 事业收入 basic / projects, jz_j projects paid from 上年结转结余 (the 事业单位's own
# carried-over funds: no fiscal carry-over, so the 财政拨款 tables hold this year's appropriation only)
ITEMS = [
    ("2013701", "行政运行", dict(gp_p=412.36, gp_u=68.50)),
    ("2013702", "一般行政管理事务", dict(gp_j=156.00)),
    ("2013750", "事业运行", dict(gp_p=286.74, gp_u=41.20, sy_b=35.00)),
    ("2013799", "其他网信事务支出", dict(gp_j=1280.00, sy_j=24.50, jz_j=120.00)),
    ("2050803", "培训支出", dict(gp_j=18.60)),
    ("2080505", "机关事业单位基本养老保险缴费支出", dict(gp_p=86.42)),
    ("2080506", "机关事业单位职业年金缴费支出", dict(gp_p=43.21)),
    ("2101101", "行政单位医疗", dict(gp_p=32.15)),
    ("2101102", "事业单位医疗", dict(gp_p=21.08)),
    ("2150599", "其他工业和信息产业支出", dict(gp_j=350.00)),
    ("2210201", "住房公积金", dict(gp_p=64.83)),
]
# 一般公共预算基本支出 by economic class (leaves; 301 / 302 / 303 rows are sums)
ECONOMIC = [
    ("301", "工资福利支出", None), ("30101", "基本工资", 215.40), ("30102", "津贴补贴", 268.30),
    ("30103", "奖金", 18.20), ("30107", "绩效工资", 156.80), ("30108", "机关事业单位基本养老保险缴费", 86.42),
    ("30109", "职业年金缴费", 43.21), ("30110", "职工基本医疗保险缴费", 45.60),
    ("30111", "公务员医疗补助缴费", 7.63), ("30112", "其他社会保障缴费", 4.12), ("30113", "住房公积金", 64.83),
    ("30199", "其他工资福利支出", 9.88),
    ("302", "商品和服务支出", None), ("30201", "办公费", 18.50), ("30205", "水费", 2.10), ("30206", "电费", 8.60),
    ("30207", "邮电费", 6.30), ("30209", "物业管理费", 22.40), ("30211", "差旅费", 9.80),
    ("30213", "维修（护）费", 5.20), ("30215", "会议费", 3.60), ("30216", "培训费", 4.20),
    ("30217", "公务接待费", 2.80), ("30228", "工会经费", 10.46), ("30229", "福利费", 6.12),
    ("30231", "公务用车运行维护费", 4.50), ("30239", "其他交通费用", 3.20), ("30299", "其他商品和服务支出", 1.92),
    ("303", "对个人和家庭的补助", None), ("30302", "退休费", 18.60), ("30305", "生活补助", 2.40),
    ("30309", "奖励金", 5.40),
]
PERSONNEL = ("301", "303")  # economic classes paid as 人员经费; the others are 公用经费
# 一般公共预算“三公”经费 etc. (万元; the table prints them in 元)
THREE_PUBLIC = {"因公出国（境）费": 0.00, "公务用车购置费": 0.00, "公务用车运行费": 4.50, "公务接待费": 2.80,
                "会议费": 3.60, "培训费": 22.80}
OPERATING_COSTS = 68.50  # 机关运行经费: the 行政单位's 公用经费 (2013701 gp_u)
# projects: (name, function code, 一般公共预算, 事业收入, 上年结转结余)
PROJECTS = [
    ("数据资源管理综合业务经费", "2013702", 156.00, 0.0, 0.0),
    ("政务数据共享交换平台运行维护", "2013799", 420.00, 0.0, 0.0),
    ("“城市大脑”一期建设及公共数据平台运行维护项目", "2013799", 860.00, 0.0, 120.00),
    ("公共数据授权运营服务", "2013799", 0.0, 24.50, 0.0),
    ("数字化人才培训", "2050803", 18.60, 0.0, 0.0),
    ("数字经济发展专项资金", "2150599", 350.00, 0.0, 0.0),
]
# government procurement: (project, 品目, 方式, 一般公共预算, 上年结转结余)
PROCUREMENT = [
    ("政务数据共享交换平台运行维护", "信息系统运行维护服务", "公开招标", 420.00, 0.0),
    ("“城市大脑”一期建设", "信息系统集成实施服务", "公开招标", 860.00, 120.00),
    ("数据资源管理综合业务经费", "台式计算机", "框架协议采购", 36.00, 0.0),
]

# Canonical column names (SPEC v2, as the catalog names them for each budget table key): the
# generator's own data, written here, not imported from pipeline/.
SUMMARY_AMOUNT = "预算数"
INCOME_CANON = ["合计", "本年收入合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款",
                "事业收入", "上年结转结余"]
EXPENDITURE_CANON = ["合计", "基本支出", "项目支出"]
FISCAL_SPEND_CANON = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
GENERAL_CANON = ["合计", "基本支出", "人员经费", "公用经费", "项目支出"]
BASIC_CANON = ["合计", "人员经费", "公用经费"]
THREE_PUBLIC_CANON = ["三公经费合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费",
                      "公务接待费", "会议费", "培训费", "机关运行经费"]
GOV_FUND_CANON = ["合计", "基本支出", "项目支出"]
PROJECT_CANON = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "事业收入", "上年结转结余"]
PROCUREMENT_CANON = ["合计", "一般公共预算财政拨款", "上年结转结余"]

_TOTAL = re.compile(r"(合计|总计|小计)$")


# --------------------------------------------------------------------------------------------
# The department's figures
# --------------------------------------------------------------------------------------------


class Budget:
    def __init__(self):
        self.items = []
        for code, name, v in ITEMS:
            it = dict(code=code, name=name)
            for k in ("gp_p", "gp_u", "gp_j", "sy_b", "sy_j", "jz_j"):
                it[k] = v.get(k, 0.0)
            it["gp_basic"] = r2(it["gp_p"] + it["gp_u"])
            it["gp"] = r2(it["gp_basic"] + it["gp_j"])
            it["sy"] = r2(it["sy_b"] + it["sy_j"])
            it["basic"] = r2(it["gp_basic"] + it["sy_b"])
            it["project"] = r2(it["gp_j"] + it["sy_j"] + it["jz_j"])
            it["now"] = r2(it["gp"] + it["sy"])  # 本年收入
            it["total"] = r2(it["basic"] + it["project"])
            self.items.append(it)
        self.econ = {}
        for code, _, v in ECONOMIC:
            if v is not None:
                self.econ[code] = v
        for code, _, v in ECONOMIC:
            if v is None:
                self.econ[code] = r2(sum(x for k, x in self.econ.items() if len(k) == 5 and k[:3] == code))
        self.personnel = r2(sum(self.econ[c] for c in PERSONNEL))
        self.public = r2(sum(v for k, v in self.econ.items() if len(k) == 3 and k not in PERSONNEL))
        # the tables agree with each other
        assert abs(self.personnel - self.sum("gp_p")) < 0.005, (self.personnel, self.sum("gp_p"))
        assert abs(self.public - self.sum("gp_u")) < 0.005, (self.public, self.sum("gp_u"))
        for it in self.items:  # the projects are the items' project spending
            for field, k in (("gp_j", 2), ("sy_j", 3), ("jz_j", 4)):
                assert abs(sum(p[k] for p in PROJECTS if p[1] == it["code"]) - it[field]) < 0.005, (it["code"], field)
        assert abs(OPERATING_COSTS - self.items[0]["gp_u"]) < 0.005
        tp = THREE_PUBLIC
        self.three_public = [r2(tp["因公出国（境）费"] + tp["公务用车购置费"] + tp["公务用车运行费"] + tp["公务接待费"]),
                             tp["因公出国（境）费"], r2(tp["公务用车购置费"] + tp["公务用车运行费"]), tp["公务用车购置费"],
                             tp["公务用车运行费"], tp["公务接待费"], tp["会议费"], tp["培训费"], OPERATING_COSTS]

    def sum(self, field, prefix="", items=None):
        return r2(sum(it[field] for it in (self.items if items is None else items) if it["code"].startswith(prefix)))

    def coded_rows(self, pred=lambda it: True):
        """(code, name, items) for the 类, 款 and 项 rows over the items that satisfy pred."""
        its = [it for it in self.items if pred(it)]
        out, seen = [], set()
        for it in its:
            for n in (3, 5, 7):
                code = it["code"][:n]
                if code not in seen:
                    seen.add(code)
                    name = CLASS_NAME[code] if n == 3 else KUAN_NAME[code] if n == 5 else it["name"]
                    out.append((code, name, [x for x in its if x["code"].startswith(code)]))
        return out


# --------------------------------------------------------------------------------------------
# Cells, captions, tables
# --------------------------------------------------------------------------------------------


def fact(column, label, code=None, section="", total=None):
    """A number cell's fact. `is_total` (SPEC v2): a 合计 / 总计 / 小计 row, a class row whose 款 / 项
    rows appear (the coded tables list only classes that have them), an enumerated row whose
    sub-rows follow (given by the caller)."""
    label = row_label(label) or None
    if total is None:  # function codes 201 / 20137 / 2013701, economic codes 301 / 30101
        total = bool(_TOTAL.search(label or "")) or bool(code) and (len(code) == 3 or len(code) == 5 and code[0] == "2")
    return {"section": section, "row_label": label, "subject_code": code, "column": column, "is_total": total}


def cell(v, unit, f, blank_zero=True):
    """A number cell: blank (no fact) for None, and for 0 where the table leaves zeros blank."""
    txt = money(v, unit, blank_zero)
    return C(txt, al="r", fact=f if txt else None)


def captions(no, placement, title, unit):
    """Statement number, title, and the caption line `部门：… 单位：…`."""
    num = [(no, "l" if placement == "left" else "r", 10)]
    return [num, [(title, "c", 15)], [(f"部门：{DEPARTMENT}", "l", 9), (f"单位：{unit}", "r", 9)]]


def note(text, size=8):
    return [[(line, "l", size)] for line in wrap(text, size, W)]


def code_cells(code, style):
    """Label cells of a coded row: split over 类/款/项 (a 款 or 项 row prints only its own part), or
    the full code in one column (indented by level, or not)."""
    if style == "split":
        parts = [code[:3], code[3:5], code[5:7]]
        own = {3: 0, 5: 1, 7: 2}[len(code)]
        return [C(p if i == own else "", al="c") for i, p in enumerate(parts)]
    indent = {"indented": "  " * ((len(code) - 3) // 2), "flat": ""}[style]
    return [C(indent + code, al="l")]


def coded_table(m, *, key, title, no, placement, unit, codes, label_paths, label_w, value_paths, canon, values,
                pred=lambda it: True, size=7.0, post=None):
    """A table of function-coded rows: 合计, then 类 / 款 / 项 rows."""
    nl = len(label_paths)
    rows = header_from_paths(label_paths + value_paths)
    hdr = len(rows)
    rows.append([C("合计", cs=nl, al="c")] + [cell(v, unit, fact(col, "合计")) for col, v in zip(canon, values(None))])
    for code, name, its in m.coded_rows(pred):
        rows.append(code_cells(code, codes) + [C(name)]
                    + [cell(v, unit, fact(col, name, code)) for col, v in zip(canon, values(its))])
    rest = W - sum(label_w)
    widths = label_w + [rest / len(value_paths)] * len(value_paths)
    return Table(key, title, unit, widths, rows, header_rows=hdr, size=size,
                 pre=captions(no, placement, title, unit), post=post or [])


def summary_parts(m):
    """表一 收支总表: 收入 | 支出, each 项目 | 预算数, continued on a second page that repeats the title,
    the captions and the header rows. Returns the two parts (drawn as one table)."""
    unit, title = "万元", "收支总表"
    income = [("一、一般公共预算拨款收入", m.sum("gp")), ("二、政府性基金预算拨款收入", None),
              ("三、国有资本经营预算拨款收入", None), ("四、财政专户管理资金收入", None), ("五、事业收入", m.sum("sy")),
              ("六、事业单位经营收入", None), ("七、上级补助收入", None), ("八、附属单位上缴收入", None),
              ("九、其他收入", None)]
    spend = [(f"{cn_num(i + 1)}、{name}", m.sum("total", code) or None) for i, (code, name) in enumerate(BUDGET_CLASSES)]
    total = m.sum("total")
    left = income + [("", None)] * (len(spend) - len(income))
    left += [("本年收入合计", m.sum("now")), ("上年结转结余", m.sum("jz_j")), ("收入总计", total)]
    right = spend + [("本年支出合计", total), ("年终结转结余", None), ("支出总计", total)]
    body = []
    for (ll, lv), (rl, rv) in zip(left, right):
        body.append([C(ll), cell(lv, unit, fact(SUMMARY_AMOUNT, ll, section="收入")),
                     C(rl), cell(rv, unit, fact(SUMMARY_AMOUNT, rl, section="支出"))])
    paths = [["收入", "项目"], ["收入", "预算数"], ["支出", "项目"], ["支出", "预算数"]]
    widths = [W * 0.33, W * 0.17, W * 0.33, W * 0.17]
    size, pre = 11.0, captions("表一", "left", title, unit)
    # the body rows that fit under the captions and the header (the renderer's row height)
    top = MARGIN_TOP + sum(max(sz for _, _, sz in line) * 1.55 for line in pre) + 2
    cut = int((PORTRAIT[1] - MARGIN_BOTTOM - top) // (size * 1.9)) - len(paths[0])
    assert 0 < cut < len(body) - 1, cut
    parts = []
    for rows in (body[:cut], body[cut:]):
        head = header_from_paths(paths)
        parts.append(Table("budget_income_expenditure_summary", title, unit, widths, head + rows,
                           header_rows=len(head), size=size, pre=captions("表一", "left", title, unit)))
    return parts


def income_table(m):
    """表二 部门收入总表: grouped fund columns, codes split over 类/款/项 (款 / 项 rows print their part)."""
    unit = "万元"

    def values(its):
        its = m.items if its is None else its
        return [m.sum("total", items=its), m.sum("now", items=its), m.sum("gp", items=its), None, None,
                m.sum("sy", items=its), m.sum("jz_j", items=its)]

    return coded_table(
        m, key="budget_income", title="部门收入总表", no="表二", placement="left", unit=unit, codes="split",
        label_paths=[["科目编码", "类"], ["科目编码", "款"], ["科目编码", "项"], ["科目名称"]], label_w=[22, 18, 18, 122],
        value_paths=[["合计"], ["本年收入", "小计"], ["本年收入", "财政拨款", "一般公共预算"],
                     ["本年收入", "财政拨款", "政府性基金预算"], ["本年收入", "财政拨款", "国有资本经营预算"],
                     ["本年收入", "事业收入"], ["上年结转结余"]],
        canon=INCOME_CANON, values=values)


def expenditure_table(m):
    """表三 支出预算总表: full 7-digit codes, indented by level."""
    def values(its):
        its = m.items if its is None else its
        return [m.sum("total", items=its), m.sum("basic", items=its), m.sum("project", items=its)]

    return coded_table(
        m, key="budget_expenditure", title="支出预算总表", no="表三", placement="left", unit="万元", codes="indented",
        label_paths=[["功能分类科目", "科目编码"], ["功能分类科目", "科目名称"]], label_w=[62, 178],
        value_paths=[["合计"], ["基本支出"], ["项目支出"]], canon=EXPENDITURE_CANON, values=values, size=7.5)


def fiscal_summary_table(m):
    """表四 财政拨款收支总表: 收入 (项目 | 预算数) | 支出 (项目 | 合计 | 3 funds)."""
    unit, title = "万元", "财政拨款收支总表"
    gp = m.sum("gp")
    used = [code for code, _ in BUDGET_CLASSES if m.sum("gp", code)]
    left = [("一、本年收入", gp, True), ("（一）一般公共预算拨款", gp, None), ("（二）政府性基金预算拨款", None, None),
            ("（三）国有资本经营预算拨款", None, None), ("二、上年结转", None, None), ("（一）一般公共预算拨款", None, None),
            ("（二）政府性基金预算拨款", None, None), ("（三）国有资本经营预算拨款", None, None), ("收入总计", gp, None)]
    right = [("一、本年支出", [gp, gp, None, None], True)]
    right += [(f"（{cn_num(i + 1)}）{CLASS_NAME[code]}", [m.sum("gp", code), m.sum("gp", code), None, None], None)
              for i, code in enumerate(used)]
    right += [("二、年终结转结余", [None] * 4, None), ("支出总计", [gp, gp, None, None], None)]
    assert len(left) == len(right), (len(left), len(right))
    paths = [["收入", "项目"], ["收入", "预算数"], ["支出", "项目"], ["支出", "合计"], ["支出", "一般公共预算"],
             ["支出", "政府性基金预算"], ["支出", "国有资本经营预算"]]
    rows = header_from_paths(paths)
    hdr = len(rows)
    for (ll, lv, lt), (rl, rvs, rt) in zip(left, right):
        row = [C(ll), cell(lv, unit, fact(SUMMARY_AMOUNT, ll, section="收入", total=lt))]
        row += [C(rl)] + [cell(v, unit, fact(col, rl, section="支出", total=rt)) for col, v in zip(FISCAL_SPEND_CANON, rvs)]
        rows.append(row)
    widths = [W * 0.22, W * 0.11, W * 0.25] + [W * 0.105] * 4
    return Table("budget_fiscal_appropriation_summary", title, unit, widths, rows, header_rows=hdr, size=7.5,
                 pre=captions("表四", "left", title, unit))


def general_table(m):
    """公开05表 一般公共预算支出表: full codes, 基本支出 split into 人员经费 / 公用经费."""
    def values(its):
        its = m.items if its is None else its
        return [m.sum("gp", items=its), m.sum("gp_basic", items=its), m.sum("gp_p", items=its),
                m.sum("gp_u", items=its), m.sum("gp_j", items=its)]

    return coded_table(
        m, key="budget_general_budget_expenditure", title="一般公共预算支出表", no="公开05表", placement="right",
        unit="万元", codes="flat", label_paths=[["科目编码"], ["科目名称"]], label_w=[50, 165],
        value_paths=[["合计"], ["基本支出", "小计"], ["基本支出", "人员经费"], ["基本支出", "公用经费"], ["项目支出"]],
        canon=GENERAL_CANON, values=values, pred=lambda it: it["gp"] > 0)


def basic_table(m):
    """公开06表 一般公共预算基本支出表: economic codes by 人员经费 | 公用经费, partially ruled."""
    unit, title = "万元", "一般公共预算基本支出表"
    rows = header_from_paths([["经济分类科目", "科目编码"], ["经济分类科目", "科目名称"],
                              ["一般公共预算基本支出", "合计"], ["一般公共预算基本支出", "人员经费"],
                              ["一般公共预算基本支出", "公用经费"]])
    hdr = len(rows)
    rows.append([C("合计", cs=2, al="c")] + [cell(v, unit, fact(col, "合计")) for col, v in
                                            zip(BASIC_CANON, [r2(m.personnel + m.public), m.personnel, m.public])])
    for code, name, _ in ECONOMIC:
        v = m.econ[code]
        personnel = code[:3] in PERSONNEL
        vals = [v, v if personnel else None, None if personnel else v]
        rows.append([C(code, al="l"), C(name)] + [cell(x, unit, fact(col, name, code)) for col, x in zip(BASIC_CANON, vals)])
    return Table("budget_general_budget_basic_expenditure", title, unit, [55, 170, 96.67, 96.67, 96.66], rows,
                 header_rows=hdr, size=7.5, pre=captions("公开06表", "right", title, unit), rules="columns")


def three_public_table(m):
    """公开07表 一般公共预算“三公”经费支出表, in 元, with 会议费 / 培训费 / 机关运行经费 columns."""
    unit, title = "元", "一般公共预算“三公”经费支出表"
    rows = header_from_paths([["“三公”经费合计"], ["因公出国（境）费"], ["公务用车购置及运行费", "小计"],
                              ["公务用车购置及运行费", "公务用车购置费"], ["公务用车购置及运行费", "公务用车运行费"],
                              ["公务接待费"], ["会议费"], ["培训费"], ["机关运行经费"]])
    hdr = len(rows)
    rows.append([cell(v, unit, fact(col, ""), blank_zero=False) for col, v in zip(THREE_PUBLIC_CANON, m.three_public)])
    return Table("budget_three_public", title, unit, [W / 9] * 9, rows, header_rows=hdr, size=7.5,
                 pre=captions("公开07表", "right", title, unit),
                 post=note("注：“三公”经费为一般公共预算财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费；"
                           "会议费、培训费和机关运行经费另列。"))


def government_fund_table(m):
    """公开08表 政府性基金预算支出表: no fund, headers only."""
    unit, title = "万元", "政府性基金预算支出表"
    rows = header_from_paths([["科目编码"], ["科目名称"], ["本年政府性基金预算支出", "合计"],
                              ["本年政府性基金预算支出", "基本支出"], ["本年政府性基金预算支出", "项目支出"]])
    return Table("budget_government_fund", title, unit, [60, 185, 90, 90, 90], rows, header_rows=len(rows), size=7.5,
                 pre=captions("公开08表", "right", title, unit),
                 post=note("注：本部门2026年没有使用政府性基金预算拨款安排的支出，本表无数据。"))


def project_table(m):
    """附表3-9 项目支出表: projects by source of funds (one name wraps in its cell)."""
    unit, title = "万元", "项目支出表"
    rows = header_from_paths([["项目名称"], ["合计"], ["财政拨款", "一般公共预算"], ["财政拨款", "政府性基金预算"],
                              ["事业收入"], ["上年结转结余"]])
    hdr = len(rows)

    def vals(ps):
        return [r2(sum(p[2] + p[3] + p[4] for p in ps)), r2(sum(p[2] for p in ps)), None, r2(sum(p[3] for p in ps)),
                r2(sum(p[4] for p in ps))]

    rows.append([C("合计", al="c")] + [cell(v, unit, fact(col, "合计")) for col, v in zip(PROJECT_CANON, vals(PROJECTS))])
    for p in PROJECTS:
        rows.append([C(p[0])] + [cell(v, unit, fact(col, p[0])) for col, v in zip(PROJECT_CANON, vals([p]))])
    assert abs(vals(PROJECTS)[0] - m.sum("project")) < 0.005
    return Table("budget_project_expenditure", title, unit, [165, 70, 70, 70, 70, 70], rows, header_rows=hdr, size=7.5,
                 pre=captions("附表3-9", "left", title, unit))


def procurement_table(m):
    """附表3-10 政府采购预算表: 项目名称 | 采购品目 | 采购方式 | 预算金额 (合计 | 一般公共预算 | 上年结转结余)."""
    unit, title = "万元", "政府采购预算表"
    rows = header_from_paths([["项目名称"], ["采购品目"], ["采购方式"], ["预算金额", "合计"], ["预算金额", "一般公共预算"],
                              ["预算金额", "上年结转结余"]])
    hdr = len(rows)

    def vals(ps):
        return [r2(sum(p[3] + p[4] for p in ps)), r2(sum(p[3] for p in ps)), r2(sum(p[4] for p in ps))]

    rows.append([C("合计", al="c"), C(""), C("")]
                + [cell(v, unit, fact(col, "合计")) for col, v in zip(PROCUREMENT_CANON, vals(PROCUREMENT))])
    for p in PROCUREMENT:
        rows.append([C(p[0]), C(p[1]), C(p[2], al="c")]
                    + [cell(v, unit, fact(col, p[0])) for col, v in zip(PROCUREMENT_CANON, vals([p]))])
    return Table("budget_government_procurement", title, unit, [130, 105, 65, 71.67, 71.67, 71.66], rows,
                 header_rows=hdr, size=7.5, pre=captions("附表3-10", "left", title, unit))


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------


def wan(v: float) -> str:
    return f"{v:,.2f}万元"


def explanation(m) -> list[tuple[str, str]]:
    """The 预算说明 page: (kind, text), kind `h` a heading, `p` a paragraph. Its amounts are the tables'."""
    total, basic, project = m.sum("total"), m.sum("basic"), m.sum("project")
    tp = m.three_public
    fiscal = "，".join(f"{CLASS_NAME[c]}{wan(m.sum('gp', c))}" for c, _ in BUDGET_CLASSES if m.sum("gp", c))
    procurement = r2(sum(p[3] + p[4] for p in PROCUREMENT))
    return [
        ("h", "一、部门基本情况"),
        ("p", f"{DEPARTMENT}负责统筹推进数字政府和数字经济建设，组织实施公共数据资源的归集、共享、开放和开发利用，"
              "统筹数字基础设施布局和政务信息化项目的建设管理。本部门预算由局机关（行政单位）和所属某某市大数据中心"
              "（公益一类事业单位）的预算组成。"),
        ("h", "二、收支预算总体情况"),
        ("p", f"按照综合预算的原则，本部门所有收入和支出均纳入部门预算管理。{YEAR}年收入预算{wan(total)}，其中："
              f"一般公共预算拨款收入{wan(m.sum('gp'))}，事业收入{wan(m.sum('sy'))}，上年结转结余{wan(m.sum('jz_j'))}。"
              f"{YEAR}年支出预算{wan(total)}，其中：基本支出{wan(basic)}，占{basic / total * 100:.2f}%；"
              f"项目支出{wan(project)}，占{project / total * 100:.2f}%。"),
        ("h", "三、财政拨款收支预算情况"),
        ("p", f"{YEAR}年财政拨款收支预算总额{wan(m.sum('gp'))}，均为一般公共预算拨款，其中：{fiscal}。"),
        ("h", "四、一般公共预算基本支出情况"),
        ("p", f"{YEAR}年一般公共预算基本支出{wan(m.sum('gp_basic'))}，其中：人员经费{wan(m.personnel)}，主要包括基本工资、"
              f"津贴补贴、奖金、绩效工资、社会保障缴费、住房公积金、退休费等；公用经费{wan(m.public)}，主要包括办公费、"
              "水电费、物业管理费、差旅费、会议费、培训费、公务接待费、工会经费、公务用车运行维护费等。"),
        ("h", "五、一般公共预算“三公”经费预算情况"),
        ("p", f"{YEAR}年一般公共预算“三公”经费预算数为{wan(tp[0])}，其中：因公出国（境）费{wan(tp[1])}；公务用车购置及"
              f"运行费{wan(tp[2])}（其中公务用车购置费{wan(tp[3])}，公务用车运行费{wan(tp[4])}）；公务接待费{wan(tp[5])}。"
              f"另安排会议费{wan(tp[6])}，培训费{wan(tp[7])}。"),
        ("h", "六、机关运行经费预算情况"),
        ("p", f"{YEAR}年本部门机关运行经费预算为{wan(tp[8])}，主要用于局机关的办公及印刷、水电、物业管理、公务接待、"
              "公务用车运行维护等日常公用经费支出。"),
        ("h", "七、政府性基金预算支出情况"),
        ("p", f"本部门{YEAR}年没有使用政府性基金预算拨款安排的支出，政府性基金预算支出表无数据。"),
        ("h", "八、政府采购预算情况"),
        ("p", f"{YEAR}年政府采购预算{wan(procurement)}，其中：服务类采购{wan(1400.00)}，货物类采购{wan(36.00)}。"),
    ]


def build():
    """(pdf bytes, truth) of the budget sample."""
    m = Budget()
    R = Renderer()
    p0 = R.new_page()
    title = f"{YEAR}年{DEPARTMENT}部门预算"
    R.text(p0, MARGIN_X, 300, title, 26, "c", W)
    R.text(p0, MARGIN_X, 560, "二〇二六年二月", 14, "c", W)
    # 预算说明
    p1 = R.new_page()
    y = R.header_block(p1, [[(f"{YEAR}年{DEPARTMENT}部门预算情况说明", "c", 15)]], MARGIN_TOP) + 6
    for kind, text in explanation(m):
        size = 10.5
        if kind == "h":
            R.text(p1, MARGIN_X, y, text, size)
            y += size * 1.8
            continue
        for line in wrap("\u3000\u3000" + text, size, W):
            R.text(p1, MARGIN_X, y, line, size)
            y += size * 1.75
        y += size * 0.4
    assert y < PORTRAIT[1] - 40, y
    tables = [summary_parts(m), [income_table(m)], [expenditure_table(m)], [fiscal_summary_table(m)],
              [general_table(m)], [basic_table(m)], [three_public_table(m)], [government_fund_table(m)],
              [project_table(m)], [procurement_table(m)]]
    truth = {"filename": f"{STEM}.pdf", "department": DEPARTMENT, "year": YEAR, "pages": None, "kind": "budget",
             "tables": [], "fiscal_facts": [], "perf_projects": [], "perf_funds": [], "perf_indicators": []}
    for parts in tables:
        for t in parts:
            pno = R.new_page(t.landscape)
            y = R.header_block(pno, t.pre, MARGIN_TOP)
            pno, y = R.draw_table(t, y + 2, pno)
            if t.post:
                R.header_block(pno, t.post, y + 4)
        first, last = parts[0], parts[-1]
        assert all(t.page_start == t.page_end for t in parts), first.title  # each part on a page of its own
        truth["tables"].append({"table_key": first.key, "title": first.title, "page_start": first.page_start,
                                "page_end": last.page_end, "unit": first.unit})
        for t in parts:
            for row in t.rows:
                for c in row:
                    if c.fact is None:
                        continue
                    f = dict(c.fact)
                    page, total, code = f.pop("page"), f.pop("is_total"), f["subject_code"]
                    value = parse_num(c.text)
                    truth["fiscal_facts"].append({
                        "table_key": t.key, **f, "value": value, "unit": t.unit, "page": page, "is_total": total,
                        "parent_code": code[:-2] if code and len(code) > 3 else None,
                        "value_yuan": parse_num(f"{value * (10000 if t.unit == '万元' else 1):.2f}")})
    truth["pages"] = R.doc.page_count
    return R.finish(), truth

