"""The amount cells camelot lattice finds in PDFs, once, as a fixture for tests and benchmarks.

    .venv/bin/python bench/camelot_census.py PDF_or_folder... --out tests/fixtures/national_camelot_cells.json

Entry point: `census(paths) -> dict`. camelot lattice (the reference backend's settings:
`pipeline.extract.camelot_backend.read_camelot_tables`, engine "combined", split text) reads every
page (slow: about 5 s per document); each table goes through `convert_table`, so cell boxes are in
PyMuPDF page coordinates, derotated, as `tables.regions` are. Output, compact JSON:

    {sha256: {"filename": NAME, "pages": {"PAGE": [[cx, cy, TEXT], ...]}}}

with the cell centre rounded to 0.1 pt and TEXT the cell text without whitespace. Files that are
not PDFs (no `%PDF-` header: HTML pages saved as .pdf) are skipped.

An **amount cell** is a cell whose text, whitespace removed, is a number
`-?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?` — thousands separators and decimals allowed, no `%` (a
percentage is not an amount) — and, when it is a bare integer without separator or decimal point,
is `0` or has 4, 6 or 8+ digits: 3, 5 and 7 digits are classification codes (类 201, 款 20101,
项 2010101; economic 301 / 30101), 1–2 digits are row numbers (行次, 栏次) or 款/项 parts (`01`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pymupdf  # noqa: E402

from pipeline.extract.camelot_backend import convert_table, read_camelot_tables  # noqa: E402

AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def is_amount(text: str) -> bool:
    """See the module docstring."""
    t = "".join(text.split())
    if not AMOUNT.match(t):
        return False
    if "," in t or "." in t:
        return True
    digits = len(t.lstrip("-"))
    return t.lstrip("-") == "0" or digits in (4, 6) or digits >= 8


def document_cells(path: Path, data: bytes) -> dict[str, list[list]]:
    """Page number (as a string) → amount cells of that page, in camelot's table order."""
    doc = pymupdf.open(stream=data, filetype="pdf")
    pages: dict[str, list[list]] = {}
    for number, page in enumerate(doc, start=1):
        cells = []
        for table in read_camelot_tables(str(path), number):
            for cell in convert_table(table, page, number).cells:
                if cell.bbox and is_amount(cell.text):
                    x0, y0, x1, y1 = cell.bbox
                    cells.append([round((x0 + x1) / 2, 1), round((y0 + y1) / 2, 1), "".join(cell.text.split())])
        if cells:
            pages[str(number)] = cells
    return pages


def pdf_files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for a in args:
        p = Path(a)
        files += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return files


def census(paths: list[Path], log=sys.stderr) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in paths:
        data = path.read_bytes()
        if not data.startswith(b"%PDF-"):
            print(f"skip (not a PDF): {path.name}", file=log)
            continue
        started = time.perf_counter()
        pages = document_cells(path, data)
        out[hashlib.sha256(data).hexdigest()] = {"filename": path.name, "pages": pages}
        print(f"{path.name}: {sum(len(v) for v in pages.values())} amount cells, "
              f"{time.perf_counter() - started:.1f}s", file=log, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", help="PDFs or folders")
    ap.add_argument("--out", type=Path, required=True)
    ns = ap.parse_args(argv)
    result = census(pdf_files(ns.inputs))
    ns.out.parent.mkdir(parents=True, exist_ok=True)
    ns.out.write_text(json.dumps(result, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(result)} documents, {sum(len(c) for d in result.values() for c in d['pages'].values())} "
          f"amount cells → {ns.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
