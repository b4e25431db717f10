"""Throughput of `juesuan run` with one and with two worker processes, on a multi-document run.

    .venv/bin/python bench/bench_workers.py [INPUT ...] [--runs 3]

Default inputs: samples/ (native, mixed and scanned PDFs: OCR included) and, when present,
../shared/corpus and ../shared/seeds (real PDFs and text dumps). Each setting runs `juesuan run
INPUTS --workers N` as a fresh process into a fresh folder, alternating, `--runs` times; the
median wall time, start-up and the whole run's storage and report included, gives documents
and pages per second. The floor: `--workers 2` at least 1.6× `--workers 1`.

Parallelism is per document, so a run is never shorter than its longest document (here the
14-page scan, about half of all the work). Hence two batches: the inputs as published, and the
same PDF pages published as documents of at most `--split` pages (disclosures often come as
several files), where no one document dominates; that batch again with `JUESUAN_THREADS=1`
(onnxruntime and OpenCV on one thread per worker, so that `--workers 1` uses one core: the
scaling of the worker processes alone). A last batch has no OCR at all: the text-layer PDFs and
text dumps, `--copies` times (each copy its own document), the shape of a crawl of native
disclosures."""
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
    found = [REPO / "samples", *sorted((shared / "corpus").rglob("*.pdf"))]
    if (shared / "seeds").is_dir():
        found.append(shared / "seeds")
    return [str(p) for p in found]


def split_documents(inputs: list[str], most: int, folder: Path) -> list[str]:
    """Every PDF of the inputs cut into documents of at most `most` pages; text dumps as they are."""
    from pipeline.run import collect_inputs

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, path in enumerate(collect_inputs(inputs)):
        if path.suffix.lower() != ".pdf":
            out.append(str(path))
            continue
        doc = pymupdf.open(path)
        for start in range(0, doc.page_count, most):
            part = pymupdf.open()
            part.insert_pdf(doc, from_page=start, to_page=min(start + most, doc.page_count) - 1)
            target = folder / f"{i:02d}_{path.stem}_p{start + 1}.pdf"
            part.save(target, garbage=3, deflate=True)
            out.append(str(target))
    return [str(folder)] + [p for p in out if not p.startswith(str(folder))]


def native_copies(copies: int, folder: Path) -> list[str]:
    """A crawl-sized batch without OCR: every text-layer PDF of samples/native and
    ../shared/corpus and every seed dump, `copies` times, each copy its own document (a
    comment appended after the PDF's %%EOF, a blank line after a dump: other bytes, other sha256)."""
    shared = REPO.parent / "shared"
    files = sorted((REPO / "samples" / "native").glob("*.pdf")) + sorted((shared / "corpus").rglob("*.pdf"))
    files += sorted((shared / "seeds").glob("*.txt")) if (shared / "seeds").is_dir() else []
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for i, path in enumerate(files):
            tail = f"\n% copy {k}\n".encode() if path.suffix == ".pdf" else b"\n" * (k + 1)
            (folder / f"{k}_{i:02d}{path.suffix}").write_bytes(path.read_bytes() + tail)
    return [str(folder)]


def count(inputs: list[str]) -> tuple[int, int]:
    from pipeline.run import collect_inputs

    files = collect_inputs(inputs)
    pages = sum(pymupdf.open(f).page_count if f.suffix.lower() == ".pdf" else 1 for f in files)
    return len(files), pages


def compare(label: str, inputs: list[str], runs: int, tmp: Path, env: dict[str, str] | None = None) -> float:
    documents, pages = count(inputs)
    print(f"\n{label}: {documents} documents, {pages} pages; median of {runs} runs"
          + (f" ({' '.join(f'{k}={v}' for k, v in env.items())})" if env else ""))
    times: dict[int, list[float]] = {1: [], 2: []}
    peaks: dict[int, list[float]] = {1: [], 2: []}
    summaries = {}
    for run in range(runs):
        for workers in (1, 2):
            out = tmp / f"out-{len(label)}-{workers}-{run}"
            seconds, peak, summaries[workers] = run_cli(["run", *inputs, "--out", str(out), "--workers", str(workers)], env)
            times[workers].append(seconds)
            peaks[workers].append(peak)
            print(f"  run {run + 1}, --workers {workers}: {seconds:.1f} s, peak RSS {peak:.0f} MB", flush=True)
    print("| setting | seconds (median) | documents/s | pages/s | peak RSS (MB) | summary |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for workers in (1, 2):
        t = statistics.median(times[workers])
        print(f"| --workers {workers} | {t:.1f} | {documents / t:.2f} | {pages / t:.1f} | {max(peaks[workers]):.0f} | "
              f"{summaries[workers]} |")
    ratio = statistics.median(times[1]) / statistics.median(times[2])
    print(f"ratio ({label}): --workers 2 = {ratio:.2f}× the throughput of --workers 1")
    return ratio


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--split", type=int, default=8, help="pages per document in the second batch (0: none)")
    ap.add_argument("--copies", type=int, default=4, help="copies of each native document in the last batch (0: none)")
    ap.add_argument("--batches", default="published,split,native",
                    help="which batches to run, of published, split (also with one thread per worker) and native")
    ns = ap.parse_args(argv)
    batches = set(ns.batches.split(","))
    inputs = [str(Path(p).resolve()) for p in ns.inputs] or default_inputs()
    print(machine())
    print(f"inputs: {' '.join(inputs)}")
    with tempfile.TemporaryDirectory(prefix="juesuan-workers-") as tmp:
        if "published" in batches:
            compare("as published", inputs, ns.runs, Path(tmp))
        if ns.split and "split" in batches:
            parts = split_documents(inputs, ns.split, Path(tmp) / "split")
            label = f"split into documents of at most {ns.split} pages"
            compare(label, parts, ns.runs, Path(tmp))
            # one OCR thread per worker at all times: how far the worker processes alone scale
            compare(f"{label}, one thread per worker", parts, ns.runs, Path(tmp), {"JUESUAN_THREADS": "1"})
        if ns.copies and not ns.inputs and "native" in batches:
            compare(f"native batch, {ns.copies} copies of each text-layer document",
                    native_copies(ns.copies, Path(tmp) / "copies"), ns.runs, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
