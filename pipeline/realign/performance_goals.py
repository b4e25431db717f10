"""The goal block of a 绩效 form: which cells are its labels and which are the goals.

Labels — the block's own (年度总体目标, 总体目标, 当年整体绩效目标, 年度总体目标完成情况) and the
goal columns or rows under it (预期目标（年初设定）, 实际完成情况, 实施期总目标, 年度总目标) — are cells
made of nothing but goal-label words (`catalog.performance.GOAL_LABEL`), pieces of a label split
over two lines (`年度` | `总体目标完成情况`) included. Goal texts are the other cells: under their
column label (a header row), right of their row label (`预期目标 | text`), or, with neither, the
goal the block label names. A label is never a goal text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.catalog import performance as vocab
from pipeline.realign.align import Token


def is_goal_label(text: str) -> bool:
    return bool(vocab.GOAL_LABEL.match(text))


def names_block(text: str) -> bool:
    """A label of the whole block (年度总体目标完成情况), or a piece of one naming no goal (`年度`)."""
    return bool(vocab.GOAL_BLOCK_LABEL.match(text)) or goal_role(text) is None


def goal_role(text: str) -> str | None:
    return next((role for role, pattern in vocab.GOAL_ROLES if re.search(pattern, text)), None)


@dataclass
class GoalBlock:
    """The goal block's rows as they come; `goals()` once it has ended."""

    block_labels: set[str] = field(default_factory=set)
    default_role: str = "expected"
    columns: dict[int, str | None] = field(default_factory=dict)  # column of a goal column label → its role (None: no role)
    texts: dict[str | None, list[str]] = field(default_factory=dict)  # role → its texts (None: a column of no role)

    def read_row(self, tokens: list[Token]) -> None:
        tokens = [t for t in tokens if not self._is_block_label(t)]
        if not tokens:
            return
        if all(is_goal_label(t.text) for t in tokens) and not self.texts:
            self._read_labels(tokens)  # once goals were read, a short goal (`完成`) is a goal
            return
        current = None  # the role a row label on this row names
        for tok in tokens:
            if not is_goal_label(tok.text):
                self._add(current or self._column_role(tok, tokens), tok.text)
            elif names_block(tok.text):
                self._take_block_label(tok.text)  # `年度总体目标 | 预期目标 | text`
            else:
                current = goal_role(tok.text)

    def _is_block_label(self, tok: Token) -> bool:
        """The block's label repeated down a merged cell, or a piece of it left of the columns."""
        return tok.text in self.block_labels or bool(
            self.columns and tok.col < min(self.columns) and is_goal_label(tok.text))

    def _take_block_label(self, text: str) -> None:
        self.block_labels.add(text)
        if not self.columns:
            self.default_role = goal_role(text) or self.default_role

    def _read_labels(self, tokens: list[Token]) -> None:
        """A row of labels: the block's label, then column labels; a label alone names the
        goal the block holds."""
        for tok in tokens:
            if len(tokens) == 1 and not self.columns or names_block(tok.text):
                self._take_block_label(tok.text)
            else:
                self.columns[tok.col] = goal_role(tok.text)

    def _column_role(self, tok: Token, row: list[Token]) -> str | None:
        """The role of the column label over a text: the nearest label at or left of it; texts
        as many as the labels and falling under fewer of them are taken in order."""
        if not self.columns:
            texts = [t for t in row if not is_goal_label(t.text)]
            order = [self.default_role] + [r for r in ("expected", "actual") if r != self.default_role]
            return order[min(texts.index(tok), len(order) - 1)]
        cols = sorted(self.columns)
        texts = [t for t in row if not is_goal_label(t.text)]
        by_col = [self.columns[max([c for c in cols if c <= t.col], default=cols[0])] for t in texts]
        if len(set(by_col)) < len(texts) == len(cols):
            return self.columns[cols[texts.index(tok)]]
        return by_col[texts.index(tok)]

    def _add(self, role: str | None, text: str) -> None:
        pieces = self.texts.setdefault(role, [])
        if text not in pieces:  # a merged cell repeated down its rows is one text
            pieces.append(text)

    def goals(self, targets: bool) -> tuple[str | None, str | None]:
        """(goal_expected, goal_actual). A target form has no result: its goal is the year's
        target, else the period's, else what it printed."""
        texts = {role: "".join(pieces) for role, pieces in self.texts.items()}
        if targets:
            return texts.get("expected") or texts.get("period") or texts.get("actual"), None
        return texts.get("expected") or texts.get("period"), texts.get("actual")
