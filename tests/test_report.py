"""The report site: every table of every document on its document's page (report/<id>.html) with
its page images and its findings; escaped. (tests/test_report_site.py: the index, links, ids.)"""
import json
from html.parser import HTMLParser

from conftest import SAMPLES
from pdfgen import draw_table, write_lines

from pipeline.cli import main


class Cards(HTMLParser):
    """Collects the table cards: id, data-table-key, images and the text inside each."""

    def __init__(self):
        super().__init__()
        self.cards, self.depth, self.scripts = [], 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "div" and a.get("class") == "card":
            self.cards.append({"id": a["id"], "key": a.get("data-table-key"), "images": 0, "text": ""})
            self.depth = 1
        elif tag == "div" and self.depth:
            self.depth += 1
        elif tag == "img" and self.depth and a.get("src", "").startswith("data:image/jpeg;base64,"):
            self.cards[-1]["images"] += 1

    def handle_endtag(self, tag):
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.cards[-1]["text"] += data


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def site_html(out) -> str:
    """The index and every document page, one after the other."""
    pages = [out / "report.html", *sorted((out / "report").glob("*.html"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages)


def test_report_shows_every_table_with_image_and_findings(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(SAMPLES / "native"), "--out", str(out)]) == 0
    html = site_html(out)
    assert "http://" not in html and "https://" not in html  # self-contained
    tables = jsonl(out / "tables.jsonl")
    findings = [f for f in jsonl(out / "quality_log.jsonl") if f["table_id"] is not None]
    parser = Cards()
    parser.feed(html)
    assert len(parser.cards) == len(tables) > 20
    cards = {}  # a document's cards, from its own page
    for doc in jsonl(out / "documents.jsonl"):
        page = out / "report" / f"{doc['document_id'][:16]}.html"
        assert f"id='d{doc['document_id'][:16]}'" in html and page.exists()
        cards[doc["document_id"]] = Cards()
        cards[doc["document_id"]].feed(page.read_text(encoding="utf-8"))
    for table in tables:
        card = next(c for c in cards[table["document_id"]].cards if c["id"] == f"t{table['table_id']}")
        assert card["key"] == table["table_key"]
        assert card["images"] == table["page_end"] - table["page_start"] + 1, table  # one per page it spans
    for f in findings:
        assert f["message"] in html


def test_report_escapes_extracted_strings(tmp_path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    top = write_lines(page, 60, ["收入决算表", "单位：万元"])
    draw_table(page, top + 10, [80, 330, 90], [["科目编码", "科目名称", "本年收入合计"],
                                               ["201", "<script>alert(1)</script>", "1.00"]])
    doc.save(tmp_path / "x.pdf")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "x.pdf"), "--out", str(out)]) == 0
    html = site_html(out)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parser = Cards()
    parser.feed(html)
    assert parser.scripts == 0


def test_report_lists_failed_checks_with_both_sides(tmp_path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    top = write_lines(page, 60, ["收入决算表", "单位：万元"])
    draw_table(page, top + 10, [80, 120, 90, 90, 90], [
        ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "其他收入"],
        ["201", "一般公共服务支出", "10.00", "8.00", "1.00"]])
    doc.save(tmp_path / "x.pdf")
    out = tmp_path / "out"
    main(["run", str(tmp_path / "x.pdf"), "--out", str(out)])
    warn = [f for f in jsonl(out / "quality_log.jsonl") if f["severity"] == "warning"]
    assert [(f["check"], f["expected"], f["actual"]) for f in warn] == [("row_identity", 9.0, 10.0)]
    html = site_html(out)
    assert "<tr class='warning'><td>warning</td><td>row_identity</td>" in html
