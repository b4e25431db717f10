"""Classify pages: can the text layer be trusted, or must the page be read from its image?

Entry point: `classify_page(page)`. A page is `native` when its text layer decodes to real
characters, `ocr` when it is image-only or its text is garbage (private-use or replacement
characters, no ToUnicode map), `empty` when it holds neither text nor images."""
from __future__ import annotations

from dataclasses import dataclass

import pymupdf

GARBAGE_SHARE = 0.1  # share of bad characters that condemns a text layer


@dataclass
class PageDecision:
    page: int
    kind: str  # native | ocr | empty
    reason: str


def _bad_char(ch: str) -> bool:
    cp = ord(ch)
    return ch == "\ufffd" or 0xE000 <= cp <= 0xF8FF or cp < 0x20 and ch not in "\t\n\r"


def classify_page(page: pymupdf.Page, page_no: int) -> PageDecision:
    text = "".join(page.get_text("text").split())
    has_images = bool(page.get_images(full=False))
    if text:
        bad = sum(_bad_char(ch) for ch in text)
        if bad / len(text) > GARBAGE_SHARE:
            return PageDecision(page_no, "ocr", f"text layer is garbage ({bad} of {len(text)} characters unreadable)")
        return PageDecision(page_no, "native", "text layer present")
    if has_images:
        return PageDecision(page_no, "ocr", "page is an image without a text layer")
    return PageDecision(page_no, "empty", "no text and no image")
