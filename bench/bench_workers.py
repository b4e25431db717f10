"""Throughput of `juesuan run` with one and with two worker processes, on a multi-document run.

    .venv/bin/python bench/bench_workers.py [INPUT ...] [--runs 3]

Default inputs: samples/ (native, mixed and scanned PDFs: OCR included) and, when present,
../shared/corpus and ../shared/seeds (real PDFs and text dumps). Each setting runs `juesuan run
INPUTS --workers N` as a fresh process into a fresh folder, alternating, `--runs` times; the
median wall time, start-up and the whole run's storage and report included, gives documents
and pages per second. The floor: `--workers 2` at least 1.6× `--workers 1`."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import pymupdf

from measure import REPO, machine, run_cli


def default_inputs() -> list[str]:
    shared = REPO.parent / "shared"
    found = [REPO / "samples"] + [p for p in (shared / "corpus", shared / "seeds") if p.is_dir()]
    return [str(p) for p in found]


def count(inputs: list[str]) -> tuple[int, int]:
    from pipeline.run import collect_inputs

    files = collect_inputs(inputs)
    pages = sum(pymupdf.open(f).page_count if f.suffix.lower() == ".pdf" else 1 for f in files)
    return len(files), pages


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ns = ap.parse_args(argv)
    inputs = ns.inputs or default_inputs()
    documents, pages = count(inputs)
    print(machine())
    print(f"inputs: {' '.join(inputs)} — {documents} documents, {pages} pages; median of {ns.runs} runs")
    times: dict[int, list[float]] = {1: [], 2: []}
    peaks: dict[int, list[float]] = {1: [], 2: []}
    summaries = {}
    with tempfile.TemporaryDirectory(prefix="juesuan-workers-") as tmp:
        for run in range(ns.runs):
            for workers in (1, 2):
                out = Path(tmp) / f"out-{workers}-{run}"
                seconds, peak, summaries[workers] = run_cli(["run", *inputs, "--out", str(out), "--workers", str(workers)])
                times[workers].append(seconds)
                peaks[workers].append(peak)
                print(f"  run {run + 1}, --workers {workers}: {seconds:.1f} s, peak RSS {peak:.0f} MB", flush=True)
    print()
    print("| setting | seconds (median) | documents/s | pages/s | peak RSS (MB) | summary |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for workers in (1, 2):
        t = statistics.median(times[workers])
        print(f"| --workers {workers} | {t:.1f} | {documents / t:.2f} | {pages / t:.1f} | {max(peaks[workers]):.0f} | "
              f"{summaries[workers]} |")
    ratio = statistics.median(times[1]) / statistics.median(times[2])
    print(f"\nratio: --workers 2 = {ratio:.2f}× the throughput of --workers 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
