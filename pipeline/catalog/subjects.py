"""What a row may be called: the national subject classification (政府收支分类科目) and the row
vocabulary of each table, as data.

The classification is `subjects.tsv` beside this module (its header says where it comes from):
支出功能分类 (类 201 / 款 20101 / 项 2010101), 部门预算支出经济分类 (301 / 30101 …) and 政府预算支出经济分类
(501 / 50101 …), one line per code and name, with the years of the classification that print the
name — a code renamed over the years (20805 行政事业单位离退休 → 行政事业单位养老支出 in 2021) keeps
every name. It is read once, lazily, from the installed package; nothing goes to the network.

Entry points:

- `is_known(code)`, `subject_name(code, year=None)`, `names(code)`: the classification.
- `label_matches(code, label)`: whether a printed row label names the code. Both sides are
  normalised first (`normalise`): whitespace, an enumerator (`一、`, `（三）`, `1.`) and a leading
  `其中：` removed; full-width forms folded to half-width (`（）` → `()`, NFKC); quotation marks
  dropped; the optional `(室)` of 政府办公厅（室） / 党委办公厅（室） dropped; a trailing `(类)` /
  `(款)` / `(项)` marker dropped; a trailing `支出` dropped (`其他X事务` names `其他X事务支出`). The
  label matches when it equals any of the code's names, of any year, national or a variant a real
  disclosure prints (`variant` lines of the data).
- `closest_label(code, label)`: the code's name nearest to a label (edit distance).
- `row_vocabulary(table_key)`: the names a row without a code may carry in that table (合计 / 总计,
  the two sides of the summaries — 一般公共预算财政拨款收入 … 年初结转和结余 …, the class names of the
  function classification, the economic names of the tables that list them).
- `repair_ocr_label(label, code, table_key)`: the name an OCR-read label was meant to be: the
  code's name, or for a row without a code a name of the table's vocabulary, when the label is
  within `OCR_MAX_EDITS` edits and `OCR_MAX_SHARE` of the name's length of it and no other name is
  as near (`、一般公共预算财政拨款收入` → `一般公共预算财政拨款收入`, `·般公共服务支出` → `一般公共服务支出`);
  a name its code pins tolerates one edit even when shorter than five characters (`购房补贴一` →
  `购房补贴` under 2210203), a vocabulary name does not (`本年收入` / `本年支出` are one edit apart).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from pipeline.catalog.spec import TableSpec
from pipeline.catalog.vocabulary import ENUMERATOR

DATA = "subjects.tsv"
KINDS = ("function", "economic_dept", "economic_gov")
OCR_MAX_EDITS = 2  # an OCR label is corrected when at most this many edits …
OCR_MAX_SHARE = 0.2  # … and at most this share of the name's length away from it


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    first_year: int | None  # None: printed before the years the data covers
    last_year: int | None  # None: still printed
    kind: str  # function | economic_dept | economic_gov
    source: str  # mof | corpus | variant

    def printed_in(self, year: int) -> bool:
        return (self.first_year or year) <= year <= (self.last_year or year)


@lru_cache(maxsize=1)
def classification() -> dict[str, tuple[Subject, ...]]:
    """code → its names (national ones first, then the variants), read once from the package."""
    text = resources.files(__package__).joinpath(DATA).read_text(encoding="utf-8")
    table: dict[str, list[Subject]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, first, last, kind, source = line.split("\t")
        table.setdefault(code, []).append(Subject(code, name, int(first) if first else None,
                                                  int(last) if last else None, kind, source))
    return {code: tuple(sorted(entries, key=lambda s: s.source == "variant")) for code, entries in table.items()}


def is_known(code: str | None) -> bool:
    return bool(code) and code in classification()


def names(code: str | None) -> tuple[str, ...]:
    """Every name the code has had, national names first (the current one first among them)."""
    entries = classification().get(code or "", ())
    current = sorted(entries, key=lambda s: (s.source == "variant", s.last_year is not None, -(s.last_year or 0)))
    return tuple(dict.fromkeys(s.name for s in current))


def subject_name(code: str | None, year: int | None = None) -> str | None:
    """The code's national name (in `year`'s classification when given; the nearest year's when
    the year lies outside the years the name was printed), or None for an unknown code."""
    entries = [s for s in classification().get(code or "", ()) if s.source != "variant"] \
        or list(classification().get(code or "", ()))
    if not entries:
        return None
    if year is None:
        return names(code)[0]
    printed = [s for s in entries if s.printed_in(year)]
    if printed:
        return printed[0].name

    def gap(s: Subject) -> int:
        return (s.first_year - year) if s.first_year and year < s.first_year else (year - (s.last_year or year))
    return min(entries, key=gap).name


def kind_of(code: str | None) -> str | None:
    entries = classification().get(code or "", ())
    return entries[0].kind if entries else None


# ── matching ──────────────────────────────────────────────────────────────────────────────
_QUOTES = re.compile(r"[“”\"‘’'「」『』]")
_OF_WHICH = re.compile(r"^其中[:：]?")
_LEVEL_MARK = re.compile(r"\((类|款|项)\)$")


def _folded(text: str) -> str:
    """Whitespace out, full-width forms folded, quotation marks dropped: the form edit distances
    are counted on."""
    return _QUOTES.sub("", "".join(unicodedata.normalize("NFKC", text or "").split()))


def normalise(label: str | None) -> str:
    """A label or name as compared (module docstring)."""
    s = _folded(label or "")
    s = _OF_WHICH.sub("", s)
    s = ENUMERATOR.sub("", s, count=1)
    s = _LEVEL_MARK.sub("", s)
    s = s.replace("(室)", "")
    if s.endswith("支出") and len(s) > 3:
        s = s[:-2]
    return s


def label_matches(code: str | None, label: str | None) -> bool:
    """Whether `label` names `code` (any of its names, of any year; module docstring)."""
    if not label or not is_known(code):
        return False
    printed = normalise(label)
    return any(printed == normalise(name) for name in names(code))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest_label(code: str | None, label: str | None) -> str | None:
    """The code's name nearest to `label` (the national current name on a tie); None for an
    unknown code or no label."""
    if not label or not is_known(code):
        return None
    printed = normalise(label)
    return min(names(code), key=lambda name: edit_distance(printed, normalise(name)))


# ── rows without a code ───────────────────────────────────────────────────────────────────
TOTALS = ("合计", "总计", "小计")
# 收入支出决算总表: its 收入 and 支出 halves
FINAL_SUMMARY = (
    "一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "财政拨款收入",
    "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入", "本年收入合计",
    "使用非财政拨款结余", "使用专用结余", "使用非财政拨款结余和专用结余", "年初结转和结余",
    "本年支出合计", "结余分配", "年末结转和结余", "收入总计", "支出总计",
)
# 财政拨款收入支出决算总表
FINAL_FISCAL_SUMMARY = (
    "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "本年收入合计",
    "年初财政拨款结转和结余", "本年支出合计", "年末财政拨款结转和结余",
    "一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入",
)
# 收支预算总表 / 财政拨款收支预算总表, as the provinces print them
BUDGET_SUMMARY = (
    "财政拨款收入", "一般公共预算拨款收入", "一般公共预算拨款", "一般公共预算", "一般公共预算资金",
    "一般公共预算收入", "政府性基金预算拨款收入", "政府性基金预算拨款", "政府性基金拨款", "政府性基金预算",
    "国有资本经营预算拨款收入", "国有资本经营预算拨款", "国有资本经营预算", "国有资本经营预算收入",
    "财政专户管理资金", "单位资金", "事业收入", "事业单位经营收入", "上级补助收入", "附属单位上缴收入",
    "其他收入", "本年收入合计", "本年收入", "上年结转结余", "上年结转", "上年结余、结转", "财政拨款结余、结转",
    "非财政拨款结余、结转", "使用非财政拨款结余", "收入总计", "收入合计", "本年支出合计", "本年支出", "结转下年",
    "支出总计", "支出合计", "部门预算", "财政拨款",
)
BASIC_SPENDING = ("人员经费", "公用经费", "人员经费合计", "公用经费合计")


def _class_names(kinds: tuple[str, ...], digits: tuple[int, ...]) -> set[str]:
    return {s.name for code, entries in classification().items() if len(code) in digits
            for s in entries if s.kind in kinds}


@cache
def _vocabulary(table_key: str) -> frozenset[str]:
    from pipeline import catalog  # the tables' specs (this module is part of the catalog package)

    spec: TableSpec = catalog.BY_KEY.get(table_key, catalog.OTHER)
    words = set(TOTALS)
    summary = spec.sections[:2] == ("收入", "支出")
    if summary:
        words |= set(FINAL_SUMMARY if spec.family == "final_account" else BUDGET_SUMMARY)
        if "fiscal_appropriation" in table_key:
            words |= set(FINAL_FISCAL_SUMMARY)
    if summary or spec.coded:
        words |= _class_names(("function",), (3,))
        words |= _class_names(("economic_dept", "economic_gov"), (3, 5))
    if spec.coded:
        words |= set(BASIC_SPENDING)
    return frozenset(words)


@cache
def _normalised_vocabulary(table_key: str) -> frozenset[str]:
    return frozenset(normalise(word) for word in _vocabulary(table_key))


def row_vocabulary(table_key: str) -> set[str]:
    """The names a row without a code may carry in the table `table_key` (module docstring)."""
    return set(_vocabulary(table_key))


def ocr_tolerance(name: str, pinned: bool) -> int:
    """Edits an OCR label may be away from `name` and still stand for it: `OCR_MAX_EDITS`, and no
    more than `OCR_MAX_SHARE` of the name's length; a name the row's code pins (no other name
    competes) of three characters or more tolerates one edit whatever its length (`购房补贴一`)."""
    allowed = min(OCR_MAX_EDITS, int(OCR_MAX_SHARE * len(name) + 1e-9))
    return max(allowed, 1) if pinned and len(name) >= 3 else allowed


def _nearest(label: str, candidates: Iterable[str], pinned: bool = False) -> str | None:
    """The one candidate within the OCR tolerance of `label`; None when none is, or when two
    different names are equally near."""
    read = _folded(label)
    best, best_d = [], None
    for name in candidates:
        target = _folded(name)
        d = edit_distance(read, target)
        if d > ocr_tolerance(target, pinned):
            continue
        if best_d is None or d < best_d:
            best, best_d = [name], d
        elif d == best_d:
            best.append(name)
    distinct = list(dict.fromkeys(best))
    return distinct[0] if len(distinct) == 1 else None


def repair_ocr_label(label: str | None, code: str | None, table_key: str) -> str | None:
    """The name an OCR-read label stands for, or None when it needs no repair or none is safe
    (module docstring). A row with a code is repaired towards that code's names only."""
    if not label:
        return None
    if code:
        if not is_known(code) or label_matches(code, label):
            return None
        return _nearest(label, names(code), pinned=True)
    if normalise(label) in _normalised_vocabulary(table_key):
        return None
    return _nearest(label, sorted(_vocabulary(table_key)))
