"""A cell's text from its lines read: numbers repaired, punctuation as printed, suspects found.

Entry points: `join_lines` / `cell_score` (a cell's text and confidence from its line
readings), `normalize_number` and `normalize_text` (OCR's usual slips repaired),
`numeric_columns` (the columns of figures of a grid), and `is_suspect` / `better` (which cells
are read again at a higher resolution, and which reading is kept).
"""
from __future__ import annotations

import re

from pipeline.geometry import Grid
from pipeline.ocr.interface import LineRead

LOW_CHAR_SCORE = 0.80  # a cell holding a character read below this is read again
LOW_LINE_SCORE = 0.90  # ... or a line whose mean score is below this

_NUMBER = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")
NUMERIC_ISH = re.compile(r"^[-−\d.,，．。:：OoIl|SsBZ\s]+$")
_CONFUSION = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "，": ",", "．": ".", "。": ".",
                            "−": "-", "S": "5", "s": "5", "B": "8", "Z": "2"})
_EMPTY_MARKS = {"-", "—", "/", "－", "——", "--"}


def is_number(text: str) -> bool:
    """Whether a compact text is a figure as these tables print them."""
    return bool(_NUMBER.match(text))


def normalize_number(text: str) -> str:
    """Repair a number cell read with OCR's usual slips: spaces inside, O for 0, a comma read
    as a point (or the reverse) where the digit grouping makes the intent unambiguous."""
    compact = "".join(text.split())
    if not compact or compact in _EMPTY_MARKS or not NUMERIC_ISH.match(compact):
        return text
    if not any(ch.isdigit() for ch in compact) and not set(compact) <= set("Oo.,"):
        return text  # letters alone are not a misread number (O.OO is)
    fixed = compact.translate(_CONFUSION).replace(":", ".").replace("：", ".")
    if is_number(fixed):
        return fixed
    sign = "-" if fixed.startswith("-") else ""
    body = fixed.lstrip("-")
    parts = re.split(r"[.,]", body)
    if all(p.isdigit() for p in parts) and len(parts) >= 2:
        head, groups, last = parts[0], parts[1:-1], parts[-1]
        # 1,234.56 read as 1.234.56 / 1,234,56 / 1.234,56: three-digit groups, two decimals
        if 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups) and len(last) == 2:
            return sign + ",".join([head] + groups) + "." + last
        if 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups + [last]) and groups:
            return sign + ",".join([head] + groups + [last])
    return text


def numeric_columns(grid: Grid, texts: list[str]) -> set[int]:
    """Elementary columns where most filled single-column cells read as numbers."""
    counts: dict[int, list[int]] = {}
    for (_, c, _, cs), text in zip(grid.cells, texts):
        t = "".join(text.split())
        if cs != 1 or not t:
            continue
        hit = counts.setdefault(c, [0, 0])
        hit[1] += 1
        if is_number(t) or t in _EMPTY_MARKS:
            hit[0] += 1
    return {c for c, (num, tot) in counts.items() if tot >= 2 and num >= 0.6 * tot}


# The documents are in simplified Chinese; the recogniser now and then answers a traditional form.
_TRADITIONAL = str.maketrans({"決": "决", "預": "预", "費": "费", "經": "经", "資": "资", "項": "项", "務": "务",
                              "撥": "拨", "總": "总", "數": "数", "單": "单", "門": "门", "計": "计", "與": "与", "產": "产",
                              "會": "会", "額": "额", "餘": "余", "結": "结", "轉": "转", "補": "补", "業": "业", "營": "营",
                              "國": "国", "稅": "税", "衛": "卫", "醫": "医", "療": "疗", "鄉": "乡", "區": "区", "環": "环",
                              "節": "节", "災": "灾", "術": "术", "學": "学", "體": "体", "傳": "传", "車": "车",
                              "購": "购", "運": "运", "維": "维", "護": "护", "標": "标", "際": "际", "績": "绩"})
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize_text(text: str) -> str:
    """Punctuation as these documents print it: in a line with Chinese text, brackets and
    colons are full width (the recogniser answers either form at random)."""
    text = text.strip().translate(_TRADITIONAL)
    if _CJK.search(text):
        text = text.replace("(", "（").replace(")", "）")
        text = re.sub(r"(?<!\d):|:(?!\d)", "：", text)
        text = re.sub(r"(?<!\d);|;(?!\d)", "；", text)
    return text


def join_lines(reads: list[LineRead]) -> str:
    """A cell's text: its lines read, normalized, one a line."""
    return "\n".join(normalize_text(r.text) for r in reads if r.text.strip())


def cell_score(reads: list[LineRead]) -> float:
    """A cell's confidence: the score of its least sure line (1.0 for an empty cell)."""
    return min((r.score for r in reads if r.text.strip()), default=1.0)


def is_suspect(reads: list[LineRead], text: str, numeric: bool) -> bool:
    """Whether a cell is to be read again: a character or a line read with little confidence,
    or, in a number column, a figure that does not read as one."""
    if not reads:
        return False
    if any(r.min_score < LOW_CHAR_SCORE or r.score < LOW_LINE_SCORE for r in reads if r.text.strip()):
        return True
    compact = "".join(text.split())
    if numeric and compact and compact not in _EMPTY_MARKS and not is_number(normalize_number(compact)):
        # a figure that does not read as one (a header word in the column is no suspect)
        digits = sum(ch.isdigit() or ch in ".,-" for ch in compact)
        return digits >= len(compact) / 2
    return False


def better(old: list[LineRead], new: list[LineRead], numeric: bool) -> bool:
    """Whether a second reading of a cell is to replace the first: in a number column, one
    that reads as a number where the other does not; else the surer of its least sure character."""
    if not new:
        return False
    old_text, new_text = join_lines(old), join_lines(new)
    if numeric:
        old_ok = is_number("".join(normalize_number(old_text).split()))
        new_ok = is_number("".join(normalize_number(new_text).split()))
        if old_ok != new_ok:
            return new_ok
    return min(r.min_score for r in new) > min((r.min_score for r in old), default=0.0)
