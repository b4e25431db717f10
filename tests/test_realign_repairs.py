"""One minimal table per kind of broken column the realigner repairs (issue 2/6)."""
from dumps import INCOME_HEAD, PERF_HEAD, facts_by_code, one, run_dump


def test_indicator_row_missing_leading_blanks_is_realigned_and_levels_filled_down(tmp_path):
    r = run_dump(tmp_path, PERF_HEAD + ["\t\t指标乙\t≥3次\t4次\t2\t2\t"])
    rec = one(r.records["perf_indicators"], indicator="指标乙")
    assert (rec["level1"], rec["level2"], rec["target"], rec["actual"], rec["weight"], rec["score"]) == (
        "产出指标", "数量指标", "≥3次", "4次", 2, 2)
    first = one(r.records["perf_indicators"], indicator="指标甲")
    assert first["level1"] == "产出指标"  # score note "(50分)" removed
    assert any("realigned" in a for t in r.records["tables"] for a in t["realign_actions"])
    assert any(f["check"] == "realign" and f["severity"] == "info" for f in r.records["quality_log"])


def test_indicator_row_with_a_surplus_cell(tmp_path):
    r = run_dump(tmp_path, PERF_HEAD + ["\t效益指标\t社会效益指标\t提升服务质量\t持续提升\t100%\t100%\t10\t10\t"])
    rec = one(r.records["perf_indicators"], indicator="提升服务质量")
    assert (rec["level1"], rec["level2"], rec["target"], rec["actual"], rec["weight"], rec["score"]) == (
        "效益指标", "社会效益指标", "持续提升", "100%", 10, 10)
    assert any("surplus" in a for t in r.records["tables"] for a in t["realign_actions"])


def test_doubled_separators_in_a_performance_table(tmp_path):
    doubled = ["\t\t".join(line.split("\t")) if "\t" in line else line for line in PERF_HEAD]
    r = run_dump(tmp_path, doubled)
    fund = one(r.records["perf_funds"], funding_source="年度资金总额")
    assert (fund["budget_initial"], fund["budget_full_year"], fund["executed"], fund["weight"],
            fund["execution_rate"], fund["score"], fund["unit"]) == (10, 8, 6, 10, 75, 7.5, "万元")
    assert one(r.records["perf_indicators"], indicator="指标甲")["target"] == "100%"
    project = r.records["perf_projects"][0]
    assert (project["project_name"], project["implementing_unit"], project["goal_expected"], project["goal_actual"]) == (
        "测试项目", "测试单位", "完成测试", "已完成测试")


def test_label_and_value_in_one_cell(tmp_path):
    lines = ["2023年度某某项目绩效自评表", "预算执行情况 (万元)\t\t预算数 (A)\t执行数 (B)\t执行率 (B/A)\t",
             "\t\t年度财政资金总额 14\t13\t92.86%\t"]
    r = run_dump(tmp_path, lines)
    fund = one(r.records["perf_funds"], funding_source="年度财政资金总额")
    assert (fund["budget_full_year"], fund["executed"], fund["execution_rate"]) == (14, 13, 92.86)
    assert r.records["perf_projects"][0]["project_name"] == "某某"


def test_numbers_and_words_split_by_spaces(tmp_path):
    lines = PERF_HEAD + ["\t成本 指标\t经济成本 指标\t运维服务成 本\t<=2180. 66 万元\t965.5 万 元\t2\t2\t"]
    r = run_dump(tmp_path, lines)
    rec = one(r.records["perf_indicators"], indicator="运维服务成本")
    assert (rec["level1"], rec["level2"], rec["target"], rec["actual"]) == ("成本指标", "经济成本指标", "<=2180.66万元", "965.5万元")
    inc = run_dump(tmp_path, INCOME_HEAD + ["201\t一般公共服务支出\t1,2 34.50\t1,234.50\t\t\t\t\t"], "inc.txt")
    assert facts_by_code(inc, "本年收入合计")["201"] == 1234.5


def test_number_cut_across_two_cells_is_joined(tmp_path):
    r = run_dump(tmp_path, INCOME_HEAD + ["201\t一般公共服务支出\t2180.\t66\t2180.66\t\t\t\t\t"])
    assert facts_by_code(r, "本年收入合计") == {"201": 2180.66}
    assert facts_by_code(r, "财政拨款收入") == {"201": 2180.66}


def test_merged_column_number_and_total_label(tmp_path):
    lines = ["一般公共预算财政拨款支出决算表", "单位：万元", "科目代码\t科目名称\t小计\t基本支出\t项目支出",
             "栏次 合计\t\t1\t2\t3", "\t\t716.40\t291.73\t424.67", "201\t一般公共服务支出\t716.40\t291.73\t424.67"]
    r = run_dump(tmp_path, lines)
    total = {f["column"]: f["value"] for f in r.records["fiscal_facts"] if f["row_label"] == "合计"}
    assert total == {"合计": 716.40, "基本支出": 291.73, "项目支出": 424.67}


def test_twin_tables_side_by_side_without_merged_cells(tmp_path):
    lines = ["收入支出决算总表", "单位：万元", "收入\t\t\t支出\t\t", "项目\t行次\t决算数\t项目\t行次\t决算数",
             "一、一般公共预算财政拨款收入\t1\t583.63\t一、一般公共服务支出\t32\t543.34",
             "\t9\t\t九、卫生健康支出\t40\t8.68", "本年收入合计\t27\t583.63\t本年支出合计\t58\t583.63"]
    r = run_dump(tmp_path, lines)
    got = {(f["section"], f["row_label"]): f["value"] for f in r.records["fiscal_facts"]}
    assert got == {("收入", "一般公共预算财政拨款收入"): 583.63, ("支出", "一般公共服务支出"): 543.34,
                   ("支出", "卫生健康支出"): 8.68, ("收入", "本年收入合计"): 583.63, ("支出", "本年支出合计"): 583.63}


def test_three_column_groups_take_sections_from_codes(tmp_path):
    lines = ["一般公共预算财政拨款基本支出决算明细表", "单位：万元",
             "科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数\t科目代码\t科目名称\t决算数",
             "301\t工资福利支出\t208.40\t302\t商品和服务支出\t8.88\t310\t资本性支出\t0.00",
             "30101\t基本工资\t106.58\t30201\t办公费\t3.53\t31002\t办公设备购置\t0.00"]
    r = run_dump(tmp_path, lines)
    got = {(f["section"], f["subject_code"]): f["value"] for f in r.records["fiscal_facts"]}
    assert got == {("人员经费", "301"): 208.40, ("人员经费", "30101"): 106.58, ("公用经费", "302"): 8.88,
                   ("公用经费", "30201"): 3.53, ("公用经费", "310"): 0, ("公用经费", "31002"): 0}


def test_codes_over_lei_kuan_xiang_are_joined(tmp_path):
    lines = ["支出决算表", "单位：万元", "科目编码\t\t\t科目名称\t本年支出合计\t基本支出\t项目支出", "类\t款\t项\t\t\t\t",
             "201\t\t\t一般公共服务支出\t540.95\t176.73\t364.22", "201\t03\t\t政府办公厅（室）及相关机构事务\t540.95\t176.73\t364.22",
             "201\t03\t50\t事业运行\t540.95\t176.73\t364.22"]
    r = run_dump(tmp_path, lines)
    assert facts_by_code(r, "本年支出合计") == {"201": 540.95, "20103": 540.95, "2010350": 540.95}


def test_headerless_continuation_rows_join_their_table(tmp_path):
    lines = INCOME_HEAD + ["201\t一般公共服务支出\t10.00\t10.00\t\t\t\t\t", "", "- 5 -", "",
                           "208\t社会保障和就业支出\t5.00\t5.00\t\t\t\t\t"]
    r = run_dump(tmp_path, lines)
    assert [t["table_key"] for t in r.records["tables"]] == ["income"]
    assert facts_by_code(r, "本年收入合计") == {"201": 10.0, "208": 5.0}


def test_repeated_header_name_resolved_by_identities(tmp_path):
    lines = ["财政拨款“三公”经费支出决算表", "单位：万元", "决算数\t\t\t\t\t",
             "合计\t因公出国（境）费\t公务用车购置及运行维护费\t\t\t",
             "\t\t小计\t公务用车购置费\t公务用车运行维护费\t公务用车运行维护费", "1\t2\t3\t4\t5\t6",
             "0.30\t0.00\t0.20\t0.05\t0.15\t0.10"]
    r = run_dump(tmp_path, lines)
    got = {f["column"]: f["value"] for f in r.records["fiscal_facts"]}
    assert got == {"合计": 0.3, "因公出国（境）费": 0, "公务用车购置及运行费": 0.2, "公务用车购置费": 0.05,
                   "公务用车运行费": 0.15, "公务接待费": 0.1}
    assert {f["section"] for f in r.records["fiscal_facts"]} == {"决算数"}


def test_header_shifted_against_the_body(tmp_path):
    lines = ["收入决算表", "单位：万元",
             "| 科目代码 | 科目名称 | 本年收入合计 | 财政拨款收入 | 上级补助收入 | 事业收入 | 经营收入 | 附属单位上缴收入 | 其他收入 | |",
             "|---|---|---|---|---|---|---|---|---|---|", "| 类 | 款 | 项 | 1 | 2 | 3 | 4 | 5 | 6 | 7 |",
             "| 201 | | 一般公共服务支出 | 42,557.12 | 42,557.12 | | | | | |",
             "| 2010399 | | 其他事务支出 | 42,041.03 | 42,041.03 | | | | | |"]
    r = run_dump(tmp_path, lines, "dump.md")
    assert facts_by_code(r, "本年收入合计") == {"201": 42557.12, "2010399": 42041.03}
    assert facts_by_code(r, "财政拨款收入") == {"201": 42557.12, "2010399": 42041.03}


def test_detached_project_name_with_a_stray_token(tmp_path):
    lines = ["项目支出绩效自评表", "", "劳务费 1144", ""] + [
        line.replace("测试项目", "") for line in PERF_HEAD[2:]]
    r = run_dump(tmp_path, lines)
    assert r.records["perf_projects"][0]["project_name"] == "劳务费"
    assert {f["project_name"] for f in r.records["perf_funds"]} == {"劳务费"}


def test_fiscal_row_missing_its_leading_blank_and_doubled_separator(tmp_path):
    lines = INCOME_HEAD + ["合计\t30.00\t25.00\t\t\t\t\t5.00\t",  # lost its leading blank code cell
                           "201\t一般公共服务支出\t\t30.00\t25.00\t\t\t\t\t5.00"]  # a doubled separator
    r = run_dump(tmp_path, lines)
    total = {f["column"]: f["value"] for f in r.records["fiscal_facts"] if f["row_label"] == "合计"}
    assert total == {"本年收入合计": 30.0, "财政拨款收入": 25.0, "其他收入": 5.0}
    assert {f["column"]: f["value"] for f in r.records["fiscal_facts"] if f["subject_code"] == "201"} == total


def test_number_formats():
    from pipeline.numbers import parse_number
    assert parse_number("１，２３４．５６") == 1234.56
    assert parse_number("12‰") == 12.0
    assert parse_number("100%") == 100.0
    assert parse_number("—") is None and parse_number("不适用") is None
