"""A 部门整体支出绩效自评表 continued over two pages, drawn for tests (`tests/pdfgen.py` style).

The template is another city's: the goal block headed `年度总体目标完成情况 | 预期目标（年初设定） |
实际完成情况`, score notes without brackets (`产出指标50分`), the second page ruled anew (no
label column, its own grid) under the form's title printed again, the total on the second page."""
from __future__ import annotations

import pymupdf
from pdfgen import draw_table, write_lines

DEPARTMENT = "示例市示例局"
GOAL_EXPECTED = "保障机关正常运转完成年度任务"
GOAL_ACTUAL = "全年运转正常各项任务均已完成"
TOTAL = 99.5
WIDTHS = [78, 95, 84, 60, 55, 50, 45, 40]  # the font is 9 pt a character: texts fit their cells
# (一级, 二级, 三级, 指标值, 实际完成值, 分值, 得分)
PAGE_ONE = [
    ("产出指标50分", "数量指标", "办理事项数量", "≥100件", "120件", "20", "20"),
    ("", "质量指标", "办结率", "100%", "100%", "20", "20"),
    ("", "时效指标", "按时办结率", "≥95%", "96%", "10", "10"),
]
PAGE_TWO = [
    ("效益指标 30分", "社会效益指标", "办事便利度", "提升", "提升", "30", "30"),
    ("满意度指标（10分）", "服务对象满意度指标", "群众满意度", "≥90%", "89%", "10", "9.5"),
]


def department_form_pdf(path, second_title: str | None = "部门整体支出绩效自评表") -> None:
    """The form on two pages; `second_title` is printed over the second page's part (None:
    nothing above it)."""
    doc = pymupdf.open()
    page = doc.new_page()
    top = write_lines(page, 50, ["部门整体支出绩效自评表", "（2023年度）"])
    rows = [
        ["部门（单位）名称", DEPARTMENT, "", "", "", "", "", ""],
        ["预算资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "1000", "1200", "1140", "10", "95%", "9.50"],
        ["", "财政拨款", "1000", "1200", "1140", "—", "95%", "—"],
        ["年度总体目标\n完成情况", "预期目标（年初设定）", "", "", "实际完成情况", "", "", ""],
        ["", GOAL_EXPECTED, "", "", GOAL_ACTUAL, "", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ] + [["", *ind] for ind in PAGE_ONE]
    merges = {(0, 1): (1, 7), (1, 0): (3, 1), (4, 0): (2, 1), (4, 1): (1, 3), (4, 4): (1, 4), (5, 1): (1, 3),
              (5, 4): (1, 4), (6, 0): (1 + len(PAGE_ONE), 1), (7, 1): (len(PAGE_ONE), 1)}
    draw_table(page, top + 10, WIDTHS, rows, merges=merges)
    page = doc.new_page()
    top = write_lines(page, 50, [second_title]) if second_title else 50
    rows = [list(ind) for ind in PAGE_TWO] + [["总分", "", "", "", "", "100", str(TOTAL)]]
    draw_table(page, top + 10, WIDTHS[1:], rows, left=40 + WIDTHS[0], merges={(2, 0): (1, 5)})
    doc.save(path)
