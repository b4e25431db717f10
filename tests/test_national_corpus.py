"""The national corpus (../shared/corpus/national, 62 files from 18 cities, plus corpus/budget):
document kinds, budget tables keyed, their facts confirmed, non-disclosures left alone.

The corpus is processed once per module (`bench_national.process_corpus`: `process_document`
and `verify_facts.verify_document` per file in a pool of 2 processes). Coverage is measured
against camelot lattice's amount cells, recorded once in
`tests/fixtures/national_camelot_cells.json` by `bench/camelot_census.py`. Skipped where the
corpus is absent."""
from __future__ import annotations

import json
import re
import sys
from collections import Counter

import pytest
from conftest import BUDGETS, ROOT, SHARED

sys.path.insert(0, str(ROOT / "bench"))

NATIONAL = SHARED / "corpus" / "national"
FIXTURE = ROOT / "tests" / "fixtures" / "national_camelot_cells.json"
pytestmark = pytest.mark.skipif(not NATIONAL.is_dir(), reason=f"{NATIONAL} not present")

COVERAGE_FLOOR = 0.95
CONFIRMED_FLOOR = 0.99

EXPECTED_KIND = {
    "上海_2026年上海市交通运输局_部门预算.pdf": "budget",
    "上海_2026年上海市人力资源和社会保障局_部门预算.pdf": "budget",
    "上海_2026年上海市住房和建设局_部门预算.pdf": "budget",
    "上海_2026年上海市信访局_部门预算.pdf": "budget",
    "上海_2026年上海市公安局_部门预算.pdf": "budget",
    "上海_2026年上海市医疗保障局_部门预算.pdf": "budget",
    "上海_2026年上海市卫生健康委员会_部门预算.pdf": "budget",
    "上海_2026年上海市发展和改革局_部门预算.pdf": "budget",
    "上海_2026年上海市司法局_部门预算.pdf": "budget",
    "上海_2026年上海市商务局_部门预算.pdf": "budget",
    "上海_2026年上海市国有资产监督管理委员会_部门预算.pdf": "budget",
    "上海_2026年上海市审计局_部门预算.pdf": "budget",
    "上海_2026年上海市工业和信息化局_部门预算.pdf": "budget",
    "上海_2026年上海市应急管理局_部门预算.pdf": "budget",
    "上海_2026年上海市政务服务和数据管理局_部门预算.pdf": "budget",
    "上海_2026年上海市政府办公厅_部门预算.pdf": "budget",
    "上海_2026年上海市教育局_部门预算.pdf": "budget",
    "上海_2026年上海市文化广电旅游体育局_部门预算.pdf": "budget",
    "上海_2026年上海市民政局_部门预算.pdf": "budget",
    "上海_2026年上海市水务局_部门预算.pdf": "budget",
    "上海_2026年上海市生态环境局_部门预算.pdf": "budget",
    "上海_2026年上海市统计局_部门预算.pdf": "budget",
    "上海_2026年上海市规划和自然资源局_部门预算.pdf": "budget",
    "上海_2026年上海市财政局_部门预算.pdf": "budget",
    "上海_2026年上海市退役军人事务局_部门预算.pdf": "budget",
    "包头_2026年包头市政府办公厅部门预算.pdf": "other",
    "北京_2026年北京市人民政府办公厅部门预算.pdf": "budget",
    "北京_2026年北京市医疗保障局部门预算.pdf": "budget",
    "北京_2026年北京市卫生健康委员会部门预算.pdf": "budget",
    "北京_2026年北京市商务局部门预算.pdf": "budget",
    "厦门_2026年厦门市市场监督管理局部门预算.pdf": "other",
    "嘉兴_2026年嘉兴市卫生健康委员会部门预算.pdf": "other",
    "嘉兴_2026年嘉兴市政府办公厅部门预算.pdf": "other",
    "宁波_卫生健康委员会_2026年部门预算.pdf": "other",
    "宜宾_2026年宜宾市政府办公厅部门预算.pdf": "other",
    "惠州_2026年惠州市政府办公厅部门预算.pdf": "other",
    "惠州_2026年惠州市民政局部门预算.pdf": "other",
    "惠州_2026年惠州市退役军人事务局部门预算.pdf": "other",
    "无锡_2026年无锡市交通运输局部门预算.pdf": "budget",
    "无锡_2026年无锡市教育局部门预算.pdf": "budget",
    "无锡_人力资源和社会保障局_2026年部门预算.pdf": "budget",
    "无锡_发展和改革局_2026年部门预算.pdf": "budget",
    "济南_2026年济南市审计局部门预算.pdf": "other",
    "济南_2026年济南市应急管理局部门预算.pdf": "other",
    "深圳_2026年深圳市人民政府口岸办公室部门预算.pdf": "budget",
    "深圳_2026年深圳市医疗保障局部门预算.pdf": "budget",
    "深圳_2026年深圳市工业和信息化局部门预算.pdf": "budget",
    "深圳_2026年深圳市统计局部门预算.pdf": "budget",
    "潍坊_2026年潍坊市统计局部门预算.pdf": "other",
    "烟台_2026年烟台市住房和城乡建设局部门预算.pdf": "budget",
    "烟台_2026年烟台市医疗保障局部门预算.pdf": "budget",
    "烟台_2026年烟台市大数据局部门预算.pdf": "budget",
    "烟台_2026年烟台市宣传部部门预算.pdf": "budget",
    "绵阳_2026年绵阳市政府办公厅部门预算.pdf": "other",
    "西安_2026年西安市财政局部门预算.pdf": "budget",
    "西安_交通运输局_2026年部门预算.pdf": "budget",
    "西安_商务局_2026年部门预算.pdf": "budget",
    "西安_民政局_2026年部门预算.pdf": "budget",
    "重庆_2026年重庆市交通运输局部门预算.pdf": "budget",  # an HTML disclosure page saved as .pdf
    "重庆_2026年重庆市人民政府办公厅部门预算.pdf": "budget",
    "重庆_2026年重庆市教育局部门预算.pdf": "budget",  # HTML
    "重庆_2026年重庆市民政局部门预算.pdf": "budget",  # HTML
}
NON_DISCLOSURES = sorted(name for name, kind in EXPECTED_KIND.items() if kind == "other")
SENTENCE = re.compile(r"[，。；！？]|[\u4e00-\u9fff]{25,}")  # punctuation of prose, or a long run of text


@pytest.fixture(scope="module")
def corpus():
    """({filename: DocMeasure}, camelot fixture) for the national files and corpus/budget, processed once."""
    from bench_national import measure

    fixture = json.loads(FIXTURE.read_text(encoding="utf-8")) if FIXTURE.exists() else {}
    files = sorted(NATIONAL.glob("*.pdf")) + list(BUDGETS)
    return {m.path.name: m for m in measure(files, fixture, workers=2)}, fixture


@pytest.fixture(scope="module")
def records(corpus):
    """{filename: records} as process_document wrote them (kept on each measure)."""
    return {name: m.records for name, m in corpus[0].items()}


def budgets(measures: dict) -> list:
    return [m for name, m in measures.items() if EXPECTED_KIND.get(name, "budget") == "budget"]


def test_every_national_file_is_listed():
    assert sorted(p.name for p in NATIONAL.glob("*.pdf")) == sorted(EXPECTED_KIND)


def test_fixture_covers_the_pdfs(corpus):
    measures, fixture = corpus
    pdfs = [m for m in measures.values() if m.path.read_bytes().startswith(b"%PDF-")]
    ids = {m.records["documents"][0]["document_id"] for m in pdfs}
    assert ids <= set(fixture), "rerun bench/camelot_census.py: the fixture lacks some corpus PDFs"


@pytest.mark.parametrize("name", sorted(EXPECTED_KIND))
def test_document_kind(records, name):
    assert records[name]["documents"][0].get("kind") == EXPECTED_KIND[name]


def test_budget_amount_cells_in_keyed_tables(corpus):
    ms = budgets(corpus[0])
    cells, covered = sum(m.cells for m in ms), sum(m.covered for m in ms)
    share = covered / cells if cells else 0.0
    worst = ", ".join(f"{m.path.name} {m.covered}/{m.cells}" for m in sorted(
        (m for m in ms if m.cells), key=lambda m: m.covered / m.cells)[:5])
    assert share >= COVERAGE_FLOOR, f"{covered}/{cells} = {share:.1%} of camelot's amount cells in keyed tables; lowest: {worst}"


def test_budget_facts_confirmed(corpus):
    from verify_facts import describe

    verdicts = [v for m in budgets(corpus[0]) for v in m.verdicts]
    confirmed = sum(v.status == "confirmed" for v in verdicts)
    share = confirmed / len(verdicts) if verdicts else 0.0
    reasons = Counter(f"{v.status} ({v.reason})" for v in verdicts if v.status != "confirmed")
    examples = "\n".join(describe(v) for v in verdicts if v.status != "confirmed")
    assert share >= CONFIRMED_FLOOR, (f"{confirmed}/{len(verdicts)} = {share:.1%} facts confirmed; {dict(reasons)}\n"
                                      f"{examples[:2000]}")


@pytest.mark.parametrize("name", NON_DISCLOSURES)
def test_non_disclosure_has_no_facts_or_prose_tables(records, name):
    rec = records[name]
    assert not rec["fiscal_facts"]
    assert not rec["perf_projects"] and not rec["perf_funds"] and not rec["perf_indicators"]
    prose = [t for t in rec["tables"] if t["n_rows"] <= 1]
    assert not prose, f"single-row tables: {[t['title'] for t in prose]}"


def ruled(pdf, table: dict) -> bool:
    """The table's first region is (mostly) a grid the publisher ruled (verify_facts' reading)."""
    from verify_facts import page_grids

    if not table.get("regions"):
        return False
    page, x0, y0, x1, y1 = table["regions"][0]
    area = max((x1 - x0) * (y1 - y0), 1e-6)
    for grid in page_grids(pdf[int(page) - 1], int(page)):
        gx0, gy0, gx1, gy1 = grid.bbox
        w, h = min(x1, gx1) - max(x0, gx0), min(y1, gy1) - max(y0, gy0)
        if w > 0 and h > 0 and w * h >= 0.8 * area:
            return True
    return False


@pytest.mark.parametrize("name", NON_DISCLOSURES)
def test_non_disclosure_tables_hold_no_sentences(corpus, name):
    """No table made of prose: cells holding sentences are allowed only inside a table the
    publisher ruled (a notice may print a real table of text, e.g. a list of decisions)."""
    import pymupdf

    m = corpus[0][name]
    prose = {t: [x for x in texts if SENTENCE.search(x)] for t, texts in m.cell_texts.items()}
    prose = {t: texts for t, texts in prose.items() if texts}
    data = m.path.read_bytes()
    pdf = pymupdf.open(stream=data, filetype="pdf") if data.startswith(b"%PDF-") else None
    tables = {t["table_id"]: t for t in m.records["tables"]}
    invented = {t: texts for t, texts in prose.items() if pdf is None or not ruled(pdf, tables[t])}
    assert not invented, "tables of prose: " + "; ".join(
        f"table {t} p{tables[t]['page_start']} {texts[:2]}" for t, texts in invented.items())
