"""The 绩效 form as token rows: its state, how a token suits a column's role, which block a row
opens, and the form fields (`项目名称 | value`) printed in rows or in the lines above the table.

A row is read as its non-empty cells (`Token`s: column, compact text); the vocabulary comes
from `pipeline.catalog.performance`."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline import catalog
from pipeline.catalog import performance as vocab
from pipeline.model import RawTable
from pipeline.numbers import is_null_marker, parse_number
from pipeline.realign.align import Token

_TAG = re.compile(r"<[^>]+>")
_STRAY_NUMBER = re.compile(r"\s+\d+$")
_PERCENT = re.compile(r"%$")
_PROJECT_IN_TITLE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(.{2,}?)(?:项目支出|项目)?绩效(?:目标)?(?:评价)?自评")
_GENERIC_TITLE_WORDS = re.compile(r"^[一二三四五六七八九十]+、|^部门|整体")
LOOKS_LIKE_VALUE = re.compile(r"^([≥≤<>=＞＜＝]+.*|-?[\d.,]+\s*(%|‰|[^\d\s]{1,2})?)$")
_SENTENCE = re.compile(r"^.{25,}$|是否|[；？]|[（(][^)）]*[/／×]|[×x]100%")
_CAPTION_FIELD = re.compile(r"^(?P<label>[^:：]{2,12}[:：])(?P<value>.+)$")
_BEFORE_LABEL = re.compile(r"\s+(?=[^\s:：]{1,12}[:：])")  # where a caption line's next `label：` starts
HEADER_CELL_MAX = 12  # characters


@dataclass
class PerfState:
    """What one form's rows said, as they are read."""

    fields: dict = field(default_factory=dict)
    funds: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    unit: str | None = None
    page: int | None = None  # where the form starts
    total_score: float | None = None
    other_scores: float = 0.0  # 得分 outside funds and indicators (资金管理情况), for the 总分 check
    actions: list[str] = field(default_factory=list)


def compact(text: str) -> str:
    return "".join(_TAG.sub(" ", text or "").split())


def grid_with_row_spans(raw: RawTable) -> list[list[str]]:
    """Cell texts with a vertically merged cell repeated down its rows (一级指标 over several
    indicators), a horizontally merged one kept once (a project name across the form)."""
    grid = [["" for _ in range(raw.n_cols)] for _ in range(raw.n_rows)]
    for c in raw.cells:
        for r in range(c.row, min(c.row + c.row_span, raw.n_rows)):
            if c.col < raw.n_cols:
                grid[r][c.col] = c.text
    return grid


def tokens_of(row: list[str]) -> list[Token]:
    return [Token(i, compact(t), t) for i, t in enumerate(row) if compact(t)]


def match_role(columns: tuple[tuple[str, str], ...], text: str) -> str | None:
    for role, pattern in columns:
        if re.search(pattern, text):
            return role
    return None


def header_roles(tokens: list[Token], columns: tuple[tuple[str, str], ...]) -> list[tuple[int, str]]:
    """(column, role) for every header cell naming a role, first naming wins."""
    out, seen = [], set()
    for tok in tokens:
        role = match_role(columns, tok.text)
        if role and role not in seen:
            out.append((tok.col, role))
            seen.add(role)
    return out


def unit_in(text: str) -> str | None:
    m = catalog.UNIT_IN_HEADER.search(text) or catalog.UNIT.search(text)
    return m.group(1) if m else None


# ── token types against roles ──────────────────────────────────────────────────────────────

def is_level(text: str, words: set[str]) -> bool:
    return vocab.SCORE_NOTE.sub("", text) in words


def perf_fit_in_place(text: str, role: str) -> float:
    """A token under its own header: an 一级/二级 category the vocabulary does not know
    (`公用经费控制`) fits there, as long as it reads like a category."""
    if role in ("level1", "level2") and not is_level(text, vocab.LEVEL1_WORDS | vocab.LEVEL2_WORDS):
        plain_text = parse_number(text) is None and not is_null_marker(text) and not LOOKS_LIKE_VALUE.match(text)
        return 0.5 if plain_text else -6.0
    return perf_fit(text, role)


@dataclass(frozen=True)
class TokenReading:
    """What a token's text reads as, for the role scorers: its figure, a null marker (`—`,
    `/`), a percentage."""

    text: str
    number: float | None
    null: bool
    percent: bool

    @classmethod
    def of(cls, text: str) -> TokenReading:
        number = parse_number(text)
        return cls(text, number, is_null_marker(text), bool(_PERCENT.search(text)) and number is not None)


RoleScorer = Callable[[TokenReading], float]


def _fit_level(words: set[str]) -> RoleScorer:
    return lambda t: 4.0 if is_level(t.text, words) else -6.0


def _fit_indicator(t: TokenReading) -> float:
    if is_level(t.text, vocab.LEVEL1_WORDS | vocab.LEVEL2_WORDS) or LOOKS_LIKE_VALUE.match(t.text):
        return -2.0  # a category, or a target / completed value (`≥3次`, `100%`)
    if t.number is not None or t.null:
        return -1.0
    return 0.5 if _SENTENCE.search(t.text) else 2.0  # an indicator is a name, not an explanation


def _fit_points(whole: bool) -> RoleScorer:
    """分值 (`whole`: set in whole points) and 得分 (often not)."""
    def fit(t: TokenReading) -> float:
        if t.number is not None and not t.percent and 0 <= t.number <= 100:
            return 2.0 if not whole or float(t.number).is_integer() else 1.0
        return 1.0 if t.null else -6.0
    return fit


def _fit_amount(t: TokenReading) -> float:
    return 2.0 if t.number is not None and not t.percent else (0.5 if t.null else -6.0)


def _fit_execution_rate(t: TokenReading) -> float:
    return 3.0 if t.percent else (1.0 if (t.number is not None and 0 <= t.number <= 1000) or t.null else -6.0)


# role → how well a token suits it: > 0 fits, < 0 does not. A role not listed scores 0 (no
# opinion); adding a role to a header vocabulary (`catalog.performance`) means adding a row here.
ROLE_FIT: dict[str, RoleScorer] = {
    "level1": _fit_level(vocab.LEVEL1_WORDS),
    "level2": _fit_level(vocab.LEVEL2_WORDS),
    "indicator": _fit_indicator,
    "target": lambda t: 1.5,  # published as text: anything fits, nothing fits better
    "actual": lambda t: 1.5,
    "target_op": lambda t: 3.0 if vocab.TARGET_OPERATOR.match(t.text) else -3.0,
    "target_unit": lambda t: 1.5 if t.number is None and len(t.text) <= 6 else -3.0,
    "weight": _fit_points(whole=True),
    "score": _fit_points(whole=False),
    "deviation": lambda t: 2.0 if t.percent or t.null else -3.0,
    # a bare figure is no explanation: rather a surplus cell
    "deviation_note": lambda t: 1.0 if t.number is None else -5.0,
    "criteria": lambda t: 1.5 if _SENTENCE.search(t.text) else 0.5,
    "category": lambda t: 0.5,
    "budget_initial": _fit_amount,
    "budget_full_year": _fit_amount,
    "executed": _fit_amount,
    "execution_rate": _fit_execution_rate,
}


def perf_fit(text: str, role: str) -> float:
    """How well a token's text suits a role: > 0 fits, < 0 does not (`ROLE_FIT`); a category
    value (`产出指标`) fits the category role only."""
    if vocab.PERF_CATEGORY_VALUE.match(text):
        return 3.0 if role == "category" else -3.0
    scorer = ROLE_FIT.get(role)
    return scorer(TokenReading.of(text)) if scorer else 0.0


# ── blocks ─────────────────────────────────────────────────────────────────────────────────

def is_indicator_header(names: list[str]) -> bool:
    """Two of 一级 / 二级 / 三级指标 named, or the indicator's name column and a value column
    (`指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重`)."""
    roles = {match_role(vocab.PERF_INDICATOR_COLUMNS, t) for t in names} - {None}
    levels = roles & {"level1", "level2", "indicator"}
    return len(levels) >= 2 or ("indicator" in roles and bool(roles & {"target", "actual", "weight", "score"}))


def block_of(tokens: list[Token]) -> str | None:
    texts = [t.text for t in tokens]
    # header cells are names, not sentences: a long cell mentioning 执行数 is an explanation
    names = [t for t in texts if len(t) <= HEADER_CELL_MAX]
    if is_indicator_header(names):
        return "indicator_header"
    if len({match_role(vocab.PERF_FUND_COLUMNS[:4], t) for t in names} - {None}) >= 2:
        return "funds_header"
    for name, pattern in vocab.PERF_BLOCKS:
        if texts and re.search(pattern, texts[0]) or (name == "goal" and any(re.search(pattern, t) for t in texts[:2])):
            return name
    return None


def is_goal_row(tokens: list[Token]) -> bool:
    """`年度绩效目标 | a sentence`: a goal label and its text, whatever the label's words."""
    return (len(tokens) == 2 and bool(vocab.GOAL_LABEL.match(tokens[0].text))
            and not vocab.GOAL_LABEL.match(tokens[1].text) and len(tokens[1].text) > HEADER_CELL_MAX)


# ── form fields ────────────────────────────────────────────────────────────────────────────

def key_of(text: str) -> str | None:
    return next((k for k, p in vocab.PERF_KEYS if re.fullmatch(p, text)), None)


def glued_field(text: str) -> tuple[str, str] | None:
    """`项目实施单位区政务服务和大数据管`: a form label and its value in one cell."""
    for key, pattern in vocab.PERF_KEYS:
        m = re.match(f"(?:{pattern})(?P<value>.+)", text)
        if m and not vocab.PERF_LABEL_TAIL.match(m.group("value")):
            return key, m.group("value")
    return None


def read_form_fields(tokens: list[Token], state: PerfState) -> bool:
    """`项目名称 | value | 项目金额 | value` → fields; True when the row is a form row. A label
    split over two cells (`主管部门 | 及代码 | value`) is joined first."""
    if not (key_of(tokens[0].text) or glued_field(tokens[0].text)):
        return False
    tokens = join_split_labels(tokens)
    i = 0
    while i < len(tokens):
        key = key_of(tokens[i].text)
        if key:
            nxt = tokens[i + 1].text if i + 1 < len(tokens) else None
            if nxt is not None and not key_of(nxt) and not glued_field(nxt):
                state.fields.setdefault(key, nxt)
                i += 2
                continue
        elif glued := glued_field(tokens[i].text):
            state.fields.setdefault(*glued)
        i += 1
    return True


def join_split_labels(tokens: list[Token]) -> list[Token]:
    """A label whose end stands in the next cell (`主管部门` | `及代码`) is one label."""
    out: list[Token] = []
    for tok in tokens:
        if out and key_of(out[-1].text) and key_of(out[-1].text + tok.text) and not key_of(tok.text):
            out[-1] = Token(out[-1].col, out[-1].text + tok.text, out[-1].raw + tok.raw)
            continue
        out.append(tok)
    return out


def starts_form(tokens: list[Token]) -> bool:
    """The row opens a form: its first cell is a 项目名称 / 部门（单位）名称 label."""
    key = key_of(tokens[0].text) or (glued_field(tokens[0].text) or (None,))[0]
    return key in vocab.PERF_FORM_START_KEYS


def detached_fields(raw: RawTable, state: PerfState) -> None:
    """Fields printed above the table, not in it: captions (`单位名称：某某局`, `资金主管部门：某某局
    单位：万元`), the project name (and unit) on the lines after the title (`某某项目`, or `某某项目
    123` with a stray number), or in the title itself (`2023年度某某专项经费项目绩效自评表`)."""
    after_title: list[str] = []
    for line in reversed(list(raw.context)):
        if catalog.match_title(line):
            break
        after_title.insert(0, line)
    names = []
    for line in after_title:
        if caption_fields(line, state) or catalog.CAPTION.match(compact(line)) or line.startswith("注"):
            continue
        if name := compact(_STRAY_NUMBER.sub("", line).strip()):
            names.append(name)
    if not state.fields.get("project_name") and names:
        state.fields["project_name"] = names[0]
        state.actions.append(f"project name {names[0]!r} taken from the line above the table")
        if len(names) > 1 and not state.fields.get("implementing_unit"):
            state.fields["implementing_unit"] = names[1]
    m = _PROJECT_IN_TITLE.match(compact(raw.title or ""))
    if not state.fields.get("project_name") and m and not _GENERIC_TITLE_WORDS.search(m.group(1)):
        state.fields["project_name"] = m.group(1)


def caption_fields(line: str, state: PerfState) -> bool:
    """`label：value` parts of a caption line naming a form field; True when the line had one."""
    found = False
    for part in _BEFORE_LABEL.split(line.strip()):
        m = _CAPTION_FIELD.match(compact(part))
        key = key_of(m.group("label")) if m else None
        if m and key and not catalog.UNIT.match(compact(part)):
            state.fields.setdefault(key, m.group("value"))
            found = True
    return found
