#!/usr/bin/env python3
"""Draw realistic 部门决算 disclosure PDFs, their scanned variants and their ground truth.

    python samples/make_samples.py

writes, next to this script:

    native/dept_a_2022.pdf, dept_b_2023.pdf, dept_c_2023.pdf   text-layer PDFs
    scanned/dept_a_2022_scan.pdf                                image-only variant (no text layer)
    mixed/dept_c_2023_mixed.pdf                                 pages 3, 8, 9, 12 scanned, the rest native
    budget/data_bureau_2026.pdf                                 a 2026 部门预算 (make_budget_sample.py)
    <stem>.truth.json next to each PDF                          ground truth (see README.md)

Everything is deterministic (fixed random seed, fixed PDF metadata, no timestamps): running it
twice gives byte-identical files. The figures are data literals below, copied by hand from the
seed text dumps (002 洛阳市洛龙区政务服务中心 2022, 003 吉林省政务服务和数字化建设服务中心 2023,
004 曾都区政务服务和大数据管理局 2023) and made internally consistent; doc C additionally has
invented, consistent 政府性基金 / 国有资本经营 figures so that those tables are filled.

The ground truth is computed from the same cell objects that are drawn: each number cell of a
决算 table carries its fact (section, row_label, subject_code, column); its value is parsed back
from the very text drawn, and its page is the page on which the row landed.
"""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image

HERE = Path(__file__).resolve().parent
SEED = 20240828
FONT = pymupdf.Font("cjk")  # Droid Sans Fallback, shipped inside PyMuPDF; subset on save
PORTRAIT = (595.0, 842.0)  # A4
LANDSCAPE = (842.0, 595.0)
MARGIN_X = 40.0
MARGIN_TOP = 42.0
MARGIN_BOTTOM = 40.0
LINE_W = 0.75
METADATA = {
    "title": "",
    "author": "",
    "subject": "",
    "keywords": "",
    "creator": "juesuan samples/make_samples.py",
    "producer": "PyMuPDF",
    "creationDate": "D:20240828000000+08'00'",
    "modDate": "D:20240828000000+08'00'",
}

# --------------------------------------------------------------------------------------------
# Classification names
# --------------------------------------------------------------------------------------------

CLASSES = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"), ("210", "卫生健康支出"), ("211", "节能环保支出"),
    ("212", "城乡社区支出"), ("213", "农林水支出"), ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"), ("231", "债务还本支出"), ("232", "债务付息支出"),
    ("234", "抗疫特别国债安排的支出"),
]
CLASS_NAME = dict(CLASSES)
KUAN_NAME = {
    "20103": "政府办公厅（室）及相关机构事务",
    "20107": "税收事务",
    "20129": "群众团体事务",
    "20137": "网信事务",
    "20805": "行政事业单位养老支出",
    "20807": "就业补助",
    "21011": "行政事业单位医疗",
    "22102": "住房改革支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "22960": "彩票公益金安排的支出",
}

# Economic classification (一般公共预算财政拨款基本支出决算明细表), in published order.
ECON_PERSON = [
    ("301", "工资福利支出"), ("30101", "基本工资"), ("30102", "津贴补贴"), ("30103", "奖金"),
    ("30106", "伙食补助费"), ("30107", "绩效工资"), ("30108", "机关事业单位基本养老保险缴费"),
    ("30109", "职业年金缴费"), ("30110", "职工基本医疗保险缴费"), ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"), ("30113", "住房公积金"), ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
    ("303", "对个人和家庭的补助"), ("30301", "离休费"), ("30302", "退休费"),
    ("30303", "退职（役）费"), ("30304", "抚恤金"), ("30305", "生活补助"), ("30306", "救济费"),
    ("30307", "医疗费补助"), ("30308", "助学金"), ("30309", "奖励金"), ("30310", "个人农业生产补贴"),
    ("30311", "代缴社会保险费"), ("30399", "其他对个人和家庭的补助"),
]
ECON_302 = [
    ("302", "商品和服务支出"), ("30201", "办公费"), ("30202", "印刷费"), ("30203", "咨询费"),
    ("30204", "手续费"), ("30205", "水费"), ("30206", "电费"), ("30207", "邮电费"), ("30208", "取暖费"),
    ("30209", "物业管理费"), ("30211", "差旅费"), ("30212", "因公出国（境）费用"),
    ("30213", "维修（护）费"), ("30214", "租赁费"), ("30215", "会议费"), ("30216", "培训费"),
    ("30217", "公务接待费"), ("30218", "专用材料费"), ("30224", "被装购置费"), ("30225", "专用燃料费"),
    ("30226", "劳务费"), ("30227", "委托业务费"), ("30228", "工会经费"), ("30229", "福利费"),
    ("30231", "公务用车运行维护费"), ("30239", "其他交通费用"), ("30240", "税金及附加费用"),
    ("30299", "其他商品和服务支出"),
]
ECON_OTHER = [
    ("307", "债务利息及费用支出"), ("30701", "国内债务付息"), ("30702", "国外债务付息"),
    ("310", "资本性支出"), ("31001", "房屋建筑物购建"), ("31002", "办公设备购置"),
    ("31003", "专用设备购置"), ("31005", "基础设施建设"), ("31006", "大型修缮"),
    ("31007", "信息网络及软件购置更新"), ("31008", "物资储备"), ("31009", "土地补偿"),
    ("31010", "安置补助"), ("31011", "地上附着物和青苗补偿"), ("31012", "拆迁补偿"),
    ("31013", "公务用车购置"), ("31019", "其他交通工具购置"), ("31021", "文物和陈列品购置"),
    ("31022", "无形资产购置"), ("31099", "其他资本性支出"),
    ("399", "其他支出"), ("39907", "国家赔偿费用支出"),
    ("39908", "对民间非营利组织和群众性自治组织补贴"), ("39909", "经常性赠与"),
    ("39910", "资本性赠与"), ("39999", "其他支出"),
]

# --------------------------------------------------------------------------------------------
# Document data (万元). Items are 项-level function codes. Fields:
#   gp_p / gp_u: 一般公共预算 basic expenditure, 人员经费 / 公用经费 (doc B publishes the split)
#   gp_b: 一般公共预算 basic expenditure without a published split
#   gp_j: 一般公共预算 project expenditure
#   gf_j / sc_j: 政府性基金 / 国有资本经营 project expenditure
#   ot_b: basic expenditure paid from 其他收入
# --------------------------------------------------------------------------------------------

DOC_A = {
    "stem": "dept_a_2022",
    "department": "洛阳市洛龙区政务服务中心",
    "year": 2022,
    "date_line": "二〇二三年九月",
    "items": [
        ("2010350", "事业运行", dict(gp_b=176.73, gp_j=364.22)),
        ("2012906", "工会事务", dict(gp_b=2.39)),
        ("2080505", "机关事业单位基本养老保险缴费支出", dict(gp_b=17.15)),
        ("2080704", "社会保险补贴", dict(gp_j=0.93)),
        ("2080705", "公益性岗位补贴", dict(gp_j=1.20)),
        ("2101102", "事业单位医疗", dict(gp_b=8.68)),
        ("2210201", "住房公积金", dict(gp_b=12.33)),
    ],
    "econ": {  # leaf values; group rows (301, 302, ...) are sums
        "30101": 106.58, "30102": 2.57, "30103": 48.00, "30106": 4.58, "30107": 7.57,
        "30108": 17.15, "30110": 8.68, "30112": 0.94, "30113": 12.33,
        "30201": 3.53, "30226": 0.02, "30227": 0.12, "30228": 2.39, "30229": 2.82,
    },
    "three_public": {"预算数": [1.50, 0.00, 1.50, 0.00, 1.50, 0.00],
                     "决算数": [0.00, 0.00, 0.00, 0.00, 0.00, 0.00]},
    "totals": {"all": 583.63, "basic": 217.28, "person": 208.40, "public": 8.88},
}

DOC_B = {
    "stem": "dept_b_2023",
    "department": "吉林省政务服务和数字化建设服务中心",
    "year": 2023,
    "date_line": "2024年08月28日",
    "items": [
        ("2010302", "一般行政管理事务", dict(gp_j=1.35)),
        ("2010350", "事业运行", dict(gp_p=45.84)),
        ("2010399", "其他政府办公厅（室）及相关机构事务支出", dict(gp_p=188.82, gp_u=28.85, gp_j=41823.36)),
        ("2013799", "其他网信事务支出", dict(gp_j=468.90)),
        ("2080505", "机关事业单位基本养老保险缴费支出", dict(gp_p=14.18)),
        ("2101102", "事业单位医疗", dict(gp_p=8.18)),
        ("2210201", "住房公积金", dict(gp_p=11.33)),
    ],
    "econ": {
        "30101": 109.79, "30102": 4.67, "30103": 50.86, "30107": 56.48, "30108": 14.18,
        "30110": 8.18, "30112": 2.78, "30113": 11.33, "30114": 3.20, "30199": 6.88,
        "30201": 11.24, "30202": 0.49, "30203": 0.25, "30204": 0.01, "30211": 10.11,
        "30213": 0.18, "30216": 0.13, "30226": 2.14, "30228": 2.46, "30229": 1.43,
        "30239": 0.31, "30240": 0.03, "30299": 0.07,
    },
    "three_public": {"预算数": [None] * 6, "决算数": [None] * 6},  # published blank
    "totals": {"all": 42590.81, "basic": 297.20, "person": 268.35, "public": 28.85},
}

DOC_C = {
    "stem": "dept_c_2023",
    "department": "曾都区政务服务和大数据管理局",
    "year": 2023,
    "date_line": "二〇二四年九月",
    "items": [
        ("2010301", "行政运行", dict(gp_b=136.68, ot_b=4.96)),
        ("2010302", "一般行政管理事务", dict(gp_j=202.74)),
        ("2010350", "事业运行", dict(gp_b=95.80)),
        ("2010399", "其他政府办公厅（室）及相关机构事务支出", dict(gp_j=127.70)),
        ("2010702", "一般行政管理事务", dict(gp_j=94.23)),
        ("2080501", "行政单位离退休", dict(gp_b=5.44)),
        ("2080505", "机关事业单位基本养老保险缴费支出", dict(gp_b=21.69)),
        ("2080506", "机关事业单位职业年金缴费支出", dict(gp_b=2.57)),
        ("2101101", "行政单位医疗", dict(gp_b=7.84)),
        ("2101102", "事业单位医疗", dict(gp_b=5.43)),
        ("2210201", "住房公积金", dict(gp_b=16.27)),
        # invented so that the 政府性基金 / 国有资本经营 tables are filled (and consistent)
        ("2230199", "其他解决历史遗留问题及改革成本支出", dict(sc_j=5.00)),
        ("2296002", "用于社会福利的彩票公益金支出", dict(gf_j=12.00)),
    ],
    "econ": {
        "30101": 42.27, "30102": 23.60, "30103": 81.87, "30106": 0.34, "30107": 13.58,
        "30108": 21.69, "30109": 2.57, "30110": 12.64, "30111": 0.63, "30112": 0.11,
        "30113": 16.27, "30199": 54.49, "30302": 5.44,
        "30201": 1.00, "30202": 0.20, "30207": 0.67, "30211": 2.44, "30213": 0.13,
        "30217": 0.10, "30226": 0.06, "30228": 4.18, "30229": 4.35, "30239": 1.45, "30299": 1.64,
    },
    "three_public": {"预算数": [0.14, 0.00, 0.00, 0.00, 0.00, 0.14],
                     "决算数": [0.10, 0.00, 0.00, 0.00, 0.00, 0.10]},
    "totals": {"all": 738.35, "basic": 296.68, "person": 275.50, "public": 16.22},
}

# Performance self-evaluations. Indicator rows: (level1, level2, indicator, target, actual,
# weight, score, deviation%, note). level1/level2 None = merged with the row above.
PERF_A = [
    {
        "name": "洛龙智慧政务", "competent": "洛龙区政府服务中心", "implementing": "洛龙区政府服务中心",
        "funds": [("年度资金总额（万元）：", 47.72, 47.72, 44.51, "10", "93.27", "9.33"),
                  ("政府性预算资金", 47.72, 47.72, 44.51, "-", "93.27", "-"),
                  ("财政专户管理资金", 0, 0, 0, "-", "0", "-"),
                  ("单位资金", 0, 0, 0, "-", "0", "-")],
        "goal": "为保障全年政务服工作深入、系统的开展，助推全区营商环境进一步优化，保证“智慧洛龙”系统、"
                "“惠服务平台”系统、“好差评”系统、大厅无声叫号系统、中心网络安全系统的良好运行。",
        "actual_goal": "为保障全年政务服工作深入、系统的开展，助推全区营商环境进一步优化，保证“智慧洛龙”系统、"
                       "“惠服务平台”系统、“好差评”系统、大厅无声叫号系统、中心网络安全系统的良好运行。",
        "indicators": [
            ("成本指标", "经济成本", "全年系统维护费控制", "≤47.72万元", "44.51万元", "10", "10", "0.00%", ""),
            (None, "社会成本", "", "", "", "", "", "", ""),
            (None, "生态环境成本", "", "", "", "", "", "", ""),
            ("产出指标", "数量指标", "中心政务服务及安全等系统", "5个", "5个", "10", "10", "0.00%", ""),
            (None, "质量指标", "政务中心系统运行正常", "系统运行良好", "100%", "10", "10", "0.00%", ""),
            (None, "时效指标", "确保中心系统正常运行时间", "12个月", "12个月", "10", "10", "0.00%", ""),
            ("效益指标", "经济效益", "", "", "", "", "", "", ""),
            (None, "社会效益", "优化我区营商环境为人民服务", "持续优化", "100%", "15", "15", "0.00%", ""),
            (None, "生态效益", "注重绿色环保", "业务线上办理，倡导节约办公", "100%", "10", "10", "0.00%", ""),
            ("满意度指标", "服务对象满意度", "办事群众满意度", "≥96%", "96%", "3", "3", "0.00%", ""),
            (None, None, "窗口工作人员满意度", "≥98%", "98%", "2", "2", "0.00%", ""),
        ],
        "total": ("100", "99.3"),
    },
    {
        "name": "实体大厅改造", "competent": "洛龙区政务服务中心", "implementing": "洛龙区政务服务中心",
        "funds": [("年度资金总额（万元）：", 80, 80, 55.77, "10", "69.71", "6.97"),
                  ("政府性预算资金", 80, 80, 55.77, "-", "69.71", "-"),
                  ("财政专户管理资金", 0, 0, 0, "-", "0", "-"),
                  ("单位资金", 0, 0, 0, "-", "0", "-")],
        "goal": "按上级要求改造政务服务大厅",
        "actual_goal": "按上级要求改造政务服务大厅",
        "indicators": [
            ("成本指标（10分）", "经济成本指标", "维修改造成本", "≤80万元", "55.77万元", "10", "10", "0.00%", ""),
            ("产出指标（30分）", "数量指标", "维修改造数量", "≥720平方米", "720平方米", "10", "10", "0.00%", ""),
            (None, "质量指标", "维修改造质量合格率", "100%", "100%", "10", "10", "0.00%", ""),
            (None, "时效指标", "维修改造时间", "50天", "50天", "10", "10", "0.00%", ""),
            ("效益指标（25分）", "社会效益指标", "提升政务大厅整体环境", "效果明显", "100%", "25", "25", "0.00%", ""),
            ("满意度指标（5分）", "服务对象满意度指标", "窗口工作人员满意度", "≥96%", "96%", "3", "3", "0.00%", ""),
            (None, None, "办事群众满意度", "≥96%", "98%", "2", "2", "0.00%", ""),
        ],
        "total": ("100", "96.97"),
    },
]

PERF_B = [
    {
        "name": "12342营商环境监督投诉举报电话运营服务费",
        "implementing": "吉林省政务服务和数字化建设服务中心",
        "funds": [("当年财政拨款", "61.20", "61.20", "61.20", "100.00%"),
                  ("上年结转资金", "0.00", "0.00", "0.00", "0.00%"),
                  ("其他资金", "0.00", "0.00", "0.00", "0.00%"),
                  ("年度资金总和", "61.20", "61.20", "61.20", "100.00%")],
        "goal": "全力做好12342营商环境投诉举报电话运行服务工作",
        "actual_goal": "已全力做好12342营商环境投诉举报电话运行服务工作。",
        "indicators": [
            ("产出指标", "数量指标", "“12342”投诉举报电话接听率", ">=88%", "98.78%", ""),
            (None, None, "首次解答率", ">=80%", "99.19%", ""),
            (None, "质量指标", "工单派发准确率", ">=95%", "100%", ""),
            ("效益指标", "社会效益指标", "全年稳定运行天数", ">=360天", "365天", ""),
            ("满意度指标", "服务对象满意度指标", "“12342”投诉举报电话服务对象满意度", ">=95%", "99.68%", ""),
        ],
    },
    {
        "name": "吉林省电子政务外网服务项目",
        "implementing": "吉林省政务服务和数字化建设服务中心",
        "funds": [("当年财政拨款", "1,436.23", "1,436.23", "1,432.94", "99.77%"),
                  ("上年结转资金", "0.00", "0.00", "0.00", "0.00%"),
                  ("其他资金", "0.00", "0.00", "0.00", "0.00%"),
                  ("年度资金总和", "1,436.23", "1,436.23", "1,432.94", "99.77%")],
        "goal": "目标1：实现电子政务外网安全、可靠运行。目标2：为电子政务外网上运行的业务系统提供安全、可靠保障。",
        "actual_goal": "目标1：完成电子政务外网可靠安全运行。目标2：电子政务外网为网络内的多个系统提供安全可靠的传输保障。",
        "indicators": [
            ("成本指标", "经济成本指标", "电子政务广域网运维服务总成本", "≤1436.23万元", "1432.94万元", ""),
            ("产出指标", "数量指标", "广域网覆盖率", "≥85%", "100%", ""),
            (None, None, "广域网中断次数", "≤5次", "1次",
             "省-市级电路，采用多运营商组网，才出现一次，改进措施：来年指标设置会更精确"),
            (None, None, "广域网运维工作响应率", "≥75%", "100%",
             "采用专人并建立问题通报处理流程，所以及时响应率有所提高。改进措施：来年指标设置会更精确"),
            (None, "质量指标", "广域网链路带宽", "≥10G", "11G", ""),
            (None, "时效指标", "故障处理时长", "≤24小时", "12小时",
             "省级城域网采用多运营商承载业务，所以处理时长不会太长，改进措施：来年指标设置会更精确"),
            ("效益指标", "社会效益指标", "电子政务广域网正常运行天数", "≥360天", "365天", ""),
        ],
    },
]

PERF_C = [
    {
        "title": "2023年度12345热线工作专项经费项目绩效自评表",
        "name": "12345热线工作专项经费", "competent": "区政府",
        "implementing": "曾都区政务服务和大数据管理局", "date": "2024.3.13",
        "funds": ("年度财政资金总额", "10", "9.98", "99.80%"),
        "indicators": [
            ("产出指标", "数量指标", "12345热线工作人员培训", "2次", "2次"),
            (None, "质量指标", "提高人员业务水平", "100%", "100%"),
            (None, "时效指标", "按时办结率", "100%", "100%"),
            (None, "成本指标", "", "", ""),
            ("效益指标", "经济效益指标", "", "", ""),
            (None, "社会效益指标", "群众满意度", "100%", "100%"),
            (None, "生态效益指标", "", "", ""),
            ("满意度指标", "社会公众或服务对象满意度指标", "办事群众对热线服务满意度", "≥95%", "98%"),
        ],
    },
    {
        "title": "2023年度电子政务外网OA系统使用费项目绩效自评表",
        "name": "电子政务外网OA系统使用费", "competent": "区政府",
        "implementing": "曾都区政务服务和大数据管理局", "date": "2024.3.13",
        "funds": ("年度财政资金总额", "11", "11", "100%"),
        "indicators": [
            ("产出指标", "数量指标", "系统建设", "100%", "100%"),
            (None, "质量指标", "保障全区政务服务网OA系统稳定运行", "100%", "100%"),
            (None, "时效指标", "保障政务服务OA系统全年正常使用", "12个月", "12个月"),
            ("效益指标", "社会效益指标", "提升机关办公效率", "有效提升", "有效提升"),
            ("满意度指标", "社会公众或服务对象满意度指标", "群众满意度", "100%", "100%"),
        ],
    },
]

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

_ENUM = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、．.]"
                   r"|\d+[、.．](?!\d)|[（(]\d+[）)])")
_CN = "一二三四五六七八九十"


def cn_num(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    if n < 20:
        return "十" + _CN[n - 11]
    tens, ones = divmod(n, 10)
    return _CN[tens - 1] + "十" + (_CN[ones - 1] if ones else "")


def clean(s: str) -> str:
    return "".join(s.split())


def row_label(s: str) -> str:
    s = clean(s)
    return _ENUM.sub("", s, count=1)


def r2(x: float) -> float:
    return round(x + 0.0, 2)


def parse_num(text: str):
    s = clean(text).replace(",", "")
    if s in ("", "-", "—", "/"):
        return None
    if s.endswith("%"):
        s = s[:-1]
    v = float(s)
    return int(v) if v.is_integer() else round(v, 6)


def money(v, unit: str, blank_zero: bool = False) -> str:
    if v is None:
        return ""
    if unit == "元":
        v = v * 10000
    v = round(v, 2)
    if blank_zero and v == 0:
        return ""
    return f"{v:,.2f}"


def wrap(text: str, size: float, width: float) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if line and FONT.text_length(line + ch, size) > width:
                out.append(line)
                line = ch
            else:
                line += ch
        out.append(line)
    return out


# --------------------------------------------------------------------------------------------
# Table model and renderer
# --------------------------------------------------------------------------------------------


class C:
    """A cell: text, spans, alignment, and optionally the fact / record it carries."""

    def __init__(self, text="", cs=1, rs=1, al=None, fact=None, rec=None, size=None):
        self.text = str(text)
        self.cs, self.rs = cs, rs
        self.al = al
        self.fact = fact  # dict(section,row_label,subject_code,column) for a fiscal fact
        self.rec = rec  # a record dict whose "page" is filled in after layout
        self.size = size
        self.r = self.c = -1


class Table:
    def __init__(self, key, title, unit, widths, rows, *, header_rows=0, size=7.5,
                 pre=None, post=None, breaks=(), landscape=False, kind="fiscal", rules="full"):
        self.key, self.title, self.unit = key, title, unit
        self.widths = widths
        self.rows = rows  # list[list[C]]
        self.header_rows = header_rows
        self.size = size
        self.pre = pre or []  # header block lines: list of list[(text, align, size)]
        self.post = post or []  # lines after the table
        self.breaks = set(breaks)  # body row indexes (absolute) that start a new page
        self.landscape = landscape
        self.kind = kind
        # "full": every cell ruled (stroked lines); "columns": a partially ruled frame, column
        # rules drawn as thin filled rectangles, horizontal ones only at the top, inside the
        # header (under merged cells), under the header and at the bottom
        self.rules = rules
        self.page_start = self.page_end = None


def header_from_paths(paths: list[list[str]]) -> list[list[C]]:
    """HTML-style header rows from column paths (group names top to bottom)."""
    depth = max(len(p) for p in paths)
    rows: list[list[C]] = [[] for _ in range(depth)]
    for lvl in range(depth):
        k = 0
        while k < len(paths):
            p = paths[k]
            if len(p) <= lvl:
                k += 1
                continue
            j = k + 1
            while (j < len(paths) and len(paths[j]) > lvl and paths[j][: lvl + 1] == p[: lvl + 1]
                   and len(p) > lvl + 1 and len(paths[j]) > lvl + 1):
                j += 1
            rs = depth - lvl if len(p) == lvl + 1 else 1
            rows[lvl].append(C(p[lvl], cs=j - k, rs=rs, al="c"))
            k = j
    return rows


class Renderer:
    """Lays out and draws tables onto pages of one document."""

    def __init__(self):
        self.doc = pymupdf.open()
        self.writers: dict[int, pymupdf.TextWriter] = {}
        self.lines: dict[int, list] = {}
        self.rects: dict[int, list] = {}  # rules drawn as filled rectangles

    # pages -----------------------------------------------------------------------------
    def new_page(self, landscape=False) -> int:
        w, h = LANDSCAPE if landscape else PORTRAIT
        page = self.doc.new_page(width=w, height=h)
        self.writers[page.number] = pymupdf.TextWriter(page.rect)
        self.lines[page.number] = []
        self.rects[page.number] = []
        return page.number

    def text(self, pno, x, y, s, size, align="l", width=None):
        """Draw one line; y is the top of the line box."""
        if not s:
            return
        tl = FONT.text_length(s, size)
        if align == "r":
            x = x + width - tl
        elif align == "c":
            x = x + (width - tl) / 2
        self.writers[pno].append((x, y + size * 0.95), s, font=FONT, fontsize=size)

    def header_block(self, pno, lines, y) -> float:
        pw = self.doc[pno].rect.width
        w = pw - 2 * MARGIN_X
        for line in lines:
            size = max(sz for _, _, sz in line)
            for s, al, sz in line:
                self.text(pno, MARGIN_X, y + (size - sz), s, sz, al, w)
            y += size * 1.55
        return y

    # tables ----------------------------------------------------------------------------
    def draw_table(self, t: Table, y: float, pno: int) -> tuple[int, float]:
        ncols = len(t.widths)
        nrows = len(t.rows)
        owner = [[None] * ncols for _ in range(nrows)]
        cells: list[C] = []
        for r, row in enumerate(t.rows):
            c = 0
            for cell in row:
                while c < ncols and owner[r][c] is not None:
                    c += 1
                if c + cell.cs > ncols:
                    raise ValueError(f"{t.title}: row {r} overflows ({[x.text for x in row]})")
                cell.r, cell.c = r, c
                for rr in range(r, r + cell.rs):
                    for cc in range(c, c + cell.cs):
                        if owner[rr][cc] is not None:
                            raise ValueError(f"{t.title}: overlap at {rr},{cc}")
                        owner[rr][cc] = len(cells)
                cells.append(cell)
                c += cell.cs
            if any(o is None for o in owner[r]):
                raise ValueError(f"{t.title}: row {r} short ({[x.text for x in row]})")
        xs = [MARGIN_X]
        for w in t.widths:
            xs.append(xs[-1] + w)
        pad = 2.0
        base = t.size * 1.9
        heights = [base] * nrows
        wrapped = {}
        for i, cell in enumerate(cells):
            size = cell.size or t.size
            width = xs[cell.c + cell.cs] - xs[cell.c] - 2 * pad
            al = cell.al or ("l" if not _looks_numeric(cell.text) else "r")
            cell.al = al
            if al == "r" and FONT.text_length(cell.text, size) > width + 0.01:
                raise ValueError(f"{t.title}: number {cell.text!r} does not fit ({width:.1f}pt)")
            lines = wrap(cell.text, size, width) if cell.text else []
            wrapped[i] = lines
            need = max(base, len(lines) * size * 1.22 + 2 * pad + 1)
            if cell.rs == 1:
                heights[cell.r] = max(heights[cell.r], need)
        for i, cell in enumerate(cells):
            if cell.rs > 1:
                size = cell.size or t.size
                need = len(wrapped[i]) * size * 1.22 + 2 * pad + 1
                have = sum(heights[cell.r:cell.r + cell.rs])
                if need > have:
                    heights[cell.r + cell.rs - 1] += need - have
        # paginate
        page_h = self.doc[pno].rect.height
        row_page, row_y = [0] * nrows, [0.0] * nrows
        for r in range(nrows):
            if r > 0 and (r in t.breaks or y + heights[r] > page_h - MARGIN_BOTTOM):
                if r < t.header_rows:
                    raise ValueError(f"{t.title}: header does not fit")
                for cc in range(ncols):
                    if owner[r][cc] == owner[r - 1][cc]:
                        raise ValueError(f"{t.title}: page break inside a merged cell at row {r}")
                pno = self.new_page(t.landscape)
                y = MARGIN_TOP
            row_page[r], row_y[r] = pno, y
            y += heights[r]
        # rulings, per page segment
        segs: dict[int, list[int]] = {}
        for r in range(nrows):
            segs.setdefault(row_page[r], []).append(r)
        for p, rows in segs.items():
            if t.rules == "columns":
                self._column_rules(t, p, rows, owner, xs, row_y, heights)
                continue
            hl, vl = [], []
            for r in rows:
                top, bot = row_y[r], row_y[r] + heights[r]
                for cc in range(ncols):
                    if r == rows[0] or owner[r - 1][cc] != owner[r][cc]:
                        hl.append((top, xs[cc], xs[cc + 1]))
                    if r == rows[-1]:
                        hl.append((bot, xs[cc], xs[cc + 1]))
                for cc in range(ncols + 1):
                    if cc in (0, ncols) or owner[r][cc - 1] != owner[r][cc]:
                        vl.append((xs[cc], top, bot))
            self.lines[p].extend(("h",) + s for s in _merge(hl))
            self.lines[p].extend(("v",) + s for s in _merge(vl))
        # text
        for i, cell in enumerate(cells):
            p = row_page[cell.r]
            size = cell.size or t.size
            x0, x1 = xs[cell.c], xs[cell.c + cell.cs]
            top = row_y[cell.r]
            h = sum(heights[cell.r:cell.r + cell.rs])
            lines = wrapped[i]
            ty = top + (h - len(lines) * size * 1.22) / 2 + size * 0.11
            for k, ln in enumerate(lines):
                self.text(p, x0 + pad, ty + k * size * 1.22, ln, size, cell.al, x1 - x0 - 2 * pad)
            if cell.fact is not None:
                cell.fact["page"] = p + 1
            if cell.rec is not None:
                cell.rec["page"] = p + 1
        t.page_start = row_page[0] + 1
        t.page_end = row_page[-1] + 1
        return pno, y

    def _column_rules(self, t: Table, p, rows, owner, xs, row_y, heights, w=0.5):
        """A partially ruled table's rules on one page: no rule between body rows."""
        ncols = len(xs) - 1
        top, bottom = row_y[rows[0]], row_y[rows[-1]] + heights[rows[-1]]
        hl = [(top, xs[0], xs[-1]), (bottom, xs[0], xs[-1])]
        head = [r for r in rows if r < t.header_rows]
        if head and head[-1] != rows[-1]:
            hl.append((row_y[head[-1]] + heights[head[-1]], xs[0], xs[-1]))
        for r in head[1:]:
            hl += [(row_y[r], xs[cc], xs[cc + 1]) for cc in range(ncols) if owner[r - 1][cc] != owner[r][cc]]
        vl = []
        for r in rows:
            for cc in range(ncols + 1):
                if cc in (0, ncols) or owner[r][cc - 1] != owner[r][cc]:
                    vl.append((xs[cc], row_y[r], row_y[r] + heights[r]))
        self.rects[p] += [(a, pos - w / 2, b, pos + w / 2) for pos, a, b in _merge(hl)]
        self.rects[p] += [(pos - w / 2, a, pos + w / 2, b) for pos, a, b in _merge(vl)]

    def finish(self) -> bytes:
        for pno, tw in self.writers.items():
            page = self.doc[pno]
            if self.rects[pno]:
                shape = page.new_shape()
                for rect in self.rects[pno]:
                    shape.draw_rect(pymupdf.Rect(*rect))
                shape.finish(color=None, fill=(0, 0, 0), width=0)
                shape.commit()
            if self.lines[pno]:
                shape = page.new_shape()
                for kind, a, b, c in self.lines[pno]:
                    if kind == "h":
                        shape.draw_line((b, a), (c, a))
                    else:
                        shape.draw_line((a, b), (a, c))
                shape.finish(color=(0, 0, 0), width=LINE_W, closePath=False)
                shape.commit()
            tw.write_text(page)
        self.doc.subset_fonts()
        self.doc.set_metadata(METADATA)
        return self.doc.tobytes(garbage=3, deflate=True, no_new_id=True)


def _looks_numeric(s: str) -> bool:
    return bool(re.fullmatch(r"-?[\d,]+(\.\d+)?%?", s))


def _merge(segs):
    """Merge collinear touching segments (pos, a, b)."""
    out = []
    for pos, a, b in sorted(set((round(p, 3), round(a, 3), round(b, 3)) for p, a, b in segs)):
        if out and out[-1][0] == pos and abs(out[-1][2] - a) < 1e-6:
            out[-1][2] = max(out[-1][2], b)
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]


# --------------------------------------------------------------------------------------------
# Building the 决算 tables
# --------------------------------------------------------------------------------------------


class Model:
    def __init__(self, d):
        self.d = d
        self.items = []
        for code, name, v in d["items"]:
            it = dict(code=code, name=name)
            for k in ("gp_p", "gp_u", "gp_b", "gp_j", "gf_j", "sc_j", "ot_b"):
                it[k] = v.get(k, 0.0)
            it["gp_basic"] = r2(it["gp_p"] + it["gp_u"] + it["gp_b"])
            it["gp"] = r2(it["gp_basic"] + it["gp_j"])
            it["fiscal"] = r2(it["gp"] + it["gf_j"] + it["sc_j"])
            it["total"] = r2(it["fiscal"] + it["ot_b"])
            it["basic"] = r2(it["gp_basic"] + it["ot_b"])
            it["project"] = r2(it["gp_j"] + it["gf_j"] + it["sc_j"])
            self.items.append(it)
        self.econ = {}
        for code, _ in ECON_PERSON + ECON_302 + ECON_OTHER:
            if len(code) == 5:
                self.econ[code] = d["econ"].get(code, 0.0)
        for code, _ in ECON_PERSON + ECON_302 + ECON_OTHER:
            if len(code) == 3:
                self.econ[code] = r2(sum(v for k, v in self.econ.items() if len(k) == 5 and k[:3] == code))
        self.person = r2(self.econ["301"] + self.econ["303"])
        self.public = r2(sum(self.econ[k] for k in ("302", "307", "309", "310", "399") if k in self.econ))
        tot = d["totals"]
        assert abs(self.sum("total") - tot["all"]) < 0.005, (d["stem"], self.sum("total"))
        assert abs(self.sum("basic") - tot["basic"]) < 0.005, (d["stem"], self.sum("basic"))
        assert abs(self.person - tot["person"]) < 0.005, (d["stem"], self.person)
        assert abs(self.public - tot["public"]) < 0.005, (d["stem"], self.public)
        assert abs(self.person + self.public - self.sum("gp_basic")) < 0.005, d["stem"]

    def sum(self, field, prefix="", items=None):
        return r2(sum(it[field] for it in (self.items if items is None else items) if it["code"].startswith(prefix)))

    def coded_rows(self, pred):
        """(code, name, items) for 类, 款 and 项 rows over the items that satisfy pred."""
        its = [it for it in self.items if pred(it)]
        out, seen = [], set()
        for it in its:
            for n in (3, 5, 7):
                code = it["code"][:n]
                if code in seen:
                    continue
                seen.add(code)
                name = CLASS_NAME.get(code) if n == 3 else KUAN_NAME.get(code) if n == 5 else it["name"]
                out.append((code, name, [x for x in its if x["code"].startswith(code)]))
        return out


def fact(column, label, code=None, section=""):
    # a row without a name (the 三公 table's single data row) has a null row_label
    return {"section": section, "row_label": row_label(label) or None, "subject_code": code,
            "column": column}


def title_block(style, title, no, dept, unit, year):
    T = [(title, "c", 16)]
    if style == "A":
        return [T, [(f"公开{no:02d}表", "r", 9)], [(f"单位：{unit}", "r", 9)],
                [(f"部门名称：{dept}", "l", 9), (f"{year}年度", "c", 9)]]
    if style == "B":
        return [T, [(f"公开{no:02d}表", "r", 9)],
                [(f"部门名称：{dept}", "l", 9), (f"单位：{unit}", "r", 9)]]
    return [T, [(f"部门名称：{dept}", "l", 9), (f"公开{no:02d}表    单位：{unit}", "r", 9)]]


def coded_table(m: Model, *, key, title, no, style, unit, codes, value_paths, canon, values,
                pred, lanci=True, total_in_name=False, blank_zero=False, widths=None, size=7.5,
                breaks_before_code=(), post=None, empty=False):
    """A table with subject-code rows (收入决算表, 支出决算表, 一般公共预算…, 基金, 国资)."""
    d = m.d
    if codes == "split":
        label_paths = [["科目编码", "类"], ["科目编码", "款"], ["科目编码", "项"], ["科目名称"]]
        label_w = [24, 18, 18, 118]
    else:
        label_paths = [["项目", "科目代码"], ["项目", "科目名称"]]
        label_w = [40, 132]
    nl = len(label_paths)
    if widths is None:
        rest = PORTRAIT[0] - 2 * MARGIN_X - sum(label_w)
        widths = label_w + [rest / len(value_paths)] * len(value_paths)
    rows = header_from_paths(label_paths + value_paths)
    hdr = len(rows)
    if lanci:
        rows.append([C("栏次", cs=nl, al="c")] + [C(str(i + 1), al="c") for i in range(len(value_paths))])
    breaks = []
    # 合计
    tot_vals = values(m.items if not empty else [])
    lead = [C("") for _ in range(nl - 1)] + [C("合计", al="c")] if total_in_name else [C("合计", cs=nl, al="c")]
    rows.append(lead + [
        C("" if empty else money(v, unit, blank_zero), fact=None if empty else fact(col, "合计"))
        for col, v in zip(canon, tot_vals)])
    if not empty:
        for code, name, its in m.coded_rows(pred):
            if code in breaks_before_code:
                breaks.append(len(rows))
            if codes == "split":
                parts = [code[:3], code[3:5], code[5:7]]
                lab = [C(x, al="l") for x in parts] + [C(name)]
            else:
                lab = [C(code, al="l"), C(name)]
            vals = values(its)
            row = lab
            for col, v in zip(canon, vals):
                txt = money(v, unit, blank_zero)
                row.append(C(txt, fact=fact(col, name, code) if txt else None))
            rows.append(row)
    for row in rows:
        for cell in row:
            if cell.fact is not None and not cell.text:
                cell.fact = None
    return Table(key, title, unit, widths, rows, header_rows=hdr, size=size,
                 pre=title_block(style, title, no, d["department"], unit, d["year"]),
                 post=post or [], breaks=breaks)


def summary_table(m: Model, *, style, unit, compact=False, blank_zero=False, breaks_at=None):
    """收入支出决算总表 (收入 | 支出 halves)."""
    d = m.d
    amount = "决算数" if style == "A" else "金额"
    paths = [["收入", "项目"], ["收入", "行次"], ["收入", amount],
             ["支出", "项目"], ["支出", "行次"], ["支出", amount]]
    rows = header_from_paths(paths)
    hdr = len(rows)
    rows.append([C("栏次", al="c"), C(""), C("1", al="c"), C("栏次", al="c"), C(""), C("2", al="c")])
    gp, gf, sc = m.sum("gp"), m.sum("gf_j"), m.sum("sc_j")
    ot = m.sum("ot_b")
    income = [("一、一般公共预算财政拨款收入", gp), ("二、政府性基金预算财政拨款收入", gf),
              ("三、国有资本经营预算财政拨款收入", sc), ("四、上级补助收入", 0.0), ("五、事业收入", 0.0),
              ("六、经营收入", 0.0), ("七、附属单位上缴收入", 0.0), ("八、其他收入", ot)]
    used = {it["code"][:3] for it in m.items}
    classes = CLASSES if not compact else [c for c in CLASSES if c[0] in
                                            ("201", "202", "203", "204", "205", "206", "207", "208",
                                             "210", "211", "220", "221")]
    assert used <= {c for c, _ in classes}
    spend = [(f"{cn_num(i + 1)}、{name}", m.sum("total", code)) for i, (code, name) in enumerate(classes)]
    total = m.sum("total")
    left = income + [("", None)] * (len(spend) - len(income))
    left += [("本年收入合计", total),
             ("使用非财政拨款结余" if style == "A" else "使用非财政拨款结余和专用结余", 0.0),
             ("年初结转和结余", 0.0), ("", None), ("总计", total)]
    right = spend + [("本年支出合计", total), ("结余分配", 0.0), ("年末结转和结余", 0.0), ("", None),
                     ("总计", total)]
    n = len(left)
    breaks = []
    for i in range(n):
        if breaks_at is not None and i == breaks_at:
            breaks.append(len(rows))
        row = []
        for (lab, v), ln, sec in ((left[i], i + 1, "收入"), (right[i], n + i + 1, "支出")):
            txt = money(v, unit, blank_zero)
            row += [C(lab), C(str(ln), al="c"), C(txt, fact=fact("决算数", lab, None, sec) if txt else None)]
        rows.append(row)
    w = PORTRAIT[0] - 2 * MARGIN_X
    widths = [w * 0.31, w * 0.06, w * 0.13, w * 0.31, w * 0.06, w * 0.13]
    return Table("income_expenditure_summary", "收入支出决算总表", unit, widths, rows, header_rows=hdr,
                 pre=title_block(style, "收入支出决算总表", 1, d["department"], unit, d["year"]),
                 breaks=breaks, size=7.5)


def fiscal_summary_table(m: Model, *, style, unit, compact=False, blank_zero=False, grouped=False):
    """财政拨款收入支出决算总表 (收入 half | 支出 half with 4 columns)."""
    d = m.d
    amount = "决算数" if style == "A" else "金额"
    cols = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    right_paths = ([["支出", "决算数", c] for c in cols] if grouped else [["支出", c] for c in cols])
    paths = [["收入", "项目"], ["收入", "行次"], ["收入", amount], ["支出", "项目"], ["支出", "行次"]]
    rows = header_from_paths(paths + right_paths)
    hdr = len(rows)
    rows.append([C("栏次", al="c"), C(""), C("1", al="c"), C("栏次", al="c"), C("")]
                + [C(str(i + 2), al="c") for i in range(4)])
    gp, gf, sc = m.sum("gp"), m.sum("gf_j"), m.sum("sc_j")
    fiscal = r2(gp + gf + sc)
    classes = CLASSES if not compact else [c for c in CLASSES if c[0] in
                                            ("201", "202", "203", "204", "205", "206", "207", "208",
                                             "210", "211", "220", "221")]
    income = [("一、一般公共预算财政拨款", gp), ("二、政府性基金预算财政拨款", gf),
              ("三、国有资本经营预算财政拨款", sc)]
    left = income + [("", None)] * (len(classes) - len(income))
    left += [("本年收入合计", fiscal), ("年初财政拨款结转和结余", 0.0), ("一般公共预算财政拨款", 0.0),
             ("政府性基金预算财政拨款", 0.0), ("国有资本经营预算财政拨款", 0.0), ("总计", fiscal)]
    right = []
    for i, (code, name) in enumerate(classes):
        right.append((f"{cn_num(i + 1)}、{name}",
                      [m.sum("fiscal", code), m.sum("gp", code), m.sum("gf_j", code), m.sum("sc_j", code)]))
    right += [("本年支出合计", [fiscal, gp, gf, sc]), ("年末财政拨款结转和结余", [0.0] * 4),
              ("", None), ("", None), ("", None), ("总计", [fiscal, gp, gf, sc])]
    n = len(left)
    for i in range(n):
        lab, v = left[i]
        txt = money(v, unit, blank_zero)
        row = [C(lab), C(str(i + 1), al="c"), C(txt, fact=fact("决算数", lab, None, "收入") if txt else None)]
        lab, vs = right[i]
        row += [C(lab), C(str(n + i + 1), al="c")]
        for col, v in zip(cols, vs or [None] * 4):
            txt = money(v, unit, blank_zero)
            row.append(C(txt, fact=fact(col, lab, None, "支出") if txt else None))
        rows.append(row)
    w = PORTRAIT[0] - 2 * MARGIN_X
    widths = [w * 0.20, w * 0.045, w * 0.095, w * 0.20, w * 0.045] + [w * 0.415 / 4] * 4
    return Table("fiscal_appropriation_summary", "财政拨款收入支出决算总表", unit, widths, rows,
                 header_rows=hdr, size=7,
                 pre=title_block(style, "财政拨款收入支出决算总表", 4, d["department"], unit, d["year"]))


def basic_table(m: Model, *, style, unit, groups=3, title="一般公共预算财政拨款基本支出决算明细表",
                blank_zero=False, size=7.0):
    d = m.d

    def entries(lst):
        out = []
        for code, name in lst:
            v = m.econ[code]
            sec = "人员经费" if code[:3] in ("301", "303") else "公用经费"
            txt = money(v, unit, blank_zero)
            out.append((code, name, txt, fact("决算数", name, code, sec) if txt else None))
        return out

    if groups == 3:
        lists = [entries(ECON_PERSON), entries(ECON_302), entries(ECON_OTHER)]
        paths = [["人员经费", h] for h in ("科目编码", "科目名称", "决算数")] + \
                [["公用经费", h] for h in ("科目编码", "科目名称", "决算数")] * 2
        w = PORTRAIT[0] - 2 * MARGIN_X
        widths = [w * 0.07, w * 0.16, w * 0.1] * 3
    else:
        lists = [entries(ECON_PERSON), entries(ECON_302 + ECON_OTHER)]
        paths = [["人员经费", h] for h in ("科目编码", "科目名称", "决算数")] + \
                [["公用经费", h] for h in ("科目编码", "科目名称", "决算数")]
        widths = [38, 150, 64] * 2
    rows = header_from_paths(paths)
    hdr = len(rows)
    n = max(len(x) for x in lists)
    for i in range(n):
        row = []
        for lst in lists:
            if i < len(lst):
                code, name, txt, f = lst[i]
                row += [C(code, al="l"), C(name), C(txt, fact=f)]
            else:
                row += [C(""), C(""), C("")]
        rows.append(row)
    pt = money(m.person, unit, blank_zero)
    ut = money(m.public, unit, blank_zero)
    rows.append([C("人员经费合计", cs=2, al="c"), C(pt, fact=fact("决算数", "人员经费合计", None, "人员经费")),
                 C("公用经费合计", cs=len(paths) - 4, al="c"),
                 C(ut, fact=fact("决算数", "公用经费合计", None, "公用经费"))])
    return Table("general_budget_basic_expenditure", title, unit, widths, rows, header_rows=hdr, size=size,
                 pre=title_block(style, title, 6, d["department"], unit, d["year"]))


def three_public_table(m: Model, *, style, unit, landscape=False, variant="维护"):
    d = m.d
    car = "公务用车购置及运行维护费" if variant == "维护" else "公务用车购置及运行费"
    run = "公务用车运行维护费" if variant == "维护" else "公务用车运行费"
    canon = ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"]
    paths = []
    for half in ("预算数", "决算数"):
        paths += [[half, "合计"], [half, "因公出国（境）费"], [half, car, "小计"], [half, car, "公务用车购置费"],
                  [half, car, run], [half, "公务接待费"]]
    rows = header_from_paths(paths)
    hdr = len(rows)
    rows.append([C(str(i + 1), al="c") for i in range(12)])
    row = []
    for half in ("预算数", "决算数"):
        for col, v in zip(canon, d["three_public"][half]):
            txt = money(v, unit)
            row.append(C(txt, fact=fact(col, "", None, half) if txt else None))
    rows.append(row)
    w = (LANDSCAPE if landscape else PORTRAIT)[0] - 2 * MARGIN_X
    return Table("three_public", "财政拨款“三公”经费支出决算表", unit, [w / 12] * 12, rows, header_rows=hdr,
                 size=7.5, landscape=landscape,
                 pre=title_block(style, "财政拨款“三公”经费支出决算表", 9, d["department"], unit, d["year"]),
                 post=[[("注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，"
                         "反映按规定程序调整后的预算数；", "l", 7.5)],
                       [("决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。", "l", 7.5)]])


# --- performance tables -----------------------------------------------------------------------


def _indicator_block(ind_rows, make_tail):
    """Indicator rows with merged level1 / level2 cells. Returns (rows, records)."""
    n = len(ind_rows)
    rows, recs = [], []
    # spans
    l1_span, l2_span = [0] * n, [0] * n
    for i, r in enumerate(ind_rows):
        if r[0] is not None:
            j = i + 1
            while j < n and ind_rows[j][0] is None:
                j += 1
            l1_span[i] = j - i
        if r[1] is not None:
            j = i + 1
            while j < n and ind_rows[j][1] is None and ind_rows[j][0] is None:
                j += 1
            l2_span[i] = j - i
    l1 = l2 = None
    for i, r in enumerate(ind_rows):
        row = []
        if r[0] is not None:
            l1 = r[0]
            row.append(C(r[0], rs=l1_span[i], al="c"))
        if r[1] is not None:
            l2 = r[1]
            row.append(C(r[1], rs=l2_span[i], al="c"))
        tail, rec = make_tail(r, clean(re.sub(r"[（(]\d+分[）)]$", "", l1)), clean(l2))
        row += tail
        rows.append(row)
        if rec is not None:
            recs.append(rec)
    return rows, recs


def perf_a(d, p):
    """项目绩效自评表, 002 style (分值/得分/偏差度 columns)."""
    widths = [36, 50, 52, 90, 58, 54, 30, 30, 40, 75]
    rows = [[C("项目名称", cs=2, al="c"), C(p["name"], cs=8)],
            [C("主管部门", cs=2, al="c"), C(p["competent"], cs=3), C("实施单位", al="c"), C(p["implementing"], cs=4)],
            [C("项目资金（万元）", rs=5, al="c"), C("", cs=2), C("年初预算数", al="c"), C("全年预算数", al="c"),
             C("全年执行数", cs=2, al="c"), C("分值", al="c"), C("执行率%", al="c"), C("得分", al="c")]]
    funds = []
    for lab, a, b, c, wgt, rate, score in p["funds"]:
        fmt = lambda v: f"{v:g}" if isinstance(v, (int, float)) else v  # noqa: E731
        rows.append([C(lab, cs=2), C(fmt(a), al="r"), C(fmt(b), al="r"), C(fmt(c), cs=2, al="r"),
                     C(wgt, al="c"), C(rate, al="r"), C(score, al="c")])
        funds.append({"scope": "project", "project_name": p["name"],
                      "funding_source": re.sub(r"[（(]万元[）)]|[：:]$", "", clean(lab)).rstrip("：:"),
                      "budget_initial": parse_num(str(a)), "budget_full_year": parse_num(str(b)),
                      "executed": parse_num(str(c)), "execution_rate": parse_num(rate),
                      "weight": parse_num(wgt), "score": parse_num(score), "unit": "万元"})
    rows.append([C("年度总体目标", rs=2, al="c"), C("预期目标", cs=5, al="c"), C("实际完成情况", cs=4, al="c")])
    rows.append([C(p["goal"], cs=5), C(p["actual_goal"], cs=4)])
    rows.append([C("绩效指标", rs=1 + len(p["indicators"]), al="c")]
                + [C(h, al="c") for h in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                          "得分", "偏差度%", "偏差原因分析及改进措施")])

    def tail(r, l1, l2):
        _, _, ind, tgt, act, wgt, sc, dev, note = r
        cells = [C(ind), C(tgt), C(act), C(wgt, al="c"), C(sc, al="c"), C(dev, al="r"), C(note)]
        if not ind:
            return cells, None
        rec = {"scope": "project", "project_name": p["name"], "level1": l1, "level2": l2,
               "indicator": clean(ind), "target": clean(tgt) or None, "actual": clean(act) or None,
               "weight": parse_num(wgt), "score": parse_num(sc), "deviation_note": clean(note) or None,
               "page": None}
        cells[0].rec = rec
        return cells, rec

    ind_rows, recs = _indicator_block(p["indicators"], tail)
    rows += ind_rows
    # the seed's 资金管理情况 block is not drawn, so the 总分 is what the drawn rows add up to
    weight = sum(r["weight"] or 0 for r in recs + funds)
    total = round(sum(r["score"] or 0 for r in recs + funds), 2)
    rows.append([C("总分", cs=6, al="c"), C(f"{weight:g}", al="c"), C(f"{total:g}", al="c"), C(""), C("")])
    proj = {"scope": "project", "project_name": p["name"], "implementing_unit": p["implementing"],
            "competent_department": p["competent"], "unit": "万元", "goal_expected": clean(p["goal"]),
            "goal_actual": clean(p["actual_goal"]), "total_score": total, "page": None}
    rows[0][1].rec = proj
    t = Table("project_performance", "项目绩效自评表", "万元", widths, rows, size=7, kind="perf",
              pre=[[("项目绩效自评表", "c", 16)], [(f"（{d['year']}年度）", "c", 10)],
                   [("填表人及联系方式：郭端 63626556", "l", 9)]])
    return t, proj, funds, recs


def perf_b(d, p):
    """项目支出绩效自评表, 003 style (no 分值/得分)."""
    widths = [52, 58, 70, 118, 70, 62, 85]
    rows = [[C("项目名称", al="c"), C(p["name"], cs=6)],
            [C("实施单位", al="c"), C(p["implementing"], cs=6)],
            [C("资金情况（万元）", rs=5, al="c"), C("项目资金", al="c"), C("年初预算数", al="c"),
             C("全年预算数", al="c"), C("全年执行数", al="c"), C("执行率", cs=2, al="c")]]
    funds = []
    for lab, a, b, c, rate in p["funds"]:
        rows.append([C(lab), C(a, al="r"), C(b, al="r"), C(c, al="r"), C(rate, cs=2, al="r")])
        funds.append({"scope": "project", "project_name": p["name"], "funding_source": clean(lab),
                      "budget_initial": parse_num(a), "budget_full_year": parse_num(b), "executed": parse_num(c),
                      "execution_rate": parse_num(rate), "weight": None, "score": None, "unit": "万元"})
    rows.append([C("年度总体目标", rs=2, al="c"), C("预期目标", cs=3, al="c"), C("实际完成情况", cs=3, al="c")])
    rows.append([C(p["goal"], cs=3), C(p["actual_goal"], cs=3)])
    rows.append([C("绩效指标", rs=1 + len(p["indicators"]), al="c")]
                + [C(h, al="c") for h in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                                          "偏差原因分析及改进措施")])

    def tail(r, l1, l2):
        _, _, ind, tgt, act, note = r
        cells = [C(ind), C(tgt), C(act), C(note)]
        rec = {"scope": "project", "project_name": p["name"], "level1": l1, "level2": l2,
               "indicator": clean(ind), "target": clean(tgt) or None, "actual": clean(act) or None,
               "weight": None, "score": None, "deviation_note": clean(note) or None, "page": None}
        cells[0].rec = rec
        return cells, rec

    ind_rows, recs = _indicator_block(p["indicators"], tail)
    rows += ind_rows
    proj = {"scope": "project", "project_name": p["name"], "implementing_unit": p["implementing"],
            "competent_department": None, "unit": "万元", "goal_expected": clean(p["goal"]),
            "goal_actual": clean(p["actual_goal"]), "total_score": None, "page": None}
    rows[0][1].rec = proj
    t = Table("project_performance", "项目支出绩效自评表", "万元", widths, rows, size=7.5, kind="perf",
              pre=[[("项目支出绩效自评表", "c", 16)]])
    return t, proj, funds, recs


def perf_c(d, p):
    """…项目绩效自评表, 004 style (预算数(A) / 执行数(B) / 执行率(B/A), 年初目标值)."""
    widths = [62, 62, 100, 125, 83, 83]
    rows = [[C("项目名称", al="c"), C(p["name"], cs=5)],
            [C("主管部门", al="c"), C(p["competent"], cs=2), C("项目实施单位", al="c"), C(p["implementing"], cs=2)],
            [C("预算执行情况（万元）", rs=2, al="c"), C("", cs=2), C("预算数（A）", al="c"), C("执行数（B）", al="c"),
             C("执行率（B/A）", al="c")]]
    lab, a, b, rate = p["funds"]
    rows.append([C(lab, cs=2), C(a, al="r"), C(b, al="r"), C(rate, al="r")])
    funds = [{"scope": "project", "project_name": p["name"], "funding_source": clean(lab),
              "budget_initial": None, "budget_full_year": parse_num(a), "executed": parse_num(b),
              "execution_rate": parse_num(rate), "weight": None, "score": None, "unit": "万元"}]
    rows.append([C("年度绩效目标", rs=1 + len(p["indicators"]), al="c")]
                + [C(h, al="c") for h in ("一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）")])

    def tail(r, l1, l2):
        _, _, ind, tgt, act = r
        cells = [C(ind), C(tgt), C(act)]
        if not ind:
            return cells, None
        rec = {"scope": "project", "project_name": p["name"], "level1": l1, "level2": l2,
               "indicator": clean(ind), "target": clean(tgt) or None, "actual": clean(act) or None,
               "weight": None, "score": None, "deviation_note": None, "page": None}
        cells[0].rec = rec
        return cells, rec

    ind_rows, recs = _indicator_block(p["indicators"], tail)
    rows += ind_rows
    rows.append([C("偏差大或目标未完成原因分析", cs=2), C("无", cs=4)])
    rows.append([C("改进措施及结果应用方案", cs=2), C("无", cs=4)])
    proj = {"scope": "project", "project_name": p["name"], "implementing_unit": p["implementing"],
            "competent_department": p["competent"], "unit": "万元", "goal_expected": None,
            "goal_actual": None, "total_score": None, "page": None}
    rows[0][1].rec = proj
    t = Table("project_performance", p["title"], "万元", widths, rows, size=7.5, kind="perf",
              pre=[[(p["title"], "c", 14)],
                   [(f"单位名称：{d['department']}", "l", 9), (f"填报日期：{p['date']}", "r", 9)]],
              post=[[("备注：1.预算执行情况口径：预算数为调整后财政资金总额（包括上年结余结转），"
                      "执行数为资金使用单位财政资金实际支出数。", "l", 7)]])
    return t, proj, funds, recs


# --------------------------------------------------------------------------------------------
# The three documents
# --------------------------------------------------------------------------------------------

INCOME_PATHS = [["本年收入合计"], ["财政拨款收入"], ["上级补助收入"], ["事业收入"], ["经营收入"],
                ["附属单位上缴收入"], ["其他收入"]]
INCOME_CANON = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
EXP_PATHS = [["本年支出合计"], ["基本支出"], ["项目支出"], ["上缴上级支出"], ["经营支出"], ["对附属单位补助支出"]]
EXP_CANON = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]


def income_values(m):
    return lambda its: [m.sum("total", items=its) if its else 0.0, m.sum("fiscal", items=its) if its else 0.0,
                        0.0, 0.0, 0.0, 0.0, m.sum("ot_b", items=its) if its else 0.0]


def exp_values(m):
    return lambda its: [m.sum("total", items=its) if its else 0.0, m.sum("basic", items=its) if its else 0.0,
                        m.sum("project", items=its) if its else 0.0, 0.0, 0.0, 0.0]


def gb_values_simple(m):
    return lambda its: [m.sum("gp", items=its), m.sum("gp_basic", items=its), m.sum("gp_j", items=its)]


def gb_values_split(m):
    return lambda its: [m.sum("gp", items=its), m.sum("gp_basic", items=its), m.sum("gp_p", items=its),
                        r2(m.sum("gp_u", items=its) + m.sum("gp_b", items=its)), m.sum("gp_j", items=its)]


def gf_values(m):
    return lambda its: [0.0, m.sum("gf_j", items=its) if its else 0.0, m.sum("gf_j", items=its) if its else 0.0,
                        0.0, m.sum("gf_j", items=its) if its else 0.0, 0.0]


def sc_values(m):
    return lambda its: [m.sum("sc_j", items=its) if its else 0.0, 0.0, m.sum("sc_j", items=its) if its else 0.0]


GF_PATHS = [["年初结转和结余"], ["本年收入"], ["本年支出", "小计"], ["本年支出", "基本支出"], ["本年支出", "项目支出"],
            ["年末结转和结余"]]
GF_CANON = ["年初结转和结余", "本年收入", "本年支出合计", "基本支出", "项目支出", "年末结转和结余"]
SC_PATHS = [["本年支出", "合计"], ["本年支出", "基本支出"], ["本年支出", "项目支出"]]
SC_CANON = ["本年支出合计", "基本支出", "项目支出"]


def note(s, size=7.5):
    return [[(s, "l", size)]]


def build_a():
    d, m = DOC_A, Model(DOC_A)
    U = "万元"
    tabs = [
        summary_table(m, style="A", unit=U, breaks_at=21),
        coded_table(m, key="income", title="收入决算表", no=2, style="A", unit=U, codes="single",
                    value_paths=INCOME_PATHS, canon=INCOME_CANON, values=income_values(m), pred=lambda it: True,
                    post=note("注：本表反映部门本年度取得的各项收入情况。本表金额转换为万元时，因四舍五入可能存在尾差。")),
        coded_table(m, key="expenditure", title="支出决算表", no=3, style="A", unit=U, codes="single",
                    value_paths=EXP_PATHS, canon=EXP_CANON, values=exp_values(m), pred=lambda it: True,
                    breaks_before_code=("221",),
                    post=note("注：本表反映部门本年度各项支出情况。本表金额转换为万元时，因四舍五入可能存在尾差。")),
        fiscal_summary_table(m, style="A", unit=U),
        coded_table(m, key="general_budget_expenditure", title="一般公共预算财政拨款支出决算表", no=5, style="A",
                    unit=U, codes="single", value_paths=[["本年支出", "小计"], ["本年支出", "基本支出"],
                                                         ["本年支出", "项目支出"]],
                    canon=["合计", "基本支出", "项目支出"], values=gb_values_simple(m), pred=lambda it: it["gp"] > 0),
        basic_table(m, style="A", unit=U, groups=3),
        coded_table(m, key="government_fund", title="政府性基金预算财政拨款收入支出决算表", no=7, style="A", unit=U,
                    codes="single", value_paths=GF_PATHS, canon=GF_CANON, values=gf_values(m),
                    pred=lambda it: it["gf_j"] > 0, empty=True,
                    post=note("说明：本部门没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。")),
        coded_table(m, key="state_capital", title="国有资本经营预算财政拨款支出决算表", no=8, style="A", unit=U,
                    codes="single", value_paths=SC_PATHS, canon=SC_CANON, values=sc_values(m),
                    pred=lambda it: it["sc_j"] > 0, empty=True,
                    post=note("说明：本部门没有国有资本经营收入，也没有使用国有资本经营安排的支出，故本表无数据。")),
        three_public_table(m, style="A", unit=U),
    ]
    return d, tabs, [perf_a(d, p) for p in PERF_A]


def build_b():
    d, m = DOC_B, Model(DOC_B)
    U = "万元"
    tabs = [
        summary_table(m, style="B", unit=U, compact=True, blank_zero=True),
        coded_table(m, key="income", title="收入决算表", no=2, style="B", unit=U, codes="split",
                    value_paths=INCOME_PATHS, canon=INCOME_CANON, values=income_values(m), pred=lambda it: True,
                    blank_zero=True),
        coded_table(m, key="expenditure", title="支出决算表", no=3, style="B", unit=U, codes="split",
                    value_paths=EXP_PATHS, canon=EXP_CANON, values=exp_values(m), pred=lambda it: True,
                    blank_zero=True, total_in_name=True),
        fiscal_summary_table(m, style="B", unit=U, compact=True, blank_zero=True, grouped=True),
        coded_table(m, key="general_budget_expenditure", title="一般公共预算财政拨款支出决算表", no=5, style="B",
                    unit=U, codes="split",
                    value_paths=[["本年支出", "合计"], ["本年支出", "基本支出", "小计"], ["本年支出", "基本支出", "人员经费"],
                                 ["本年支出", "基本支出", "公用经费"], ["本年支出", "项目支出"]],
                    canon=["合计", "基本支出", "人员经费", "公用经费", "项目支出"], values=gb_values_split(m),
                    pred=lambda it: it["gp"] > 0, blank_zero=True),
        basic_table(m, style="B", unit=U, groups=3, blank_zero=True),
        coded_table(m, key="government_fund", title="政府性基金预算财政拨款收入支出决算表", no=7, style="B", unit=U,
                    codes="split", value_paths=GF_PATHS, canon=GF_CANON, values=gf_values(m),
                    pred=lambda it: it["gf_j"] > 0, empty=True),
        coded_table(m, key="state_capital", title="国有资本经营预算财政拨款支出决算表", no=8, style="B", unit=U,
                    codes="split", value_paths=SC_PATHS, canon=SC_CANON, values=sc_values(m),
                    pred=lambda it: it["sc_j"] > 0, empty=True),
        three_public_table(m, style="B", unit=U, landscape=True, variant="运行"),
    ]
    return d, tabs, [perf_b(d, p) for p in PERF_B]


def build_c():
    d, m = DOC_C, Model(DOC_C)
    U, Y = "万元", "元"
    tabs = [
        summary_table(m, style="C", unit=U),
        coded_table(m, key="income", title="收入决算表", no=2, style="C", unit=Y, codes="split",
                    value_paths=INCOME_PATHS, canon=INCOME_CANON, values=income_values(m), pred=lambda it: True,
                    size=6.5),
        coded_table(m, key="expenditure", title="支出决算表", no=3, style="C", unit=Y, codes="single",
                    value_paths=EXP_PATHS, canon=EXP_CANON, values=exp_values(m), pred=lambda it: True, size=6.5),
        fiscal_summary_table(m, style="C", unit=U),
        coded_table(m, key="general_budget_expenditure", title="一般公共预算财政拨款支出决算表", no=5, style="C",
                    unit=U, codes="single", value_paths=[["本年支出", "小计"], ["本年支出", "基本支出"],
                                                         ["本年支出", "项目支出"]],
                    canon=["合计", "基本支出", "项目支出"], values=gb_values_simple(m), pred=lambda it: it["gp"] > 0,
                    lanci=False),
        basic_table(m, style="C", unit=Y, groups=2, title="一般公共预算财政拨款基本支出决算表", size=7.0),
        coded_table(m, key="government_fund", title="政府性基金预算财政拨款收入支出决算表", no=7, style="C", unit=U,
                    codes="single", value_paths=GF_PATHS, canon=GF_CANON, values=gf_values(m),
                    pred=lambda it: it["gf_j"] > 0),
        coded_table(m, key="state_capital", title="国有资本经营预算财政拨款支出决算表", no=8, style="C", unit=U,
                    codes="single", value_paths=SC_PATHS, canon=SC_CANON, values=sc_values(m),
                    pred=lambda it: it["sc_j"] > 0),
        three_public_table(m, style="C", unit=U),
    ]
    return d, tabs, [perf_c(d, p) for p in PERF_C]


def render(d, tabs, perfs):
    R = Renderer()
    p0 = R.new_page()
    title = f"{d['department']}{d['year']}年度部门决算"
    size = min(22.0, (PORTRAIT[0] - 2 * MARGIN_X) / FONT.text_length(title, 1))
    R.text(p0, MARGIN_X, 300, title, size, "c", PORTRAIT[0] - 2 * MARGIN_X)
    R.text(p0, MARGIN_X, 560, d["date_line"], 14, "c", PORTRAIT[0] - 2 * MARGIN_X)
    truth = {"filename": None, "department": d["department"], "year": d["year"], "pages": None,
             "tables": [], "fiscal_facts": [], "perf_projects": [], "perf_funds": [], "perf_indicators": []}
    all_tabs = list(tabs) + [p[0] for p in perfs]
    for t in all_tabs:
        pno = R.new_page(t.landscape)
        y = R.header_block(pno, t.pre, MARGIN_TOP)
        pno, y = R.draw_table(t, y + 2, pno)
        R.header_block(pno, t.post, y + 4) if t.post else None
        truth["tables"].append({"table_key": t.key, "title": t.title, "page_start": t.page_start,
                                "page_end": t.page_end, "unit": t.unit})
        if t.kind == "fiscal":
            for row in t.rows:
                for cell in row:
                    if cell.fact is not None:
                        f = dict(cell.fact)
                        pg = f.pop("page")
                        truth["fiscal_facts"].append({"table_key": t.key, **f, "value": parse_num(cell.text),
                                                      "unit": t.unit, "page": pg})
    for _t, proj, funds, recs in perfs:
        truth["perf_projects"].append(proj)
        truth["perf_funds"].extend(funds)
        truth["perf_indicators"].extend(recs)
    truth["pages"] = R.doc.page_count
    return R.finish(), truth


# --------------------------------------------------------------------------------------------
# Scanned variants
# --------------------------------------------------------------------------------------------


def scan_page(src_page, rng, dpi=200, quality=70) -> bytes:
    """Render at 200 dpi grayscale, skew by a random angle in [-1°, 1°], add gaussian noise,
    clean the paper background (as scanner software does, which also keeps the JPEG small),
    and encode as a JPEG of quality 70."""
    pix = src_page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    angle = float(rng.uniform(-1.0, 1.0))
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(img, dtype=np.float32) * 0.9 + 20.0  # ink is not pure black
    a += rng.normal(0.0, 6.0, a.shape).astype(np.float32)
    a[a > 228.0] = 255.0  # background clean-up; isolated darker specks survive
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
    return buf.getvalue()


def image_pdf(src: pymupdf.Document, scan_pages: set[int], rng) -> bytes:
    """A copy of src where the pages in scan_pages (0-based) are replaced by scanned images."""
    out = pymupdf.open()
    for pno in range(src.page_count):
        sp = src[pno]
        if pno in scan_pages:
            page = out.new_page(width=sp.rect.width, height=sp.rect.height)
            page.insert_image(page.rect, stream=scan_page(sp, rng))
        else:
            out.insert_pdf(src, from_page=pno, to_page=pno)
    out.set_metadata(METADATA)
    return out.tobytes(garbage=3, deflate=True, no_new_id=True)


# --------------------------------------------------------------------------------------------


def write(path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_truth(path: Path, truth: dict):
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    rng = np.random.default_rng(SEED)
    natives = {}
    for build in (build_a, build_b, build_c):
        d, tabs, perfs = build()
        pdf, truth = render(d, tabs, perfs)
        name = f"{d['stem']}.pdf"
        truth["filename"] = name
        write(HERE / "native" / name, pdf)
        write_truth(HERE / "native" / f"{d['stem']}.truth.json", truth)
        natives[d["stem"]] = (pdf, truth)
    # scanned: every page of the documents in SCANNED (size budget: ~150 kB a page)
    for stem in SCANNED:
        pdf, truth = natives[stem]
        src = pymupdf.open("pdf", pdf)
        data = image_pdf(src, set(range(src.page_count)), rng)
        name = f"{stem}_scan.pdf"
        write(HERE / "scanned" / name, data)
        write_truth(HERE / "scanned" / f"{stem}_scan.truth.json", {**truth, "filename": name})
    # mixed: doc C with some pages scanned
    pdf, truth = natives[MIXED_FROM]
    src = pymupdf.open("pdf", pdf)
    scanned = MIXED_SCANNED_PAGES
    data = image_pdf(src, {p - 1 for p in scanned}, rng)
    name = f"{MIXED_FROM}_mixed.pdf"
    write(HERE / "mixed" / name, data)
    write_truth(HERE / "mixed" / f"{MIXED_FROM}_mixed.truth.json",
                {**truth, "filename": name, "scanned_pages": sorted(scanned)})
    # the budget disclosure (部门预算), drawn with the renderer above
    sys.modules.setdefault("make_samples", sys.modules[__name__])
    import make_budget_sample

    pdf, truth = make_budget_sample.build()
    write(HERE / "budget" / truth["filename"], pdf)
    write_truth(HERE / "budget" / f"{Path(truth['filename']).stem}.truth.json", truth)
    for p in sorted(HERE.rglob("*")):
        if p.is_file() and p.suffix in (".pdf", ".json"):
            print(f"{p.stat().st_size:>9}  {p.relative_to(HERE)}")
    return 0


SCANNED = ["dept_a_2022"]
MIXED_FROM = "dept_c_2023"
# 1-based pages of dept_c_2023 drawn as images: 收入决算表 (元, split codes), the second page of
# the basic-expenditure table (it starts on native page 7), the filled 政府性基金 table, a 绩效自评表
MIXED_SCANNED_PAGES = [3, 8, 9, 12]

if __name__ == "__main__":
    sys.exit(main())
