"""Accounting identities these tables obey, evaluated on values keyed by canonical column.

Shared by realign (the arbiter between alignments that fit equally) and validate (the checks).
Published tables round to 0.01 per figure, so a sum may miss by 0.01 per summed term.

A table's identities form a tree (`pipeline.catalog.spec.Identity`): a part the row does not
hold stands for the sum of its own parts where another identity of the table names them, so
`合计 = 基本支出 + 项目支出` holds on a table that prints 人员经费 and 公用经费 but no 基本支出."""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.catalog import Identity

TOLERANCE_PER_TERM = 0.011

Values = dict[str, float | None]


def resolve(name: str, values: Values, tree: Sequence[Identity], seen: frozenset[str] = frozenset()
            ) -> tuple[float, int] | None:
    """(value, rounded terms) of a column: its own cell where the row has the column, else the
    sum of its parts by the tree; None when neither."""
    if name in values:
        value = values[name]
        return (value or 0.0, 1 if value else 0)
    if name in seen:
        return None
    for identity in tree:
        if identity.total == name:
            return _sum_parts(identity, values, tree, seen | {name})
    return None


def _sum_parts(identity: Identity, values: Values, tree: Sequence[Identity], seen: frozenset[str]
               ) -> tuple[float, int] | None:
    parts = [resolve(p, values, tree, seen) for p in identity.parts]
    found = [p for p in parts if p is not None]
    if not found:
        return None
    return round(sum(v for v, _ in found), 6), sum(t for _, t in found)


def evaluate(identity: Identity, values: Values, tree: Sequence[Identity] = ()) -> tuple[bool, float, float] | None:
    """(holds, expected, actual) for one identity; None when its total is not in `values` or
    none of its parts can be read. A part missing from `values` and from the tree counts as 0."""
    if identity.total not in values:
        return None
    summed = _sum_parts(identity, values, tree or (identity,), frozenset({identity.total}))
    if summed is None:
        return None
    expected, terms = summed
    actual = values.get(identity.total) or 0.0
    # rounding leaves a tail of up to 0.01 for each figure that was rounded, not for blanks
    return abs(expected - actual) <= TOLERANCE_PER_TERM * max(terms, 1), expected, actual


def tally(identities: Sequence[Identity], values: Values) -> tuple[int, int, float]:
    """(holding, failing, total residual) over the identities that apply to `values`."""
    holding = failing = 0
    residual = 0.0
    for identity in identities:
        result = evaluate(identity, values, identities)
        if result is None:
            continue
        holding, failing = (holding + 1, failing) if result[0] else (holding, failing + 1)
        residual += abs(result[1] - result[2])
    return holding, failing, residual
