"""The national corpus, per city: kinds, camelot amount cells covered by keyed tables, facts confirmed.

    .venv/bin/python bench/bench_national.py [--corpus DIR ...] [--fixture JSON] [--workers N] [--missing N]

Entry point: `measure(files, fixture, workers) -> list[DocMeasure]`. Every file of the corpus
folders (default ../shared/corpus/national and ../shared/corpus/budget) goes through
`pipeline.process.process_document` (default options) in a pool of `--workers` processes. Per
document:

- kind: `documents.kind` (`?` while the pipeline does not write it);
- camelot amount cells: the document's cells in the fixture written by `bench/camelot_census.py`
  (`tests/fixtures/national_camelot_cells.json`; amount cell defined there), found by sha256;
- covered: the cells whose centre lies inside a `regions` box (same page, 0.5 pt slack) of a
  table whose `table_key` is not `other`;
- facts, and those confirmed by `bench/verify_facts.py` (an independent reading of the page).

It prints one row per city (the file-name prefix before `_`; `[budget]` for corpus/budget), the
total and the total over the documents the pipeline calls `budget` (what
tests/test_national_corpus.py holds to its floors, with its own list of kinds), then the
uncovered cells grouped by (document, page, title of the table holding them, or `(no table)`)
and examples of unconfirmed facts.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from verify_facts import Verdict, describe, verify_document  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_DIRS = (CORPUS / "national", CORPUS / "budget")
FIXTURE = REPO / "tests" / "fixtures" / "national_camelot_cells.json"
SLACK = 0.5


@dataclass
class DocMeasure:
    path: Path
    kind: str
    cells: int = 0
    covered: int = 0
    facts: int = 0
    confirmed: int = 0
    uncovered: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # (page, title) → texts
    verdicts: list[Verdict] = field(default_factory=list)
    records: dict[str, list[dict]] = field(default_factory=dict)
    cell_texts: dict[int, list[str]] = field(default_factory=dict)  # table_id → its cells' texts

    @property
    def city(self) -> str:
        """The file-name prefix before `_`; files without one are grouped by folder."""
        name = self.path.name
        return name.split("_", 1)[0] if "_" in name else f"[{self.path.parent.name}]"


def corpus_files(dirs) -> list[Path]:
    return sorted(p for d in dirs if Path(d).is_dir() for p in Path(d).iterdir() if p.suffix.lower() == ".pdf")


Processed = tuple[dict[str, list[dict]], list[Verdict], dict[int, list[str]]]


def process_and_verify(path: Path) -> Processed:
    """The records of one document, the verdicts on its facts and the texts of its tables'
    cells by table_id (in a worker: plain data comes back)."""
    from pipeline.process import process_document

    result = process_document(path)
    facts = result.records.get("fiscal_facts", [])
    pdf = path.read_bytes()
    verdicts = verify_document(pdf, facts) if facts and pdf.startswith(b"%PDF-") else []
    texts = {view.table_id: ["".join(t.split()) for row in view.grid for t in row if t and t.strip()]
             for view in result.views}
    return result.records, verdicts, texts


def process_corpus(files: list[Path], workers: int = 2) -> list[Processed]:
    """`process_and_verify` over the files, in `workers` processes (largest files first)."""
    if workers <= 1:
        return [process_and_verify(f) for f in files]
    order = sorted(range(len(files)), key=lambda i: -files[i].stat().st_size)
    with ProcessPoolExecutor(workers) as pool:
        done = dict(zip(order, pool.map(process_and_verify, [files[i] for i in order])))
    return [done[i] for i in range(len(files))]


def locate(table_regions: list[tuple[dict, list]], page: int, x: float, y: float) -> dict | None:
    """The table whose region on `page` holds the point (a keyed one wins over `other`)."""
    hits = [t for t, regions in table_regions for p, x0, y0, x1, y1 in regions
            if p == page and x0 - SLACK <= x <= x1 + SLACK and y0 - SLACK <= y <= y1 + SLACK]
    return max(hits, key=lambda t: t["table_key"] != "other", default=None)


def coverage(records: dict[str, list[dict]], cells: dict[str, list[list]]) -> tuple[int, int, dict]:
    """(amount cells, covered by a keyed table, uncovered texts by (page, table title))."""
    regions = [(t, t.get("regions") or []) for t in records.get("tables", [])]
    total = covered = 0
    uncovered: dict[tuple[int, str], list[str]] = defaultdict(list)
    for page, page_cells in cells.items():
        for x, y, text in page_cells:
            total += 1
            table = locate(regions, int(page), x, y)
            if table is not None and table["table_key"] != "other":
                covered += 1
            else:
                title = "(no table)" if table is None else f"[{table['table_key']}] {table.get('title') or '(untitled)'}"
                uncovered[(int(page), title)].append(text)
    return total, covered, dict(uncovered)


def measure_document(path: Path, processed: Processed, fixture: dict) -> DocMeasure:
    records, verdicts, texts = processed
    doc = records["documents"][0]
    entry = fixture.get(doc["document_id"], {"pages": {}})
    cells, covered, uncovered = coverage(records, entry["pages"])
    facts = records.get("fiscal_facts", [])
    return DocMeasure(path, str(doc.get("kind") or "?"), cells, covered, len(facts),
                      sum(v.status == "confirmed" for v in verdicts), uncovered, verdicts, records, texts)


def measure(files: list[Path], fixture: dict, workers: int = 2) -> list[DocMeasure]:
    return [measure_document(f, r, fixture) for f, r in zip(files, process_corpus(files, workers))]


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def print_table(measures: list[DocMeasure]) -> None:
    groups: dict[str, list[DocMeasure]] = defaultdict(list)
    for m in measures:
        groups[m.city].append(m)
    print(f"| {'city':6} | docs | kinds | camelot cells | in keyed tables | facts | confirmed |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    budgets = [m for m in measures if m.kind == "budget"]
    for name, ms in sorted(groups.items()) + [("total", measures), ("kind=budget", budgets)]:
        kinds = " ".join(f"{k}:{n}" for k, n in sorted(Counter(m.kind for m in ms).items()))
        cells, covered = sum(m.cells for m in ms), sum(m.covered for m in ms)
        facts, confirmed = sum(m.facts for m in ms), sum(m.confirmed for m in ms)
        print(f"| {name:6} | {len(ms)} | {kinds} | {cells} | {share(covered, cells)} | {facts} | {share(confirmed, facts)} |")


def print_missing(measures: list[DocMeasure], limit: int) -> None:
    print("\nuncovered camelot amount cells by (document, page, table):")
    for m in measures:
        for (page, title), texts in sorted(m.uncovered.items())[:limit]:
            print(f"  {m.path.name} p{page} {title}: {len(texts)} ({', '.join(texts[:4])}{', …' if len(texts) > 4 else ''})")
        if len(m.uncovered) > limit:
            print(f"  {m.path.name}: … {len(m.uncovered) - limit} more (page, table) groups")


def print_verdicts(measures: list[DocMeasure], limit: int) -> None:
    reasons = Counter((v.status, v.reason) for m in measures for v in m.verdicts if v.status != "confirmed")
    if not reasons:
        return
    print("\nfacts not confirmed:", ", ".join(f"{s} ({r}): {n}" for (s, r), n in reasons.most_common()))
    for m in measures:
        bad = [v for v in m.verdicts if v.status != "confirmed"]
        for v in bad[:limit]:
            print(f"  {m.path.name}: {describe(v)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", action="append", type=Path, help="a folder of PDFs (repeatable)")
    ap.add_argument("--fixture", type=Path, default=FIXTURE)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--missing", type=int, default=8, help="uncovered (page, table) groups shown per document")
    ns = ap.parse_args(argv)
    files = corpus_files(ns.corpus or DEFAULT_DIRS)
    if not files:
        print("no corpus files", file=sys.stderr)
        return 2
    fixture = json.loads(ns.fixture.read_text(encoding="utf-8")) if ns.fixture.exists() else {}
    started = time.perf_counter()
    measures = measure(files, fixture, ns.workers)
    print(f"{len(files)} files, {time.perf_counter() - started:.1f}s with {ns.workers} workers "
          f"(processing and verification); fixture {ns.fixture.name}: {len(fixture)} documents\n")
    print_table(measures)
    print_missing(measures, ns.missing)
    print_verdicts(measures, 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
