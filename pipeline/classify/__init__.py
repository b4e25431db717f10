"""Classify pages: can the text layer be trusted, or must the page be read from its image?

Entry point: `classify_page(page)`. A page is `native` when its text layer decodes to real
characters, `ocr` when it is image-only or its text is garbage (private-use or replacement
characters, no ToUnicode map), `empty` when it holds neither text nor images."""
from __future__ import annotations

from dataclasses import dataclass

import pymupdf

GARBAGE_SHARE = 0.1  # share of bad characters that condemns a text layer
MOJIBAKE_SHARE = 0.3  # share of Latin-1 letters (UTF-8 read as Latin-1) in a text with no CJK at all
GLYPH_PATHS = 300  # curve segments on a page without text: its letters are drawn as outlines


@dataclass
class PageDecision:
    page: int
    kind: str  # native | ocr | empty
    reason: str


def _bad_char(ch: str) -> bool:
    """Replacement, private-use or control characters; `·` is what MuPDF shows for a glyph
    without a Unicode mapping (no ToUnicode)."""
    cp = ord(ch)
    return ch in "\ufffd\u00b7" or 0xE000 <= cp <= 0xF8FF or cp < 0x20 and ch not in "\t\n\r"


def _mojibake(text: str) -> bool:
    """UTF-8 or GBK bytes shown through a Latin-1 font map: `Ã¦Ã§…`, and not one CJK character."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return False
    latin1 = sum("\u00c0" <= ch <= "\u00ff" for ch in text)
    return latin1 / len(text) > MOJIBAKE_SHARE


def _curve_count(page: pymupdf.Page) -> int:
    return sum(1 for path in page.get_drawings() for item in path["items"] if item[0] == "c")


def classify_page(page: pymupdf.Page, page_no: int, textpage: pymupdf.TextPage | None = None) -> PageDecision:
    """`textpage`: the page's text, when the caller has it already (extraction reads it too)."""
    text = "".join(page.get_text("text", textpage=textpage).split())
    if text:
        bad = sum(_bad_char(ch) for ch in text)
        if bad / len(text) > GARBAGE_SHARE:
            return PageDecision(page_no, "ocr", f"text layer is garbage ({bad} of {len(text)} characters unreadable)")
        if _mojibake(text):
            return PageDecision(page_no, "ocr", "text layer is mojibake (no CJK, Latin-1 letters)")
        return PageDecision(page_no, "native", "text layer present")
    if page.get_images(full=False):
        return PageDecision(page_no, "ocr", "page is an image without a text layer")
    curves = _curve_count(page)
    if curves > GLYPH_PATHS:
        return PageDecision(page_no, "ocr", f"no text layer; {curves} curves: glyphs drawn as paths")
    return PageDecision(page_no, "empty", "no text and no image")
