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
    # rounding leaves a tail of up to 0.01 for each figure that was rounded, not for blanks
    terms = sum(1 for p in present if values.get(p)) or 1
    return abs(expected - actual) <= TOLERANCE_PER_TERM * terms, expected, actual


def tally(identities, values: dict[str, float | None]) -> tuple[int, int, float]:
    """(holding, failing, total residual) over the identities that apply to `values`."""
    holding = failing = 0
    residual = 0.0
    for identity in identities:
        result = evaluate(identity, values)
        if result is None:
            continue
        holding, failing = (holding + 1, failing) if result[0] else (holding, failing + 1)
        residual += abs(result[1] - result[2])
    return holding, failing, residual
