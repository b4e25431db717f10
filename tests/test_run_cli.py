"""`juesuan run` end to end: outputs, exit codes, failed documents, reruns."""
import json
import subprocess
import sys

import duckdb
from pdfgen import income_table_pdf

from pipeline.cli import main


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_run_writes_records_and_stitches_continuation(tmp_path):
    (tmp_path / "in").mkdir()
    data = income_table_pdf(tmp_path / "in" / "a.pdf")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "in"), "--out", str(out)]) == 0
    for name in ("documents", "tables", "fiscal_facts", "perf_projects", "perf_funds", "perf_indicators", "quality_log"):
        assert (out / f"{name}.jsonl").exists()
    tables = jsonl(out / "tables.jsonl")
    assert [(t["table_key"], t["page_start"], t["page_end"], t["unit"], t["source"]) for t in tables] == [
        ("income", 1, 2, "万元", "native")]
    facts = jsonl(out / "fiscal_facts.jsonl")
    assert len(facts) == 3 * len(data)
    last = {f["column"]: f["value"] for f in facts if f["subject_code"] == data[-1][0]}
    assert last == {"本年收入合计": float(data[-1][2]), "财政拨款收入": float(data[-1][3]), "其他收入": 0.5}
    assert {f["page"] for f in facts if f["subject_code"] == data[-1][0]} == {2}
    doc = jsonl(out / "documents.jsonl")[0]
    assert (doc["department"], doc["year"], doc["status"], doc["pages"]) == ("示例单位", 2023, "done", 2)
    [page] = (out / "report").glob("*.html")  # the document's page of the report site
    assert page.read_text(encoding="utf-8").count("收入决算表") >= 1
    assert f"report/{page.name}" in (out / "report.html").read_text(encoding="utf-8")  # the index links it


def test_failed_document_is_recorded_and_others_still_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    income_table_pdf(folder / "good.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "page.pdf").write_bytes(b"<html><body>404 not found</body></html>")
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out)]) == 1
    docs = {d["filename"]: d for d in jsonl(out / "documents.jsonl")}
    assert docs["good.pdf"]["status"] == "done"
    assert (docs["empty.pdf"]["status"], docs["empty.pdf"]["error"]) == ("failed", "empty file (0 bytes)")
    assert docs["page.pdf"]["status"] == "failed" and "not a PDF" in docs["page.pdf"]["error"]
    failed_ids = {docs["empty.pdf"]["document_id"], docs["page.pdf"]["document_id"]}
    for name in ("tables", "fiscal_facts"):
        assert not [r for r in jsonl(out / f"{name}.jsonl") if r["document_id"] in failed_ids]
    assert len(jsonl(out / "fiscal_facts.jsonl")) == 27


def test_usage_errors_exit_2(tmp_path):
    cmd = [sys.executable, "-m", "pipeline.cli", "run"]
    assert subprocess.run(cmd + [str(tmp_path / "missing.pdf"), "--out", str(tmp_path)], capture_output=True).returncode == 2
    assert subprocess.run(cmd + [str(tmp_path), "--ocr", "sometimes"], capture_output=True).returncode == 2
    assert subprocess.run([sys.executable, "-m", "pipeline.cli"], capture_output=True).returncode == 2


def test_rerun_replaces_records_in_the_warehouse(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    income_table_pdf(folder / "a.pdf")
    out = tmp_path / "out"
    counts = []
    for _ in range(2):
        assert main(["run", str(folder), "--out", str(out)]) == 0
        con = duckdb.connect(str(out / "warehouse.duckdb"))
        counts.append([con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("documents", "tables", "fiscal_facts")])
        con.close()
    assert counts[0] == counts[1] == [1, 1, 27]


def test_progress_lines_and_the_summary_names_each_failed_document(tmp_path, capsys):
    """Off a terminal: one plain line per document on stderr; the closing summary lists every
    failed or partial document with its one-line error; `-q` keeps only the summary."""
    folder = tmp_path / "in"
    folder.mkdir()
    income_table_pdf(folder / "good.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "long.txt").write_bytes("收入决算表\n科目编码\t科目名称\t本年收入合计\n201\t一般公共服务支出\t10.00\n".encode()
                                      + b"x" * 30_000 + b"\n")
    assert main(["run", str(folder), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if line.startswith("[")]
    assert [line.split()[0] for line in progress] == ["[1/3]", "[2/3]", "[3/3]"]
    assert any("failed  empty.pdf" in line for line in progress)
    out = captured.out.splitlines()
    failed = [line for line in out if line.startswith("failed  ")]
    partial = [line for line in out if line.startswith("partial  ")]
    assert len(failed) == 1 and "empty.pdf: " in failed[0] and "empty" in failed[0].split(": ", 1)[1]
    assert len(partial) == 1 and "long.txt" in partial[0] and "characters dropped" in partial[0]
    assert main(["run", str(folder), "--out", str(tmp_path / "out2"), "-q"]) == 1
    assert not [line for line in capsys.readouterr().err.splitlines() if line.startswith("[")]


def test_version_and_a_subcommands_own_usage(capsys):
    import pytest

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("juesuan ")
    with pytest.raises(SystemExit) as info:
        main(["run", "x.pdf", "--outt", "y"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith("usage: juesuan run") and "unrecognized arguments: --outt y" in err
