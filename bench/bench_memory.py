"""Peak memory (RSS) of `juesuan run` on long documents: 100, 250 and 500 pages.

    .venv/bin/python bench/bench_memory.py [--pages 100 250 500]

The long documents are the native samples (samples/native/*.pdf) appended to each other until
the page count is reached: real 决算 tables, some 11 per 14 pages. Each is run as
`juesuan run DOC --ocr never` (one worker process); memory is the resident size of juesuan and
its worker together, sampled every 50 ms (psutil). The floor for 500 pages is 1 GB."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pymupdf
from measure import REPO, machine, run_cli


def long_document(pages: int, path: Path) -> None:
    parts = [pymupdf.open(p) for p in sorted((REPO / "samples" / "native").glob("*.pdf"))]
    doc = pymupdf.open()
    while doc.page_count < pages:
        for part in parts:
            doc.insert_pdf(part, to_page=min(part.page_count, pages - doc.page_count) - 1)
            if doc.page_count >= pages:
                break
    doc.save(path, garbage=3, deflate=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[100, 250, 500])
    ns = ap.parse_args(argv)
    print(machine())
    print("| pages | seconds | pages/s | peak RSS, juesuan + worker (MB) | summary |")
    print("| ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory(prefix="juesuan-mem-") as tmp:
        for pages in ns.pages:
            doc = Path(tmp) / f"long_{pages}.pdf"
            long_document(pages, doc)
            seconds, peak, summary = run_cli(["run", str(doc), "--out", str(Path(tmp) / f"out{pages}"), "--ocr", "never"])
            print(f"| {pages} | {seconds:.1f} | {pages / seconds:.1f} | {peak:.0f} | {summary} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
