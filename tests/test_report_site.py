"""The report as a small site: report.html an index of the run's documents, report/<id>.html a page
per document. Real runs over the samples and generated PDFs; the pages read back with a parser:
links resolve to files and anchors, ids are unique, every page a table spans has its crop, the
row a finding is about is the one highlighted, 绩效 cards count their records, a failed finish
leaves the previous site, and a run of many documents stays small."""
from __future__ import annotations

import hashlib
import json
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pymupdf
import pytest
from conftest import SAMPLES
from pdfgen import draw_table, income_table_pdf, write_lines

from pipeline.files import replace_all
from pipeline.outputs import OutputError
from pipeline.process import Options
from pipeline.report.rows import finding_rows
from pipeline.run import run_inputs

NATIVE = sorted((SAMPLES / "native").glob("*.pdf")) + sorted((SAMPLES / "budget").glob("*.pdf"))
# dept_a's first 绩效 form (table 10): project 洛龙智慧政务, 全年执行数 44.51 in the 年度资金总额 row
PROJECT, FUNDS_ROW = "洛龙智慧政务", "年度资金总额"


class Page(HTMLParser):
    """A page's ids, links, scripts, and its table cards: captions, JPEG crops, highlighted rows."""

    def __init__(self, path: Path):
        super().__init__()
        self.path, self.ids, self.links, self.scripts = path, [], [], 0
        self.cards: dict[str, dict] = {}
        self.card: dict | None = None
        self.depth = 0
        self.capture: list | None = None  # the text of the element being read (a caption, a flagged row)
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        self.scripts += tag == "script"
        if tag == "div" and a.get("class") == "card":
            self.card = self.cards[a["id"]] = {"captions": [], "jpeg": 0, "text": "", "flagged": {}}
            self.depth = 1
            return
        if not self.depth:
            return
        self.depth += tag == "div"
        if tag == "img" and a.get("src", "").startswith("data:image/jpeg;base64,/9j/"):
            self.card["jpeg"] += 1
        elif tag == "figcaption":
            self.capture = self.card["captions"]
            self.capture.append("")
        elif tag == "tr" and "flag" in (a.get("class") or "").split():
            self.capture = self.card["flagged"].setdefault(a["id"], [""])

    def handle_endtag(self, tag):
        if tag in ("figcaption", "tr"):
            self.capture = None
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.card["text"] += data
        if self.capture is not None:
            self.capture[-1] += data


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def site_pages(out: Path) -> dict[Path, Page]:
    return {p: Page(p) for p in [out / "report.html", *sorted((out / "report").glob("*.html"))]}


def broken_links(pages: dict[Path, Page]) -> list[str]:
    """Links of the site whose file or anchor is missing (every link is relative: no network)."""
    broken = []
    for path, page in pages.items():
        for href in page.links:
            file, _, anchor = href.partition("#")
            target = (path.parent / file).resolve() if file else path.resolve()
            found = next((p for p in pages if p.resolve() == target), None)
            if found is None or (anchor and anchor not in pages[found].ids):
                broken.append(f"{path.name}: {href}")
    return broken


def page_of(out: Path, document_id: str) -> Page:
    return Page(out / "report" / f"{document_id[:16]}.html")


def narrative_pdf(path: Path) -> None:
    """dept_a with a sentence whose 执行数 disagrees with its form's (50.00 against 44.51)."""
    doc = pymupdf.open(SAMPLES / "native" / "dept_a_2022.pdf")
    write_lines(doc[0], 764, ["本部门项目绩效情况说明如下。", f"{PROJECT}项目全年执行数50.00万元。"])
    doc.save(path)


def row_identity_pdf(path: Path) -> None:
    """本年收入合计 10.00 ≠ 8.00 + 1.00 in the row of 一般公共服务支出; the next row's label holds
    that label too, and adds up."""
    doc = pymupdf.open()
    page = doc.new_page()
    top = write_lines(page, 60, ["收入决算表", "单位：万元"])
    draw_table(page, top + 10, [80, 160, 90, 90, 90], [
        ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "其他收入"],
        ["201", "一般公共服务支出", "10.00", "8.00", "1.00"],
        ["", "一般公共服务支出结转", "4.00", "3.00", "1.00"]])
    doc.save(path)


def marked_copy(source: Path, target: Path, mark: str) -> Path:
    """Read the same, a document id of its own (a comment after %%EOF)."""
    target.write_bytes(source.read_bytes() + f"\n% {mark}\n".encode())
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("site_in")
    for pdf in NATIVE:
        shutil.copy(pdf, inputs / pdf.name)
    income_table_pdf(inputs / "stitched.pdf")
    narrative_pdf(inputs / "narrative.pdf")
    row_identity_pdf(inputs / "row_identity.pdf")
    (inputs / "empty.pdf").write_bytes(b"")
    out = tmp_path_factory.mktemp("site_out")
    run_inputs([str(inputs)], out, options=Options(ocr="never"), workers=2)
    return out


def test_index_lists_every_document_and_every_link_resolves(site):
    documents = jsonl(site / "documents.jsonl")
    pages = site_pages(site)
    index = pages[site / "report.html"]
    assert len(pages) == len(documents) + 1 == len(NATIVE) + 5
    for doc in documents:
        assert f"report/{doc['document_id'][:16]}.html" in index.links
        assert f"d{doc['document_id'][:16]}" in index.ids
    assert broken_links(pages) == []
    # the index links the tables with findings straight to their cards
    narrative = next(d for d in documents if d["filename"] == "narrative.pdf")
    assert f"report/{narrative['document_id'][:16]}.html#t10" in index.links
    text = (site / "report.html").read_text(encoding="utf-8")
    failed = next(d for d in documents if d["filename"] == "empty.pdf")
    assert failed["status"] == "failed" and escape(failed["error"]) in text
    for path, page in pages.items():
        html = path.read_text(encoding="utf-8")
        assert page.scripts == 0 and "http://" not in html and "https://" not in html


def test_ids_are_unique_within_and_across_pages(site):
    pages = site_pages(site)
    for path, page in pages.items():
        assert len(page.ids) == len(set(page.ids)), path.name
    index_ids = set(pages[site / "report.html"].ids)
    document_ids = {i for path, page in pages.items() if path.name != "report.html" for i in page.ids}
    assert not index_ids & document_ids
    assert all(i.startswith("d") for i in index_ids) and all(i.startswith("t") for i in document_ids)


def test_every_page_a_table_spans_has_its_crop(site):
    tables = [t for t in jsonl(site / "tables.jsonl") if t["source"] != "text"]
    stitched = [t for t in tables if t["page_end"] > t["page_start"]]
    assert len(stitched) >= 5  # dept_a's 1 and 3 (twice: narrative.pdf), dept_c's 6, the budget's 1, stitched.pdf
    for table in tables:
        card = page_of(site, table["document_id"]).cards[f"t{table['table_id']}"]
        pages = range(table["page_start"], table["page_end"] + 1)
        assert card["captions"] == [f"page {p}" for p in pages], table
        assert card["jpeg"] == len(pages), table


def test_a_finding_highlights_its_own_row(site):
    documents = {d["filename"]: d for d in jsonl(site / "documents.jsonl")}
    findings = jsonl(site / "quality_log.jsonl")
    narrative = documents["narrative.pdf"]["document_id"]
    said = [f for f in findings if f["document_id"] == narrative and f["check"] == "narrative"]
    assert [(f["table_id"], f["row_label"], f["column"]) for f in said] == [(10, PROJECT, "executed")]
    card = page_of(site, narrative).cards["t10"]
    # the 执行数 is in the funds row; the finding's label is the project, named in the 项目名称 row
    assert [text.startswith(FUNDS_ROW) for [text] in card["flagged"].values()] == [True]
    assert not any(PROJECT in text for [text] in card["flagged"].values())
    page = page_of(site, narrative)
    assert f"#{next(iter(card['flagged']))}" in page.links  # the finding links to its row

    identity = documents["row_identity.pdf"]["document_id"]
    assert [(f["check"], f["row_label"]) for f in findings
            if f["document_id"] == identity and f["severity"] == "warning"] == [("row_identity", "一般公共服务支出")]
    flagged = page_of(site, identity).cards["t1"]["flagged"]
    assert [text for [text] in flagged.values()] == ["201一般公共服务支出10.008.001.00"]


def test_a_label_without_records_matches_whole_cells_only():
    grid = [["项目", "支出"], ["一般公共服务支出", "3.00"], ["支出", "5.00"], ["一、支出（万元）：", "7.00"]]
    finding = {"row_label": "支出", "column": None, "page": None, "actual": None}
    assert finding_rows(finding, [], {}, grid) == {0, 2, 3}  # never the row whose label merely contains it


def test_performance_cards_count_their_records(site):
    tables = jsonl(site / "tables.jsonl")
    produced = {name: jsonl(site / f"{name}.jsonl") for name in ("perf_projects", "perf_funds", "perf_indicators")}
    forms = [t for t in tables if t["table_key"] == "project_performance"]
    assert len(forms) >= 6
    for table in forms:
        card = page_of(site, table["document_id"]).cards[f"t{table['table_id']}"]
        for name, rows in produced.items():
            n = sum(1 for r in rows if (r["document_id"], r["table_id"]) == (table["document_id"], table["table_id"]))
            assert n and f"{n} {name}" in card["text"], (table, name)
        assert "0 facts" not in card["text"]


def test_pages_of_an_earlier_site_are_removed(tmp_path):
    """A page the new run does not link goes once its files are in place; other files stay."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    marked_copy(NATIVE[1], inputs / "b.pdf", "b")
    out = tmp_path / "out"
    (out / "report").mkdir(parents=True)
    stale = out / "report" / "0123456789abcdef.html"
    stale.write_text("a page of an earlier site", encoding="utf-8")
    notes = out / "report" / "notes.txt"  # not a name the site writes
    notes.write_text("kept", encoding="utf-8")
    run_inputs([str(inputs)], out, options=Options(ocr="never"), workers=0)
    pages = site_pages(out)
    assert not stale.exists() and notes.exists()
    assert len(pages) == 2 and broken_links(pages) == []


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in [out / "report.html", *(out / "report").iterdir()]
            if p.is_file()}


def test_a_failed_finish_leaves_the_previous_site(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    income_table_pdf(first / "stitched.pdf")
    marked_copy(NATIVE[1], first / "b.pdf", "b")
    out = tmp_path / "out"
    run_inputs([str(first)], out, options=Options(ocr="never"), workers=0)
    before = snapshot(out)
    assert len(before) == 3

    marked_copy(NATIVE[1], second / "b.pdf", "b")  # the same document as before: its page is replaced
    new = marked_copy(NATIVE[2], second / "c.pdf", "c")
    blocker = out / "report" / f"{hashlib.sha256(new.read_bytes()).hexdigest()[:16]}.html"
    blocker.mkdir()  # a folder where the new page goes: its rename fails
    (blocker / "keep").write_text("x")
    with pytest.raises(OutputError, match="left as they were"):
        run_inputs([str(second)], out, options=Options(ocr="never"), workers=0)
    assert snapshot(out) == before
    assert not [p.name for p in [*out.iterdir(), *(out / "report").iterdir()] if p.name.startswith(".")]

    shutil.rmtree(blocker)
    run_inputs([str(second)], out, options=Options(ocr="never"), workers=0)
    after = snapshot(out)
    assert len(after) == 3 and f"report/{blocker.name}" in after  # stitched.pdf's page is gone with its run
    assert broken_links(site_pages(out)) == []


def test_renames_half_done_are_put_back(tmp_path):
    """`replace_all` failing after it renamed a page: that page is the previous one again."""
    (tmp_path / "report").mkdir()
    page, index = tmp_path / "report" / "0123456789abcdef.html", tmp_path / "report.html"
    page.write_text("old page"), index.write_text("old index")
    new_page = tmp_path / "report" / ".0123456789abcdef.html.tmp"
    new_page.write_text("new page")
    missing = tmp_path / ".report.html.tmp"  # never written: the second rename fails
    with pytest.raises(FileNotFoundError):
        replace_all({new_page: page, missing: index})
    assert (page.read_text(), index.read_text()) == ("old page", "old index")
    assert sorted(p.name for p in tmp_path.rglob(".*")) == []


def test_a_run_of_many_documents_keeps_the_site_small(tmp_path):
    """20 documents here (bench/bench_report.py measures 100): index under 300 KB, and growing by
    under 3 KB a document; every page under 2 MB."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in range(20):
        marked_copy(NATIVE[n % len(NATIVE)], inputs / f"{n:02d}.pdf", f"copy {n}")
    out = tmp_path / "out"
    summary = run_inputs([str(inputs)], out, options=Options(ocr="never"), workers=2)
    assert summary.documents == 20
    index = (out / "report.html").stat().st_size
    pages = [p.stat().st_size for p in (out / "report").glob("*.html")]
    assert len(pages) == 20
    assert index < 300 * 1024 and index / 20 < 3 * 1024
    assert max(pages) < 2 * 1024 * 1024
