"""How time per page grows with table size: one ruled table per page, 10 to 320 rows.

    .venv/bin/python bench/bench_table_size.py [--rows 10 20 40 80 160 320] [--pages 10]

Each size is a PDF of `--pages` pages, each page one 收入决算表-shaped table of that many rows
and 8 columns (codes, names, six amounts), the page as tall as the table needs. Timed, median of
3, in this process: native extraction alone (`extract_pdf`), and the whole document
(`process_document`: extract, stitch, key, realign, validate, report crops)."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from measure import machine  # noqa: E402

from pipeline.extract import extract_pdf  # noqa: E402
from pipeline.process import process_document  # noqa: E402

ROW_HEIGHT = 16.0
WIDTHS = [70, 160, 70, 70, 70, 70, 70, 70]
HEADER = ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "其他收入"]


def table_pdf(rows: int, pages: int, path: Path) -> None:
    doc = pymupdf.open()
    width = sum(WIDTHS) + 80
    for _ in range(pages):
        page = doc.new_page(width=width, height=(rows + 1) * ROW_HEIGHT + 160)
        page.insert_text((40, 60), "收入决算表", fontname="china-s", fontsize=14)
        page.insert_text((40, 84), "单位：万元", fontname="china-s", fontsize=10)
        top = 100.0
        xs = [40.0]
        for w in WIDTHS:
            xs.append(xs[-1] + w)
        shape = page.new_shape()
        for r in range(rows + 2):
            shape.draw_line((xs[0], top + r * ROW_HEIGHT), (xs[-1], top + r * ROW_HEIGHT))
        for x in xs:
            shape.draw_line((x, top), (x, top + (rows + 1) * ROW_HEIGHT))
        shape.finish(width=0.6, color=(0, 0, 0))
        shape.commit()
        for r in range(rows + 1):
            if r == 0:
                cells = HEADER
            else:
                amounts = [r * 7.25 + k for k in range(5)]
                cells = [f"2{r % 100:02d}{r:04d}", f"科目{r}", f"{sum(amounts):,.2f}", *[f"{a:,.2f}" for a in amounts]]
            for c, text in enumerate(cells):
                page.insert_text((xs[c] + 3, top + r * ROW_HEIGHT + 12), text, fontname="china-s", fontsize=8)
    doc.save(path, garbage=3, deflate=True)


def median_time(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10, 20, 40, 80, 160, 320])
    ap.add_argument("--pages", type=int, default=10)
    ns = ap.parse_args(argv)
    print(machine())
    print("| rows per table | cells per page | extraction ms/page | whole document ms/page | whole document µs/cell | facts/page |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="juesuan-size-") as tmp:
        for rows in ns.rows:
            path = Path(tmp) / f"rows{rows}.pdf"
            table_pdf(rows, ns.pages, path)
            data = path.read_bytes()
            t_extract = median_time(lambda data=data: extract_pdf(data, ocr="never"))
            result = process_document(path, with_crops=True)
            assert result.document["status"] == "done", result.document
            t_whole = median_time(lambda path=path: process_document(path, with_crops=True))
            cells = (rows + 1) * len(WIDTHS)
            facts = len(result.records["fiscal_facts"]) / ns.pages
            print(f"| {rows} | {cells} | {t_extract / ns.pages * 1000:.1f} | {t_whole / ns.pages * 1000:.1f} | "
                  f"{t_whole / ns.pages / cells * 1e6:.0f} | {facts:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
