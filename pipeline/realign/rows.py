"""Body rows of fiscal tables put back under their columns.

Converters drop a row's leading blanks (the row slides left), double a separator (the rest of
the row slides right) or add a surplus cell. A row stays as it is when every cell fits the
column above it and the row's identities hold; otherwise the candidates — the row slid
left or right as a whole, and the best type alignment (`align_tokens`) — compete, and the
identities the table obeys (本年收入合计 = Σ sources …) decide between those that fit."""
from __future__ import annotations

import re

from pipeline import catalog, identities
from pipeline.catalog import TableSpec
from pipeline.numbers import clean_text, is_null_marker, parse_number
from pipeline.realign.align import Token, align_tokens
from pipeline.realign.header import Column

_CODE = re.compile(r"^\d{3,9}$")
_SMALL_INT = re.compile(r"^\d{1,3}$")
MAX_SLIDE = 2


def fiscal_fit(text: str, role: str) -> float:
    number = parse_number(text)
    if role == "code":
        if _CODE.match(text):
            return 3.0
        return 0.5 if text in catalog.TOTAL_LABELS else -3.0
    if role == "label":
        return 2.0 if number is None and not _CODE.match(text) else -6.0
    if role == "rowno":
        return 1.5 if _SMALL_INT.match(text) else -6.0
    if role == "value":
        if number is not None and not _CODE.match(text.replace(",", "")) or is_null_marker(text):
            return 2.0
        return 0.5 if number is not None else -6.0
    return -2.0  # a column with no role (no header, nothing in the body)


def row_values(cells: list[str], columns: list[Column]) -> dict[str, dict[str, float | None]]:
    """Per section (twin tables), canonical column → value."""
    out: dict[str, dict[str, float | None]] = {}
    for col in columns:
        if col.role == "value" and col.name:
            out.setdefault(col.section or "", {})[col.name] = parse_number(cells[col.index])
    return out


def identity_score(spec: TableSpec, cells: list[str], columns: list[Column]) -> tuple[int, int]:
    holding = failing = 0
    for values in row_values(cells, columns).values():
        h, f = identities.count_holding(spec.identities, values)
        holding, failing = holding + h, failing + f
    return holding, failing


def slid(cells: list[str], k: int) -> list[str]:
    """The row moved k columns right (k < 0: left); cells pushed off an edge must be blank."""
    n = len(cells)
    out = [""] * n
    for i, text in enumerate(cells):
        j = i + k
        if 0 <= j < n:
            out[j] = text
        elif clean_text(text):
            return []
    return out


def placed(tokens: list[Token], assigned: dict[int, Token], columns: list[Column], n: int) -> list[str]:
    out = [""] * n
    for k, tok in assigned.items():
        out[columns[k].index] = tok.raw
    return out


def type_score(cells: list[str], columns: list[Column]) -> tuple[bool, float]:
    scores = [fiscal_fit(clean_text(t), columns[i].role) for i, t in enumerate(cells) if clean_text(t) and i < len(columns)]
    return all(s > 0 for s in scores), sum(scores)


def realign_row(cells: list[str], columns: list[Column], spec: TableSpec) -> tuple[list[str], str | None]:
    """The row's cells under their columns, and what was done to them (None: nothing)."""
    fits, _ = type_score(cells, columns)
    holding, failing = identity_score(spec, cells, columns)
    if fits and not failing:
        return cells, None
    candidates: list[tuple[str, list[str]]] = [("as published", cells)]
    for k in range(1, MAX_SLIDE + 1):
        for shift in (k, -k):
            moved = slid(cells, shift)
            if moved:
                candidates.append((f"slid {abs(shift)} column(s) {'right' if shift > 0 else 'left'}", moved))
    tokens = [Token(i, clean_text(t), t) for i, t in enumerate(cells) if clean_text(t)]
    roles = [(c.index, c.role) for c in columns]
    assigned, dropped, _ = align_tokens(tokens, roles, fiscal_fit)
    if not dropped:
        candidates.append(("cells realigned by type", placed(tokens, assigned, columns, len(cells))))

    def rank(item):
        name, row = item
        ok, score = type_score(row, columns)
        h, f = identity_score(spec, row, columns)
        return (ok, -f, h, score, name == "as published")

    best_name, best = max(candidates, key=rank)
    if best is cells:
        return cells, None
    return best, f"row {' | '.join(clean_text(t) for t in cells if clean_text(t))!r}: {best_name}"
