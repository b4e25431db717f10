"""Aligning a row's cells to its columns when a converter moved them.

A row is a sequence of non-empty tokens; each column has a role. `align_tokens` keeps the
cells where they are when every one fits the role above it; otherwise it finds the monotone
alignment of tokens to roles that fits best, where a role may stay blank and a token may be
left out (a surplus cell) at a cost. The caller's `fit(text, role)` says how well a text
suits a role (> 0 fits, < 0 does not)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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


def align_tokens(tokens: list[Token], roles: list[tuple[int, str]], fit: Fit, place_fit: Fit | None = None
                 ) -> tuple[dict[int, Token], list[Token], bool]:
    """Returns (role index → token, tokens left out, moved?). `place_fit` judges tokens left
    where they are (it may trust the header more than `fit`, which judges moved tokens)."""
    if fits_in_place(tokens, roles, place_fit or fit):
        index = {col: k for k, (col, _) in enumerate(roles)}
        return {index[t.col]: t for t in tokens}, [], False
    n, m = len(tokens), len(roles)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
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
    assigned: dict[int, Token] = {}
    dropped: list[Token] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, how = back[i][j]
        if how == "take":
            assigned[pj] = tokens[pi]
        elif how == "drop":
            dropped.append(tokens[pi])
        i, j = pi, pj
    return assigned, dropped[::-1], True
