"""Native extraction against camelot and pdfplumber, in one run over the same PDFs.

    .venv/bin/python bench/bench_native.py [PDF or folder ...]

Default inputs: every PDF under ../shared/corpus (next to the repo) if it exists, else
samples/native/*.pdf. Each method runs 3 times over all inputs; the median wall time gives
pages/second. Methods:

  a. ours, end to end: `pipeline.run.run_inputs(..., Options(ocr="never"))`, as `juesuan run
     --ocr never` does it (a worker process started and watched; extract, stitch, key, realign,
     report crops in the worker; warehouse, JSONL, report here); a'. the same with
     `workers=0`, in this process (no worker to start)
  b. ours, extraction alone: `extract_pdf(data, ocr="never")` per file
  c. camelot lattice, default: `camelot.read_pdf(path, pages="all", flavor="lattice")`
  d. camelot lattice, `engine="vector"` (camelot 2.0: ruling lines from the PDF, no rendering)
  e. pdfplumber `page.extract_tables()` on every page, when pdfplumber is importable

Then a correctness line: every number cell camelot (c) returns, compared with the text of our
raw table (b) at the same place: tables matched by bbox overlap on the page, cells by the
camelot cell's centre inside ours (the smallest such cell).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # cell_compare: camelot's cells against ours

import pymupdf  # noqa: E402
from cell_compare import compare_numbers, same_text  # noqa: E402
from measure import pdfs_in  # noqa: E402

from pipeline.extract import extract_pdf  # noqa: E402
from pipeline.extract.camelot_backend import convert_table  # noqa: E402
from pipeline.process import Options  # noqa: E402
from pipeline.run import run_inputs  # noqa: E402

RUNS = 3


def default_inputs() -> list[Path]:
    corpus = REPO.parent / "shared" / "corpus"
    if corpus.is_dir():
        files = sorted(corpus.rglob("*.pdf"))
        if files:
            return files
    return sorted((REPO / "samples" / "native").glob("*.pdf"))


def collect(args: list[str]) -> list[Path]:
    return pdfs_in(args) if args else default_inputs()


def timed(fn, runs: int = RUNS):
    """(median seconds, last result)."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def report_correctness(label: str, files, datas, camelot_tables, ours) -> None:
    """Print matched/total for the number cells camelot found, and each disagreement."""
    total = matched = decimals = 0
    misses, overlaps = [], {}
    for f in files:
        doc = pymupdf.open(stream=datas[f], filetype="pdf")
        reference = [convert_table(t, doc[int(t.page) - 1], int(t.page)) for t in camelot_tables[f]]
        for page, ref_text, our_text, bbox, hits in compare_numbers(reference, ours[f].tables):
            total += 1
            decimals += "." in ref_text
            if same_text(ref_text, our_text):
                matched += 1
            else:
                misses.append((f.name, page, ref_text, our_text, bbox))
            if hits > 1:  # our table has overlapping cells here (an outer frame cell, say)
                overlaps.setdefault(f.name, []).append(page)
    print(f"correctness, {label}: number cells with the same text in our native raw table (same page, "
          f"camelot cell centre in our cell): {matched}/{total} ({decimals} of them with a decimal point)")
    for name, page, a, b, bbox in misses:
        print(f"  MISMATCH {name} p{page}: camelot {a!r}, ours {b!r}, camelot cell at {tuple(round(v, 1) for v in bbox)}")
    for name, pages_hit in overlaps.items():
        print(f"  note: {len(pages_hit)} of these number cells lie inside 2+ overlapping cells of our table "
              f"(smallest one compared): {name} pages {sorted(set(pages_hit))}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*", help="PDFs or folders (default: ../shared/corpus, else samples/native)")
    ap.add_argument("--runs", type=int, default=RUNS)
    ns = ap.parse_args(argv)
    files = collect(ns.inputs)
    if not files:
        print("no PDFs to benchmark", file=sys.stderr)
        return 2
    datas = {f: f.read_bytes() for f in files}
    pages = {f: pymupdf.open(stream=datas[f], filetype="pdf").page_count for f in files}
    total_pages = sum(pages.values())
    print(f"{len(files)} PDFs, {total_pages} pages; median of {ns.runs} runs; "
          f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    for f in files:
        print(f"  {pages[f]:3d}  {f}")

    rows: list[tuple[str, float | None, str]] = []

    # a. ours end to end (juesuan run --ocr never, in-process)
    def run_end_to_end():
        with tempfile.TemporaryDirectory(prefix="juesuan-bench-") as tmp:
            return run_inputs([str(f) for f in files], Path(tmp) / "out", options=Options(ocr="never"))

    t_run, summary = timed(run_end_to_end, ns.runs)
    rows.append(("ours: juesuan run --ocr never (end to end)", t_run, summary.line()))

    def run_in_process():
        with tempfile.TemporaryDirectory(prefix="juesuan-bench-") as tmp:
            return run_inputs([str(f) for f in files], Path(tmp) / "out", options=Options(ocr="never"), workers=0)

    t_inproc, summary = timed(run_in_process, ns.runs)
    rows.append(("ours: the same, --workers 0 (in-process)", t_inproc, summary.line()))

    # b. ours, extraction alone
    def run_extract():
        return {f: extract_pdf(datas[f], ocr="never") for f in files}

    t_ext, ours = timed(run_extract, ns.runs)
    rows.append(("ours: extract_pdf (extraction alone)", t_ext, f"{sum(len(d.tables) for d in ours.values())} raw tables"))

    # c/d. camelot lattice
    camelot_tables: dict[Path, list] = {}
    vec_tables: dict[Path, list] = {}
    try:
        import camelot
    except ImportError:
        camelot = None
    if camelot is not None:
        def run_camelot(**kw):
            def go():
                out = {}
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    for f in files:
                        out[f] = list(camelot.read_pdf(str(f), pages="all", flavor="lattice", **kw))
                return out
            return go

        t_cam, camelot_tables = timed(run_camelot(), ns.runs)
        rows.append((f"camelot {camelot.__version__} lattice, default", t_cam,
                     f"{sum(len(v) for v in camelot_tables.values())} tables"))
        try:
            t_vec, vec_tables = timed(run_camelot(engine="vector"), ns.runs)
            rows.append(("camelot lattice, engine=\"vector\"", t_vec, f"{sum(len(v) for v in vec_tables.values())} tables"))
        except TypeError as exc:  # a camelot without engines
            rows.append(("camelot lattice, engine=\"vector\"", None, f"unsupported: {exc}"))
    else:
        rows.append(("camelot lattice", None, "camelot not importable"))

    # e. pdfplumber
    try:
        import pdfplumber
    except ImportError:
        rows.append(("pdfplumber extract_tables()", None, "pdfplumber not importable"))
    else:
        def run_plumber():
            n = 0
            for f in files:
                with pdfplumber.open(str(f)) as pdf:
                    for page in pdf.pages:
                        n += len(page.extract_tables())
            return n

        t_pl, n_pl = timed(run_plumber, ns.runs)
        rows.append((f"pdfplumber {pdfplumber.__version__} extract_tables()", t_pl, f"{n_pl} tables"))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"| {'method'.ljust(width)} | seconds | pages/s | note |")
    print(f"| {'-' * width} | ---: | ---: | --- |")
    for name, t, note in rows:
        secs = f"{t:.3f}" if t is not None else "-"
        pps = f"{total_pages / t:.1f}" if t else "-"
        print(f"| {name.ljust(width)} | {secs} | {pps} | {note} |")
    print()
    peers = [(name, t) for name, t, _ in rows if t and not name.startswith("ours")]
    for ours_name, t_ours in ((rows[0][0], t_run), (rows[1][0], t_inproc), (rows[2][0], t_ext)):
        for peer, t_peer in peers:
            print(f"ratio  {ours_name}  vs  {peer}: {t_peer / t_ours:.1f}x the pages/s")

    # correctness: camelot's numbers vs our raw tables
    for label, tables in (("camelot lattice (default)", camelot_tables), ("camelot lattice, engine=\"vector\"", vec_tables)):
        if tables:
            print()
            report_correctness(label, files, datas, tables, ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
