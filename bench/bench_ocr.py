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
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import pymupdf  # noqa: E402

from pipeline.ocr import DPI, extract_page_ocr, get_engine, render_gray  # noqa: E402
from pipeline.ocr.simulate import simulate_scan  # noqa: E402

SCAN = REPO / "samples/scanned/dept_a_2022_scan.pdf"
PUTUO = REPO.parent / "shared/corpus/real/上海市普陀区财政局2024年度部门决算.pdf"
HEADING = "## OCR path vs whole-page RapidOCR (issue 4/6)"


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--append", action="store_true", help="append the result to BENCHMARKS.md")
    args = ap.parse_args()

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
    for name, n, ours, whole, found in rows:
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


def _versions() -> str:
    from importlib.metadata import version

    parts = []
    for pkg in ("rapidocr", "onnxruntime", "pymupdf", "opencv-python-headless"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except Exception:
            pass
    return ", ".join(parts)


if __name__ == "__main__":
    main()
