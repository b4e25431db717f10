"""`juesuan run --ocr never`, the whole command, against camelot lattice's vector engine, on the
budget + 决算 pages of the shared corpus, in one run.

    .venv/bin/python bench/bench_end_to_end.py [--runs 3] [--workers N] [--also-workers 2] [PDF or folder ...]

Default inputs (next to the repo, `../shared/corpus`): the two PDFs of `corpus/real` (普陀区财政局
2024 决算 and the 部门决算 template), the 普陀区 2025 预算 of `corpus/budget`, and every document
of `corpus/national` that `tests/test_national_corpus.py` expects as `documents.kind = budget`,
less those that are not PDFs (portal HTML pages saved as `.pdf`: camelot cannot read them, so
neither side gets them). The files and their page counts are printed first.

Each round runs, in this order:

- the reference: `camelot.read_pdf(path, pages="all", flavor="lattice", engine="vector")` over
  every file, in this process (camelot imported once, before the clock: its import is not counted);
- ours: `python -m pipeline.cli run FILES --ocr never --out <fresh folder>` as a subprocess, i.e.
  the whole command: interpreter start and imports, the worker process(es), extraction, stitch,
  keys, realign, validation, report crops, a fresh DuckDB warehouse, the JSONL files, the report
  site, exit. `--workers` is passed only when given (default: `juesuan run`'s own default).

The rounds alternate (camelot, ours, camelot, ours, ...), so a load that comes and goes on the
machine falls on both; the medians of `--runs` rounds give the ratio camelot / ours (> 1: ours is
faster). Peak RSS is that of `juesuan` and its workers together, sampled every 50 ms (psutil).
`--also-workers N` adds an alternated measurement with `--workers N`; `--also-tree DIR` one of
another source tree (a copy before a change), run the same way.
"""
from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import pymupdf  # noqa: E402
from measure import machine, pdfs_in, run_cli  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
KINDS_TEST = REPO / "tests" / "test_national_corpus.py"


def expected_kinds() -> dict[str, str]:
    """`EXPECTED_KIND` of tests/test_national_corpus.py (file name → documents.kind), read
    without importing the test module."""
    for node in ast.parse(KINDS_TEST.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if getattr(target, "id", None) == "EXPECTED_KIND":
            return ast.literal_eval(node.value)
    raise SystemExit(f"no EXPECTED_KIND in {KINDS_TEST}")


def corpus_dir(path: Path) -> None:
    global CORPUS
    CORPUS = path


def default_inputs() -> list[Path]:
    files = sorted((CORPUS / "real").glob("*.pdf"))
    files += sorted(p for p in (CORPUS / "budget").glob("*.pdf") if "普陀" in p.name)
    kinds = expected_kinds()
    files += [CORPUS / "national" / name for name, kind in sorted(kinds.items()) if kind == "budget"]
    return files


def collect(args: list[str]) -> list[Path]:
    return pdfs_in(args) if args else default_inputs()


def pdf_pages(files: list[Path]) -> tuple[list[tuple[Path, int]], list[Path]]:
    """(PDFs with their page counts, files left out: not PDFs)."""
    kept, left = [], []
    for f in files:
        with pymupdf.open(f) as doc:
            (kept if doc.is_pdf else left).append((f, doc.page_count) if doc.is_pdf else f)
    return kept, left


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="passed to juesuan run (default: its own default)")
    ap.add_argument("--also-workers", type=int, default=None, help="also time juesuan run --workers N")
    ap.add_argument("--also-tree", type=Path, default=None,
                    help="also time juesuan run from this source tree (another checkout: before/after)")
    ap.add_argument("--keep", type=Path, default=None, help="leave the last run's output folder here")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the shared corpus (default ../shared/corpus)")
    ns = ap.parse_args(argv)
    corpus_dir(ns.corpus)

    kept, left = pdf_pages(collect(ns.inputs))
    files = [f for f, _ in kept]
    pages = sum(n for _, n in kept)
    print(f"machine: {machine()}")
    by_folder: dict[str, tuple[int, int]] = {}
    for f, n in kept:
        docs, p = by_folder.get(f.parent.name, (0, 0))
        by_folder[f.parent.name] = (docs + 1, p + n)
    print(f"inputs: {len(files)} PDFs, {pages} pages ("
          + ", ".join(f"{folder}: {d} files, {p} pages" for folder, (d, p) in by_folder.items()) + ")")
    for f, n in kept:
        print(f"  {n:4d}  {f.parent.name}/{f.name}")
    if left:
        print("left out (not PDFs): " + ", ".join(f"{f.parent.name}/{f.name}" for f in left))

    import camelot

    def run_camelot() -> tuple[float, int]:
        started = time.perf_counter()
        tables = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for f in files:
                tables += len(camelot.read_pdf(str(f), pages="all", flavor="lattice", engine="vector"))
        return time.perf_counter() - started, tables

    settings = [("default" if ns.workers is None else f"--workers {ns.workers}", ns.workers, REPO)]
    if ns.also_tree is not None:
        settings.append((f"{settings[0][0]}, tree {ns.also_tree}", ns.workers, ns.also_tree.resolve()))
    if ns.also_workers is not None:
        settings.append((f"--workers {ns.also_workers}", ns.also_workers, REPO))
    times: dict[str, list[float]] = {"camelot": [], **{label: [] for label, _, _ in settings}}
    peaks: dict[str, list[float]] = {label: [] for label, _, _ in settings}
    summaries: dict[str, str] = {}
    camelot_tables = 0
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        for run in range(ns.runs):
            seconds, camelot_tables = run_camelot()
            times["camelot"].append(seconds)
            print(f"run {run + 1}: camelot lattice vector {seconds:.2f} s ({camelot_tables} tables)", flush=True)
            for label, workers, tree in settings:
                out = Path(tmp) / f"out-{run}-{label.replace(' ', '')}"  # fresh folder, fresh DuckDB
                args = ["run", *map(str, files), "--ocr", "never", "--out", str(out)]
                args += [] if workers is None else ["--workers", str(workers)]
                seconds, peak, summaries[label] = run_cli(args, cwd=tree)
                times[label].append(seconds)
                peaks[label].append(peak)
                print(f"run {run + 1}: juesuan run --ocr never ({label}) {seconds:.2f} s, peak RSS {peak:.0f} MB",
                      flush=True)
        if ns.keep:
            import shutil

            shutil.rmtree(ns.keep, ignore_errors=True)
            shutil.copytree(out, ns.keep)

    ref = statistics.median(times["camelot"])
    print(f"\n{len(files)} PDFs, {pages} pages; median of {ns.runs} alternated runs")
    print("| method | seconds (median) | pages/s | peak RSS (MB) | camelot / this |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| camelot {camelot.__version__} lattice, engine=\"vector\" ({camelot_tables} tables) | {ref:.2f} | "
          f"{pages / ref:.1f} | - | 1.00 |")
    for label, _, _ in settings:
        t = statistics.median(times[label])
        print(f"| juesuan run --ocr never, end to end ({label}) | {t:.2f} | {pages / t:.1f} | "
              f"{max(peaks[label]):.0f} | **{ref / t:.2f}×** |")
    for label, _, _ in settings:
        print(f"{label}: {summaries[label]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
