"""Cell by cell, our reading of a table against a reference extractor's (camelot): used by
tests/test_camelot_reference.py and bench/bench_native.py, not by the pipeline.

Entry point: `compare_numbers(reference, ours)`; texts compare with `same_text`."""
from __future__ import annotations

import re

from pipeline.model import BBox, RawTable

NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def is_number(text: str) -> bool:
    return bool(NUMBER.match("".join(text.split())))


def _area(b: BBox | None) -> float:
    return (b[2] - b[0]) * (b[3] - b[1]) if b is not None else 0.0


def _overlap(a: BBox | None, b: BBox | None) -> float:
    if a is None or b is None:
        return 0.0
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def compare_numbers(reference: list[RawTable],
                    ours: list[RawTable]) -> list[tuple[int, str, str | None, BBox | None, int]]:
    """For every number cell of `reference` (camelot), our text at the same place.

    Tables are matched by bbox overlap on the same page, cells by the reference cell's centre
    inside our cell's bbox (the smallest such cell). Returns (page, reference text, our text or
    None, reference cell bbox, how many of our cells contain the centre: more than 1 means our
    table has overlapping cells) per number; texts compare with `same_text`."""
    out = []
    for ref in reference:
        same_page = [t for t in ours if t.page == ref.page and t.bbox and ref.bbox]
        best = max(same_page, key=lambda t: _overlap(t.bbox, ref.bbox), default=None)
        if best is not None and _overlap(best.bbox, ref.bbox) <= 0:
            best = None
        for cell in ref.cells:
            if not is_number(cell.text):
                continue
            hits = []
            if best is not None and cell.bbox:
                cx, cy = (cell.bbox[0] + cell.bbox[2]) / 2, (cell.bbox[1] + cell.bbox[3]) / 2
                hits = [m for m in best.cells if m.bbox and m.bbox[0] <= cx <= m.bbox[2] and m.bbox[1] <= cy <= m.bbox[3]]
            found = min(hits, key=lambda m: _area(m.bbox)) if hits else None
            out.append((ref.page, cell.text, found.text if found else None, cell.bbox, len(hits)))
    return out


def same_text(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and "".join(a.split()) == "".join(b.split())
