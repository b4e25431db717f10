"""The OCR path against whole-page RapidOCR, in one run over the same scanned pages.

    .venv/bin/python bench/bench_ocr.py [--runs N] [--append] [PDF ...]

Default inputs: samples/scanned/dept_a_2022_scan.pdf (14 image-only pages: 200 dpi, skewed up to
±1°, noise, JPEG) and, when ../shared/corpus is next to the repo, pages 6-20 of
上海市普陀区财政局2024年度部门决算.pdf rasterised the same way (`pipeline.ocr.simulate`:
200 dpi, ±0.5°, noise, JPEG q70). Methods, per page, interleaved so that both see the same
machine load:

  a. ours: `extract_page_ocr(page, n)`, the whole OCR path (render, deskew, rulings → grid,
     cell lines → batched recognition, low-confidence re-reads, detection on the text bands
     outside the tables): raw tables + page text
  b. whole-page RapidOCR: render the page at the same dpi (grayscale) + one call of a RapidOCR
     engine on the whole image (detection + recognition; RapidOCR's default settings, the
     same models loaded by path, the text-line orientation classifier off: pages are upright)

Both engines are built and warmed up before timing. Each method runs `--runs` times over all
pages (default 1); the median of the runs gives seconds/page. `--append` adds the result to
BENCHMARKS.md under "## OCR path vs whole-page RapidOCR (issue 4/6)".

Engine comparison (issue 2/6):

    python bench/bench_ocr.py --engines rapidocr,paddleocr [--threads 1] [--runs N] [--append]

runs the whole OCR path (`extract_page_ocr`) with each engine on the same pages, interleaved
page by page, and gives per engine the CPU seconds per page (`time.process_time`: every
thread of the process; onnxruntime at `--threads` intra-op threads, 1 by default, so that CPU
time is the work done) and wall seconds per page, and accuracy: the facts of each document
(context, stitching, keying and records as `process_document` does them) against its truth —
the scanned sample's `.truth.json`, the native run of the corpus PDF for the rasterised pages
(the fact key holds the row label, so a label misread is a miss). PaddleOCR needs the
`[paddle]` extra (tests/test_paddle.py: how to install it apart); `--append` adds the table
under "## OCR engines: PaddleOCR beside RapidOCR (issue 2/6)".
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import contextlib  # noqa: E402

import cv2  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.ocr import DPI, extract_page_ocr, get_engine, render_gray, use_threads  # noqa: E402
from pipeline.ocr.simulate import simulate_scan  # noqa: E402

SCAN = REPO / "samples/scanned/dept_a_2022_scan.pdf"
PUTUO = REPO.parent / "shared/corpus/real/上海市普陀区财政局2024年度部门决算.pdf"
HEADING = "## OCR path vs whole-page RapidOCR (issue 4/6)"
ENGINES_HEADING = "## OCR engines: PaddleOCR beside RapidOCR (issue 2/6)"
FACT_KEY = ("table_key", "section", "row_label", "subject_code", "column", "unit", "page")


def whole_page_engine():
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).resolve().parent / "models"
    det = sorted(models.glob("*_det_*.onnx"))[-1]
    rec = sorted(models.glob("*_rec_*.onnx"))[-1]
    return RapidOCR(params={"Global.log_level": "warning", "Global.use_cls": False,
                            "Det.model_path": str(det), "Rec.model_path": str(rec)})


def whole_page(engine, page) -> int:
    gray = render_gray(page, DPI)
    out = engine(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    return len(out.txts or ())


def inputs(args) -> list[tuple[str, pymupdf.Document]]:
    if args.pdfs:
        return [(Path(p).name, pymupdf.open(p)) for p in args.pdfs]
    docs = [(SCAN.name, pymupdf.open(SCAN))]
    if PUTUO.exists():
        data = simulate_scan(PUTUO, range(6, 21))
        docs.append((f"{PUTUO.stem} p6-20, rasterised", pymupdf.open(stream=data, filetype="pdf")))
    return docs


# ------------------------------------------------------------------------------------------
# engine comparison
# ------------------------------------------------------------------------------------------


def facts_of(pages: list, data_id: str) -> list[dict]:
    """Records from the OCR path's raw tables and page text, by the stages after extraction."""
    from pipeline.extract.context import attach_context
    from pipeline.key import key_tables
    from pipeline.process import build_records, is_empty_fragment
    from pipeline.stitch import stitch_continued_tables

    tables = [t for page_tables, _ in pages for t in page_tables]
    texts = [text for _, text in pages]
    attach_context(tables, texts)
    tables = stitch_continued_tables([t for t in tables if not is_empty_fragment(t)])
    records, _ = build_records(data_id, tables, key_tables(tables, texts).specs)
    return records["fiscal_facts"]


def fact_counter(facts: list[dict]) -> Counter:
    return Counter(tuple(f[k] for k in FACT_KEY) + (None if f["value"] is None else round(float(f["value"]), 6),)
                   for f in facts)


def engine_inputs(args) -> list[tuple[str, pymupdf.Document, list[dict], str]]:
    """(name, document, expected facts, where they come from)."""
    import json

    from pipeline.process import process_document

    out = []
    truth = json.loads(SCAN.with_name(SCAN.stem + ".truth.json").read_text(encoding="utf-8"))["fiscal_facts"]
    out.append((SCAN.name, pymupdf.open(SCAN), truth, "ground truth"))
    if PUTUO.exists():
        native = process_document(PUTUO).records["fiscal_facts"]
        pale = dict(ink=70, blur=0.8)
        for label, kwargs in (("", {}), (", pale", pale)):
            doc = pymupdf.open(stream=simulate_scan(PUTUO, range(6, 21), **kwargs), filetype="pdf")
            expected = [dict(f, page=f["page"] - 5) for f in native if 6 <= f["page"] <= 20]
            out.append((f"{PUTUO.stem} p6-20, rasterised{label}", doc, expected, "native run"))
    return out


def compare_engines(args) -> None:
    import hashlib

    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    use_threads(args.threads)
    engines = {}
    for name in names:
        t = time.perf_counter()
        engines[name] = get_engine(name)
        engines[name].set_threads(args.threads)
        print(f"{name}: built in {time.perf_counter() - t:.1f} s")
    docs = engine_inputs(args)
    for engine in engines.values():  # warm-up: sessions, allocators
        extract_page_ocr(docs[0][1][1], 2, engine)
    rows = []
    for doc_name, doc, expected, source in docs:
        cpu = {n: [] for n in names}
        wall = {n: [] for n in names}
        pages = {n: [] for n in names}
        for run in range(args.runs):
            c = {n: 0.0 for n in names}
            w = {n: 0.0 for n in names}
            for index, page in enumerate(doc):
                for name in names:  # interleaved: both see the same machine load
                    t0, w0 = time.process_time(), time.perf_counter()
                    result = extract_page_ocr(page, index + 1, engines[name])
                    c[name] += time.process_time() - t0
                    w[name] += time.perf_counter() - w0
                    if run == 0:
                        pages[name].append(result)
            for name in names:
                cpu[name].append(c[name] / doc.page_count)
                wall[name].append(w[name] / doc.page_count)
        want = fact_counter(expected)
        for name in names:
            have = fact_counter(facts_of(pages[name], hashlib.sha256(doc_name.encode()).hexdigest()))
            hit = sum(min(n, have[k]) for k, n in want.items())
            extra = sum(have.values()) - hit
            rows.append((doc_name, doc.page_count, name, statistics.median(cpu[name]), statistics.median(wall[name]),
                         hit, sum(want.values()), extra, source))
    lines = [
        "| input | pages | engine | CPU s/page | wall s/page | facts right (vs) | extra facts |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for doc_name, n, name, c, w, hit, total, extra, source in rows:
        lines.append(f"| {doc_name} | {n} | {name} | {c:.3f} | {w:.3f} | {hit}/{total} ({source}) | {extra} |")
    totals = []
    for name in names:
        mine = [r for r in rows if r[2] == name]
        n_pages = sum(r[1] for r in mine)
        c = sum(r[3] * r[1] for r in mine) / n_pages
        w = sum(r[4] * r[1] for r in mine) / n_pages
        hit, total = sum(r[5] for r in mine), sum(r[6] for r in mine)
        totals.append((name, c))
        lines.append(f"| all | {n_pages} | {name} | {c:.3f} | {w:.3f} | {hit}/{total} | {sum(r[7] for r in mine)} |")
    base = totals[0][1]
    ratios = "; ".join(f"{name} {c / base:.2f}× {totals[0][0]}'s CPU" for name, c in totals[1:])
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.processor() or platform.machine()}"
    versions = _versions(("rapidocr", "paddleocr", "paddlex", "onnxruntime", "pymupdf", "opencv-python-headless"))
    report = "\n".join(lines)
    print(f"machine: {machine}; {versions}; threads: {args.threads}; runs: {args.runs} (median)")
    print(report)
    print(ratios)
    if args.append:
        section = (
            f"\n{ENGINES_HEADING}\n\n"
            f"Machine: {machine}; {versions}. onnxruntime intra-op threads: {args.threads}; runs: {args.runs} "
            f"(median); pages interleaved between engines.\n\n"
            f"```sh\npython bench/bench_ocr.py --engines {args.engines} --threads {args.threads}\n```\n\n"
            f"{report}\n\n- CPU: {ratios}.\n"
        )
        with open(REPO / "BENCHMARKS.md", "a", encoding="utf-8") as fh:
            fh.write(section)
        print("appended to BENCHMARKS.md")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--append", action="store_true", help="append the result to BENCHMARKS.md")
    ap.add_argument("--engines", default=None, help="compare OCR engines on the same pages (e.g. rapidocr,paddleocr)")
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads in the engine comparison")
    args = ap.parse_args()
    if args.engines:
        compare_engines(args)
        return

    docs = inputs(args)
    ours_engine = get_engine()
    base_engine = whole_page_engine()
    first = docs[0][1][1]
    extract_page_ocr(first, 2, ours_engine)  # warm-up: sessions, allocators
    whole_page(base_engine, first)

    rows = []
    totals = {"ours": [], "whole": []}
    for name, doc in docs:
        per_run = {"ours": [], "whole": []}
        found = {"ours": 0, "whole": 0}
        for run in range(args.runs):
            t_ours = t_whole = 0.0
            for index, page in enumerate(doc):
                t = time.perf_counter()
                tables, text = extract_page_ocr(page, index + 1, ours_engine)
                t_ours += time.perf_counter() - t
                if run == 0:
                    found["ours"] += sum(len(t.cells) for t in tables) + len(text.lines)
                t = time.perf_counter()
                n = whole_page(base_engine, page)
                t_whole += time.perf_counter() - t
                if run == 0:
                    found["whole"] += n
            per_run["ours"].append(t_ours)
            per_run["whole"].append(t_whole)
        ours = statistics.median(per_run["ours"]) / doc.page_count
        whole = statistics.median(per_run["whole"]) / doc.page_count
        totals["ours"].append((ours, doc.page_count))
        totals["whole"].append((whole, doc.page_count))
        rows.append((name, doc.page_count, ours, whole, found))

    pages = sum(n for _, n in totals["ours"])
    all_ours = sum(s * n for s, n in totals["ours"]) / pages
    all_whole = sum(s * n for s, n in totals["whole"]) / pages
    lines = [
        "| input | pages | ours: OCR path, s/page | whole-page RapidOCR, s/page | ours / whole-page |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, n, ours, whole, _found in rows:
        lines.append(f"| {name} | {n} | {ours:.3f} | {whole:.3f} | {ours / whole:.2f}× |")
    lines.append(f"| all | {pages} | {all_ours:.3f} | {all_whole:.3f} | {all_ours / all_whole:.2f}× |")
    detail = [f"{name}: ours read {found['ours']} cells + text lines; whole-page RapidOCR {found['whole']} text lines"
              for name, _, _, _, found in rows]
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.processor() or platform.machine()}"
    versions = _versions()
    report = "\n".join(lines)
    print(f"machine: {machine}; {versions}; runs: {args.runs} (median)")
    print(report)
    print("\n".join(detail))
    print(f"ratio: ours takes {all_ours / all_whole:.2f}× the time of whole-page RapidOCR (floor: ≤ 1.2×)")
    if args.append:
        section = (
            f"\n{HEADING}\n\n"
            f"Machine: {machine}; {versions}. Rendering at {DPI} dpi for both; runs per method: {args.runs} "
            f"(median), pages interleaved.\n\n"
            "```sh\n.venv/bin/python bench/bench_ocr.py\n```\n\n"
            f"{report}\n\n"
            + "".join(f"- {d}\n" for d in detail)
            + "- ours: `extract_page_ocr` (render, deskew, rulings → grid, cell lines → batched recognition with no\n"
              "  detection inside tables, re-reads of low-confidence cells at 400 dpi, detection on the text bands\n"
              "  outside tables only). Whole-page: render + one `RapidOCR` call on the page image (its defaults;\n"
              "  same models by path; orientation classifier off).\n"
        )
        with open(REPO / "BENCHMARKS.md", "a", encoding="utf-8") as fh:
            fh.write(section)
        print("appended to BENCHMARKS.md")


def _versions(packages=("rapidocr", "onnxruntime", "pymupdf", "opencv-python-headless")) -> str:
    from importlib.metadata import version

    parts = []
    for pkg in packages:
        with contextlib.suppress(Exception):
            parts.append(f"{pkg} {version(pkg)}")
    return ", ".join(parts)


if __name__ == "__main__":
    main()
