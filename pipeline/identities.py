"""Accounting identities these tables obey, evaluated on values keyed by canonical column.

Shared by realign (the arbiter between alignments that fit equally) and validate (the checks).
Published tables round to 0.01 per figure, so a sum may miss by 0.01 per summed term."""
from __future__ import annotations

from pipeline.catalog import Identity

TOLERANCE_PER_TERM = 0.011


def evaluate(identity: Identity, values: dict[str, float | None]) -> tuple[bool, float, float] | None:
    """(holds, expected, actual) for one identity; None when its total is not in `values`.
    A part missing from `values` (blank cell, column not published) counts as 0."""
    if identity.total not in values:
        return None
    present = [p for p in identity.parts if p in values]
    if not present:
        return None
    expected = round(sum(values.get(p) or 0.0 for p in identity.parts), 6)
    actual = values.get(identity.total) or 0.0
    return abs(expected - actual) <= TOLERANCE_PER_TERM * max(len(present), 1), expected, actual


def count_holding(identities, values: dict[str, float | None]) -> tuple[int, int]:
    """(holding, failing) over the identities that apply to `values`."""
    holding = failing = 0
    for identity in identities:
        result = evaluate(identity, values)
        if result is None:
            continue
        if result[0]:
            holding += 1
        else:
            failing += 1
    return holding, failing
