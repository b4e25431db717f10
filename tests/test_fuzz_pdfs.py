"""Mutation fuzzing of the whole run over the sample PDFs (tests/mutate.py): whatever the
mutant, the run ends, every mutant has its documents row, a failed one has a one-line error and
no other record, and no mutant reaches an internal error (an exception juesuan did not expect).
CI runs 50 mutants; the slow tier 1,000 (`pytest -m slow`, result in BENCHMARKS.md)."""
import json
import logging
import os
import re
import time
from collections import Counter

import pytest
from conftest import SAMPLES
from mutate import mutants, seeds

from pipeline.process import RECORD_TABLES, Options
from pipeline.run import run_inputs

SAMPLE_PDFS = sorted(SAMPLES.rglob("*.pdf"))


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fuzz(tmp_path, count: int, seed: int) -> dict:
    folder = tmp_path / "mutants"
    folder.mkdir()
    names = []
    for name, data in mutants(seeds(SAMPLE_PDFS), count, seed):
        (folder / name).write_bytes(data)
        names.append(name)
    out = tmp_path / "out"
    log = logging.FileHandler(tmp_path / "fuzz.log")  # the workers log each document's time there
    logging.getLogger().addHandler(log)
    started = time.monotonic()
    try:
        summary = run_inputs([str(folder)], out, options=Options(page_timeout=60), workers=2)
    finally:
        logging.getLogger().removeHandler(log)
        log.close()
    seconds = time.monotonic() - started
    records = {name: jsonl(out / f"{name}.jsonl") for name in RECORD_TABLES}
    docs = records["documents"]
    assert summary.documents == len(docs)
    assert sorted(d["filename"] for d in docs) == sorted(names)  # nothing lost, nothing twice
    by_id = Counter(d["document_id"] for d in docs)
    internal = []
    for doc in docs:
        assert doc["status"] in ("done", "partial", "failed")
        if doc["error"] and doc["error"].startswith("internal error"):
            internal.append((doc["filename"], doc["error"]))
        if doc["status"] != "failed" or by_id[doc["document_id"]] > 1:
            continue  # (two mutants may be the same bytes: one document, two rows)
        assert doc["error"] and "\n" not in doc["error"]
        for name in ("tables", "fiscal_facts", "perf_projects", "perf_funds", "perf_indicators"):
            assert not [r for r in records[name] if r["document_id"] == doc["document_id"]], (doc["filename"], name)
    internal += [(f["document_id"][:12], f["message"]) for f in records["quality_log"] if "internal error" in f["message"]]
    assert not internal, internal
    result = Counter(d["status"] for d in docs)
    # the log also holds the PDF library's own messages, raw bytes of the mutants included
    log_text = (tmp_path / "fuzz.log").read_text(encoding="utf-8", errors="replace")
    timings = sorted((float(m.group(2)), m.group(1)) for m in re.finditer(
        r"juesuan\[worker \d+\]: (\S+): \w+ in ([\d.]+)s", log_text))
    print(f"{count} mutants (seed {seed}) in {seconds:.0f} s: {dict(result)}; slowest: {timings[-3:]}")
    print("errors:", Counter(d["error"].split(":")[0] for d in docs if d["error"]).most_common(8))
    return result


def test_fifty_mutants_never_crash_or_hang_the_run(tmp_path):
    result = fuzz(tmp_path, 50, seed=int(os.environ.get("JUESUAN_FUZZ_SEED", "1")))
    assert sum(result.values()) == 50


@pytest.mark.slow
def test_thousand_mutants(tmp_path):
    result = fuzz(tmp_path, 1000, seed=int(os.environ.get("JUESUAN_FUZZ_SEED", "2")))
    assert sum(result.values()) == 1000
