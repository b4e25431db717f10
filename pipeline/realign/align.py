"""Aligning a row's cells to its columns when a converter moved them.

A row is a sequence of non-empty tokens; each column has a role. `align_tokens` keeps the
cells where they are when every one fits the role above it; otherwise it finds the monotone
alignment of tokens to roles that fits best, where a role may stay blank and a token may be
left out (a surplus cell) at a cost. The caller's `fit(text, role)` says how well a text
suits a role (> 0 fits, < 0 does not)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

DROP = 4.0  # cost of leaving a token out
SAME_COLUMN = 0.2  # bonus for a token that stays in its own column: breaks ties, no more

Fit = Callable[[str, str], float]


@dataclass
class Token:
    col: int
    text: str  # whitespace and markup removed
    raw: str = ""


def fits_in_place(tokens: list[Token], roles: list[tuple[int, str]], fit: Fit) -> bool:
    by_col = dict(roles)
    return all(t.col in by_col and fit(t.text, by_col[t.col]) > 0 for t in tokens)


def placements(tokens: list[Token]) -> Iterator[tuple[list[Token], bool]]:
    """The row as printed, then the row with one blank cell moved elsewhere (a cell lost at
    one place and a separator doubled at another), then the whole row slid."""
    yield tokens, False
    cols = [t.col for t in tokens]
    width = max(cols) + 2
    blanks = [c for c in range(width) if c not in cols]
    for p in blanks:
        for q in range(width):
            if q < p:  # cells in [q, p) move right
                yield [Token(t.col + 1 if q <= t.col < p else t.col, t.text, t.raw) for t in tokens], True
            elif q > p:  # cells in (p, q] move left
                yield [Token(t.col - 1 if p < t.col <= q else t.col, t.text, t.raw) for t in tokens], True
    for shift in (1, -1, 2, -2):
        yield [Token(t.col + shift, t.text, t.raw) for t in tokens], True


def best_placement(tokens: list[Token], roles: list[tuple[int, str]], place_fit: Fit, fit: Fit,
                   kin: dict[str, str] | None = None) -> tuple[float, list[Token], bool] | None:
    """(score, tokens at their columns, moved?) of the best placement in which every token
    fits the column it lands in; None when no placement does. Unmoved wins ties. A token is
    judged by `place_fit` where it stands or where it moves among columns of its kind (`kin`:
    role → family), by `fit` where it moves to a column of another kind."""
    by_col = dict(roles)
    kin = kin or {}
    best = None
    for candidate, moved in placements(tokens):
        if not all(t.col in by_col for t in candidate):
            continue
        fits = []
        for new, old in zip(candidate, tokens):
            role, was = by_col[new.col], by_col.get(old.col)
            same_kind = role == was or (role in kin and was is not None and kin.get(was) == kin[role])
            fits.append((place_fit if same_kind else fit)(new.text, role))
        if min(fits, default=1.0) <= 0:
            continue
        score = sum(fits) + SAME_COLUMN * len(candidate) - (SAME_COLUMN if moved else 0.0)
        if best is None or score > best[0] + 1e-9:
            best = (score, candidate, moved)
    return best


def align_tokens(tokens: list[Token], roles: list[tuple[int, str]], fit: Fit, place_fit: Fit | None = None,
                 kin: dict[str, str] | None = None) -> tuple[dict[int, Token], list[Token], bool]:
    """Returns (role index → token, tokens left out, moved?). `place_fit` judges tokens left
    where they are (it may trust the header more than `fit`, which judges moved tokens)."""
    place_fit = place_fit or fit
    n, m = len(tokens), len(roles)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == neg:
                continue
            if j < m and here > best[i][j + 1]:  # role left blank
                best[i][j + 1], back[i][j + 1] = here, (i, j, "skip")
            if i < n:
                if here - DROP > best[i + 1][j]:  # token left out
                    best[i + 1][j], back[i + 1][j] = here - DROP, (i, j, "drop")
                if j < m:
                    col, role = roles[j]
                    gain = here + fit(tokens[i].text, role) + (SAME_COLUMN if tokens[i].col == col else 0.0)
                    if gain > best[i + 1][j + 1]:
                        best[i + 1][j + 1], back[i + 1][j + 1] = gain, (i, j, "take")
    placed = best_placement(tokens, roles, place_fit, fit, kin)
    if placed is not None and placed[0] >= best[n][m] - 1e-9:
        # cells stay in their columns (or move as one block) unless an alignment of single
        # cells fits clearly better: a shifted row can fit in place by accident
        _, moved_tokens, edited = placed
        index = {col: k for k, (col, _) in enumerate(roles)}
        return {index[t.col]: orig for t, orig in zip(moved_tokens, tokens)}, [], edited
    assigned: dict[int, Token] = {}
    dropped: list[Token] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None  # every reachable cell but the origin has a way in
        pi, pj, how = step
        if how == "take":
            assigned[pj] = tokens[pi]
        elif how == "drop":
            dropped.append(tokens[pi])
        i, j = pi, pj
    return assigned, dropped[::-1], True
