"""The report site of a many-document run: index and page sizes, and how fast Chromium shows them.

    .venv/bin/python bench/bench_report.py [--documents 100] [--workers 2] [--keep DIR]

Copies of the text-layer samples (samples/native and samples/budget), each with a comment after
%%EOF so that every copy is a document of its own (its own id, its own page), go through
`pipeline.run.run_inputs(..., workers=N)` with OCR off. Printed: the run's wall time, the size of
the index (report.html) and of the document pages (largest, median), the crops per page, and,
where a `chromium` is installed (Debian: `apt-get install chromium`, and a CJK font such as
fonts-wqy-microhei), the wall time of a headless screenshot of an empty page (Chromium's
start-up), of the index and of the largest page (`--screenshot-dir` keeps the PNGs). The floors
(issue 17): index under 300 KB, every document page under 2 MB."""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import REPO, machine

sys.path.insert(0, str(REPO))

from pipeline.process import Options  # noqa: E402
from pipeline.run import run_inputs  # noqa: E402

SOURCES = sorted((REPO / "samples" / "native").glob("*.pdf")) + sorted((REPO / "samples" / "budget").glob("*.pdf"))
INDEX_LIMIT = 300 * 1024
PAGE_LIMIT = 2 * 1024 * 1024


def marked_copies(folder: Path, documents: int) -> list[Path]:
    """`documents` PDFs cycling through `SOURCES`, each a document of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for n in range(documents):
        source = SOURCES[n % len(SOURCES)]
        target = folder / f"{n:03d}_{source.name}"
        target.write_bytes(source.read_bytes() + f"\n% copy {n}\n".encode())
        copies.append(target)
    return copies


def screenshot(page: Path, png: Path, runs: int = 3) -> float:
    """Median seconds of a headless Chromium screenshot of `page` (start-up included)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([browser, "--headless", "--disable-gpu", "--no-sandbox", f"--screenshot={png}",
                        "--window-size=1400,2000", "--hide-scrollbars", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the run here (kept) instead of a temporary folder")
    parser.add_argument("--screenshot-dir", type=Path, help="keep the screenshots here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = marked_copies(Path(tmp) / "in", args.documents)
        out = args.keep or Path(tmp) / "out"
        started = time.perf_counter()
        summary = run_inputs([str(p.parent) for p in inputs[:1]], out, options=Options(ocr="never"),
                             workers=args.workers)
        seconds = time.perf_counter() - started
        index = out / "report.html"
        pages = sorted((out / "report").glob("*.html"), key=lambda p: p.stat().st_size)
        sizes = [p.stat().st_size for p in pages]
        crops = [len(re.findall(r"data:image/jpeg;base64,", p.read_text(encoding="utf-8"))) for p in pages]
        print(f"machine: {machine()}")
        print(f"run: {summary.documents} documents, {summary.tables} tables, --workers {args.workers}: {seconds:.1f} s")
        size = index.stat().st_size
        print(f"index: {size / 1024:.1f} KB ({size / summary.documents / 1024:.2f} KB a document)")
        print(f"document pages: {len(pages)}; largest {sizes[-1] / 2**20:.2f} MB ({pages[-1].name}), "
              f"median {statistics.median(sizes) / 2**20:.2f} MB, total {sum(sizes) / 2**20:.1f} MB; "
              f"crops a page: {min(crops)}–{max(crops)}")
        ok = index.stat().st_size < INDEX_LIMIT and sizes[-1] < PAGE_LIMIT and len(pages) == args.documents
        if shutil.which("chromium") or shutil.which("chromium-browser"):
            shots = args.screenshot_dir or Path(tmp)
            shots.mkdir(parents=True, exist_ok=True)
            empty = Path(tmp) / "empty.html"
            empty.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
            start_up = screenshot(empty, shots / "empty.png")
            print(f"chromium screenshot, empty page (start-up alone): {start_up:.2f} s median of 3")
            print(f"chromium screenshot, index (1400×2000): {screenshot(index, shots / 'index.png'):.2f} s median of 3")
            print(f"chromium screenshot, largest page: {screenshot(pages[-1], shots / 'page.png'):.2f} s median of 3")
        else:
            print("chromium: not installed, no screenshot")
        print("floors (index < 300 KB, every page < 2 MB, a page per document):", "met" if ok else "NOT MET")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
