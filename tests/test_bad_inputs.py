"""Bad inputs: a clear one-line error, exit status 1, the other documents processed, no record
of the failed one beyond its documents row and its error finding, no traceback on the terminal."""
import json
import subprocess
import sys
import zipfile

import pymupdf
import pytest
from pdfgen import income_table_pdf


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def good_pdf(path):
    income_table_pdf(path)
    return path.read_bytes()


def make_bad(kind: str, folder):
    good = good_pdf(folder / "good_source.pdf")
    (folder / "good_source.pdf").unlink()
    if kind == "zero_bytes":
        return b"", "empty file"
    if kind == "truncated":
        return good[: len(good) // 3], "PDF"
    if kind == "html":
        return b"<!DOCTYPE html><html><body>not found</body></html>", "not a PDF"
    if kind == "zip":
        zpath = folder / "x.zip"
        with zipfile.ZipFile(zpath, "w") as z:
            z.writestr("a.txt", "hello")
        data = zpath.read_bytes()
        zpath.unlink()
        return data, "not a PDF"
    if kind == "random":
        import random
        rnd = random.Random(7)
        return bytes(rnd.randrange(256) for _ in range(5000)), "not a PDF"
    if kind == "encrypted":
        doc = pymupdf.open(stream=good, filetype="pdf")
        return doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="secret"), "password"
    if kind == "no_pages":
        return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n"), "no pages"
    if kind == "huge_image":
        doc = pymupdf.open()
        page = doc.new_page()
        pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 20000, 20000), False)
        page.insert_image(page.rect, pixmap=pix)
        data = doc.tobytes(deflate=True)
        return data, "pixel"
    raise ValueError(kind)


KINDS = ["zero_bytes", "truncated", "html", "zip", "random", "encrypted", "no_pages", "huge_image"]


@pytest.mark.parametrize("kind", KINDS)
def test_bad_pdf_fails_alone_with_a_clear_error(tmp_path, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    data, words = make_bad(kind, folder)
    (folder / "bad.pdf").write_bytes(data)
    income_table_pdf(folder / "good.pdf")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stdout + done.stderr
    docs = {d["filename"]: d for d in jsonl(out / "documents.jsonl")}
    assert docs["good.pdf"]["status"] == "done"
    bad = docs["bad.pdf"]
    if kind == "huge_image":  # the page is refused, the document is kept: partial, exit 0
        assert bad["status"] == "partial" and done.returncode == 0
        assert any(words in f["message"] for f in jsonl(out / "quality_log.jsonl") if f["document_id"] == bad["document_id"])
        return
    assert done.returncode == 1, done.stdout
    assert bad["status"] == "failed" and words.lower() in bad["error"].lower() and "\n" not in bad["error"]
    for name in ("tables", "fiscal_facts", "perf_funds", "perf_indicators"):
        assert not [r for r in jsonl(out / f"{name}.jsonl") if r["document_id"] == bad["document_id"]]
    errors = [f for f in jsonl(out / "quality_log.jsonl") if f["document_id"] == bad["document_id"]]
    assert [(f["severity"], f["message"]) for f in errors] == [("error", bad["error"])]


def test_encrypted_pdf_with_its_password(tmp_path):
    data, _ = make_bad("encrypted", tmp_path)
    (tmp_path / "locked.pdf").write_bytes(data)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(tmp_path / "locked.pdf"), "--out", str(out),
                           "--password", "secret"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert len(jsonl(out / "fiscal_facts.jsonl")) == 27


def test_damaged_xref_is_repaired(tmp_path):
    data = good_pdf(tmp_path / "a.pdf")
    start = data.rfind(b"startxref")
    damaged = data[:start] + b"startxref\n999999\n%%EOF\n"
    (tmp_path / "a.pdf").write_bytes(damaged)
    from pipeline.process import process_document
    result = process_document(tmp_path / "a.pdf")
    assert result.document["status"] == "done" and len(result.records["fiscal_facts"]) == 27


def test_text_dump_with_binary_garbage_and_megabyte_lines(tmp_path):
    from pipeline.process import process_document
    junk = bytes(range(256)) * 40 + b"\n" + b"x" * 2_000_000 + b"\n"
    table = "收入决算表\n单位：万元\n科目编码\t科目名称\t本年收入合计\n201\t一般公共服务支出\t10.00\n".encode()
    (tmp_path / "dump.txt").write_bytes(junk + table)
    result = process_document(tmp_path / "dump.txt")
    assert result.document["status"] == "partial"  # content was cut: said, not hidden
    [cut] = [f for f in result.records["quality_log"] if f["check"] == "line_cut"]
    assert cut["severity"] == "error" and "1,980,000 characters dropped" in cut["message"]
    assert [(f["subject_code"], f["value"]) for f in result.records["fiscal_facts"]] == [("201", 10.0)]


def test_a_50_mb_one_line_dump_is_partial_and_the_parent_stays_small(tmp_path):
    """A converter's runaway line: the document is `partial` with a finding that says how much
    was cut, and the run's own process (the worker reads the file) does not grow by its size."""
    import threading

    import psutil

    from pipeline.run import run_inputs

    (tmp_path / "in").mkdir()
    with open(tmp_path / "in" / "huge.txt", "wb") as fh:
        fh.write("收入决算表\n单位：万元\n科目编码\t科目名称\t本年收入合计\n201\t一般公共服务支出\t10.00\n".encode())
        fh.write(b"0123456789" * 5_000_000)
    me = psutil.Process()
    baseline, peak, done = me.memory_info().rss, [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], me.memory_info().rss)
            done.wait(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        summary = run_inputs([str(tmp_path / "in")], tmp_path / "out", workers=1)
    finally:
        done.set()
        sampler.join()
    assert summary.partial == 1 and summary.facts == 1
    [cut] = [f for f in jsonl(tmp_path / "out" / "quality_log.jsonl") if f["check"] == "line_cut"]
    assert f"{50_000_000 - 20_000:,} characters dropped" in cut["message"]
    assert jsonl(tmp_path / "out" / "documents.jsonl")[0]["status"] == "partial"
    assert peak[0] - baseline < 25_000_000, f"the parent grew by {(peak[0] - baseline) / 1e6:.0f} MB"


def test_document_without_tables_is_done_with_an_info_finding(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "本部门无政府性基金预算财政拨款收入支出。", fontname="china-s", fontsize=11)
    doc.save(tmp_path / "prose.pdf")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(tmp_path / "prose.pdf"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr
    (document,) = jsonl(out / "documents.jsonl")
    assert document["status"] == "done" and document["error"] is None and document["pages"] == 1
    assert not jsonl(out / "tables.jsonl") and not jsonl(out / "fiscal_facts.jsonl")
    log = jsonl(out / "quality_log.jsonl")
    assert [(f["severity"], f["check"]) for f in log] == [("info", "no_tables")]


def test_page_tree_cycle_costs_that_page(tmp_path):
    """MuPDF's own errors on a damaged page (found by the mutation fuzzer): that page is an
    error finding, the document is partial, nothing is an internal error."""
    from pipeline.process import process_document
    data = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R 2 0 R]/Count 2>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    (tmp_path / "cycle.pdf").write_bytes(data)
    result = process_document(tmp_path / "cycle.pdf")
    assert result.document["status"] == "partial" and result.document["pages"] == 2
    errors = [f for f in result.records["quality_log"] if f["severity"] == "error"]
    assert [(f["page"], f["message"]) for f in errors] == [(2, "page 2: damaged PDF (cycle in page tree)")]
