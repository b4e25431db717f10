"""Parse published numbers: thousands separators, full-width digits, percent, null markers."""
from __future__ import annotations

import re
import unicodedata

NULL_MARKERS = {"", "-", "—", "－", "–", "--", "——", "/", "／", "不适用", "无", "—-", "…", "……", "...", "x", "X"}
# thousands separators as printed: `2,940.05`, and `120258,600` (a spreadsheet's format that
# groups only the last thousands, seen in Shanghai 2026 budgets): groups after a comma are 3 digits
_NUMBER = re.compile(r"^[-+]?(\d+(,\d{3})+|\d+)?(\.\d+)?$")


def clean_text(text: str | None) -> str:
    """SPEC strings: NFC as published with every whitespace character removed."""
    if text is None:
        return ""
    return "".join(str(text).split())


def _fold(text: str) -> str:
    # NFKC turns full-width digits, comma, period and percent into ASCII.
    s = unicodedata.normalize("NFKC", text)
    return "".join(s.split())


def parse_number(text: str | None) -> float | None:
    """A cell's value as a number in the published scale, or None when it holds none.

    `"2,940.05"` → 2940.05, `"12.34%"` → 12.34, `"0.00"` → 0.0, `"-"`/blank → None.
    Raises nothing: text that is not a number gives None (see `is_number`)."""
    if text is None:
        return None
    s = _fold(text)
    if s in NULL_MARKERS:
        return None
    for suffix in ("%", "‰", "万元", "元"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if not s or not _NUMBER.match(s) or s in {"-", "+", "."}:
        return None
    if not any(ch.isdigit() for ch in s):
        return None
    value = float(s.replace(",", ""))
    return value


def is_number(text: str | None) -> bool:
    return parse_number(text) is not None


def is_null_marker(text: str | None) -> bool:
    return _fold(text or "") in NULL_MARKERS


def as_json_number(value: float | None) -> int | float | None:
    """Integers stay integers in JSON (`10` not `10.0`); others round to 6 decimals."""
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    return round(float(value), 6)


def is_figure(text: str | None) -> bool:
    """An amount as tables print them (`2,940.05`, `0.00`, `97%`), not a code or a row number."""
    t = clean_text(text)
    return parse_number(t) is not None and any(ch in t for ch in ".,%‰．，")
