"""Body rows of fiscal tables put back under their columns.

Converters drop a row's leading blanks (the row slides left), double a separator (the rest of
the row slides right) or add a surplus cell. A row stays as it is when every cell fits the
column above it and the row's identities hold; otherwise the candidates — the row slid
left or right as a whole, and the best type alignment (`align_tokens`) — compete, and the
identities the table obeys (本年收入合计 = Σ sources …) decide between those that fit."""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline import catalog, identities
from pipeline.catalog import TableSpec
from pipeline.numbers import clean_text, is_null_marker, parse_number
from pipeline.realign.align import Token, align_tokens
from pipeline.realign.header import Column

_CODE = re.compile(r"^\d{3,9}$")
_SMALL_INT = re.compile(r"^\d{1,3}$")
_ENDS_IN_FIGURE = re.compile(r"\D[\d,]*\d\.\d+$")
MAX_SLIDE = 2


def fiscal_fit(text: str, role: str) -> float:
    number = parse_number(text)
    if role == "code":
        if _CODE.match(text):
            return 3.0
        return 0.5 if text in catalog.TOTAL_LABELS else -3.0
    if role == "label":
        if number is not None or _CODE.match(text):
            return -6.0
        return -1.0 if _ENDS_IN_FIGURE.search(text) else 2.0  # a name glued to its first figure
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


def identity_score(spec: TableSpec, cells: list[str], columns: list[Column]) -> tuple[int, int, float]:
    """(holding, failing, residual) of the row's identities, over its sections."""
    holding = failing = 0
    residual = 0.0
    for values in row_values(cells, columns).values():
        h, f, res = identities.tally(spec.identities, values)
        holding, failing, residual = holding + h, failing + f, residual + res
    return holding, failing, residual


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
    """Whether every filled cell fits its column, and the total fit. A figure in an amount
    column no header names (beyond the table's right edge) does not fit."""
    scores = []
    for i, text in enumerate(cells):
        text = clean_text(text)
        if text and i < len(columns):
            col = columns[i]
            scores.append(-2.0 if col.role == "value" and not col.name else fiscal_fit(text, col.role))
    return all(s > 0 for s in scores), sum(scores)


_SPLIT_LEFT = re.compile(r"^-?[\d,]*\d[.,]$")
_SPLIT_RIGHT = re.compile(r"^\d+%?$")
_LABEL_THEN_FIGURE = re.compile(r"^(.*\S)\s+(-?[\d,]*\d\.\d+)$")


def join_split_numbers(cells: list[str]) -> tuple[list[str], str | None]:
    """`1234.` | `56` → `1234.56` (a number a converter cut across two cells)."""
    out, joined = [], []
    i = 0
    while i < len(cells):
        left = clean_text(cells[i])
        if i + 1 < len(cells) and _SPLIT_LEFT.match(left) and _SPLIT_RIGHT.match(clean_text(cells[i + 1])):
            out.append(left + clean_text(cells[i + 1]))
            joined.append(out[-1])
            i += 2
            continue
        out.append(cells[i])
        i += 1
    out += [""] * (len(cells) - len(out))
    return (out, f"number {', '.join(joined)} joined from two cells") if joined else (cells, None)


def _fit_width(row: list[str], n: int) -> list[str] | None:
    """`row` cut or padded to n cells; None when that would lose a filled cell."""
    if len(row) > n:
        if any(clean_text(t) for t in row[n:]):
            return None
        return row[:n]
    return row + [""] * (n - len(row))


def candidate_rows(cells: list[str], columns: list[Column]) -> Iterator[tuple[str, list[str]]]:
    """Ways a converter may have moved this row's cells, each undone: the row slid as a whole,
    one blank cell too many (a doubled separator) or too few (a lost cell), a label printed
    with its first figure, and the best alignment of the cells to the column types."""
    n = len(cells)
    for k in range(1, MAX_SLIDE + 1):
        for shift in (k, -k):
            moved = slid(cells, shift)
            if moved:
                yield f"slid {abs(shift)} column(s) {'right' if shift > 0 else 'left'}", moved
    for p in range(n - 1):
        if not clean_text(cells[p]):
            row = _fit_width(cells[:p] + cells[p + 1:], n)
            if row:
                yield f"doubled separator at column {p + 1} removed", row
    for p in range(1, n):
        row = _fit_width(cells[:p] + [""] + cells[p:], n)
        if row:
            yield f"lost cell at column {p + 1} restored", row
        if clean_text(cells[p]) and clean_text(cells[p]) == clean_text(cells[p - 1]):
            yield f"repeated cell {clean_text(cells[p])!r} at column {p + 1} removed", cells[:p] + cells[p + 1:] + [""]
    for p, text in enumerate(cells):
        m = _LABEL_THEN_FIGURE.match(text.strip())
        if m and columns[p].role in ("label", "code") and parse_number(m.group(2)) is not None:
            row = _fit_width(cells[:p] + [m.group(1), m.group(2)] + cells[p + 1:], n)
            if row:
                yield f"label and figure split from one cell ({clean_text(text)!r})", row
    tokens = [Token(i, clean_text(t), t) for i, t in enumerate(cells) if clean_text(t)]
    assigned, dropped, _ = align_tokens(tokens, [(c.index, c.role) for c in columns], fiscal_fit)
    if not dropped:
        yield "cells realigned by type", placed(tokens, assigned, columns, n)


def realign_row(cells: list[str], columns: list[Column], spec: TableSpec) -> tuple[list[str], str | None]:
    """The row's cells under their columns, and what was done to them (None: nothing)."""
    fits, _ = type_score(cells, columns)
    holding, failing, _ = identity_score(spec, cells, columns)
    if fits and not failing:
        return cells, None

    def rank(item: tuple[int, tuple[str, list[str]]]) -> tuple:
        order, (name, row) = item
        ok, score = type_score(row, columns)
        h, f, residual = identity_score(spec, row, columns)
        return (ok, -f, h, -round(residual, 4), score, -order)

    options = list(enumerate([("as published", cells), *candidate_rows(cells, columns)]))
    _, (best_name, best) = max(options, key=rank)
    if best is cells:
        return cells, None
    shown = lambda row: " | ".join(clean_text(t) or "·" for t in row).rstrip(" |·")  # noqa: E731
    return best, f"row {shown(cells)!r}: {best_name} → {shown(best)!r}"
