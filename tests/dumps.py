"""Run small text dumps through the whole pipeline (the realigner sees what a user's dump gives)."""
from __future__ import annotations

from pathlib import Path

from pipeline.process import process_document

PERF_HEAD = [
    "项目支出绩效自评表",
    "",
    "项目名称\t测试项目\t\t\t\t\t\t\t",
    "实施单位\t测试单位\t\t\t\t\t\t\t",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\t",
    "\t年度资金总额\t10.00\t8.00\t6.00\t10\t75.00%\t7.50\t",
    "\t当年财政拨款\t10.00\t8.00\t6.00\t—\t75.00%\t—\t",
    "年度总体目标\t预期目标\t\t\t实际完成情况\t\t\t\t",
    "\t完成测试\t\t\t已完成测试\t\t\t\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "\t产出指标 (50分)\t数量指标\t指标甲\t100%\t100%\t2\t2\t",
]

INCOME_HEAD = [
    "收入决算表",
    "单位：万元",
    "科目编码\t科目名称\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
    "栏次\t\t1\t2\t3\t4\t5\t6\t7",
]


def run_dump(tmp_path: Path, lines: list[str], name: str = "dump.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return process_document(path)


def one(records: list[dict], **match) -> dict:
    hits = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


def facts_by_code(result, column: str) -> dict:
    return {f["subject_code"]: f["value"] for f in result.records["fiscal_facts"] if f["column"] == column}
