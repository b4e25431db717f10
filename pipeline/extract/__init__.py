"""Extract: a document → raw tables, page text and per-page findings.

Entry point: `extract_document(data, filename, extractor=..., ocr=...)`. PDFs are read page
by page (native rulings + characters, or camelot lattice as the reference backend); text dumps
of other converters go through `pipeline.extract.text_dump`."""
from __future__ import annotations

import pymupdf

from pipeline.classify import classify_page
from pipeline.extract.context import attach_context
from pipeline.extract.native import extract_page
from pipeline.model import ExtractedDocument, Finding


TAIL = 4096  # bytes at the end of a PDF that must hold its %%EOF marker
MAX_IMAGE_PIXELS = 100_000_000  # an embedded image beyond this is not decoded (memory)


class DocumentError(Exception):
    """The document as a whole cannot be read; the message is the one-line error."""


def open_pdf(data: bytes, password: str | None = None) -> pymupdf.Document:
    if not data:
        raise DocumentError("empty file (0 bytes)")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-TAIL:]:
        # MuPDF would "repair" a cut-off file into fewer pages without a word: refuse it
        raise DocumentError("truncated PDF (no %%EOF at the end of the file)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # MuPDF raises its own error types for broken files
        raise DocumentError(f"unreadable PDF: {exc}") from None
    if doc.needs_pass and not (password and doc.authenticate(password)):
        raise DocumentError("encrypted PDF: a password is needed (--password)")
    if doc.page_count == 0:
        raise DocumentError("PDF has no pages")
    return doc


def oversized_image(page: pymupdf.Page) -> str | None:
    """Why a page is not to be rendered: an embedded image over the pixel cap."""
    for info in page.get_images(full=True):
        width, height = info[2], info[3]
        if width * height > MAX_IMAGE_PIXELS:
            return f"image of {width}×{height} px exceeds the pixel cap ({MAX_IMAGE_PIXELS:,} px)"
    return None


def extract_pdf(data: bytes, ocr: str = "auto", extractor: str = "native", password: str | None = None) -> ExtractedDocument:
    doc = open_pdf(data, password)
    tables, page_texts, findings = [], [], []
    for index, page in enumerate(doc):
        page_no = index + 1
        oversized = oversized_image(page)
        if oversized:
            findings.append(Finding("error", "page_unreadable", f"page {page_no}: {oversized}", page_no))
            continue
        decision = classify_page(page, page_no)
        use_ocr = ocr == "always" or decision.kind == "ocr"
        if use_ocr and ocr == "never":
            findings.append(Finding("error", "page_unreadable", f"page {page_no}: {decision.reason}; OCR disabled (--ocr never)", page_no))
            continue
        if use_ocr:
            from pipeline.ocr import extract_page_ocr  # the engine loads only for documents that need it

            page_tables, page_text = extract_page_ocr(page, page_no)
            why = "--ocr always" if ocr == "always" and decision.kind != "ocr" else decision.reason
            if page_tables or page_text.lines:
                findings.append(Finding("info", "page_ocr", f"page {page_no} read by OCR: {why}", page_no))
            else:
                findings.append(Finding("error", "page_unreadable", f"page {page_no}: {why}; OCR found no text", page_no))
        elif extractor == "camelot":
            from pipeline.extract.camelot_backend import extract_page_camelot

            page_tables, page_text = extract_page_camelot(data, page, page_no)
        else:
            page_tables, page_text = extract_page(page, page_no)
        tables += page_tables
        page_texts.append(page_text)
    attach_context(tables, page_texts)
    return ExtractedDocument(doc.page_count, tables, page_texts, findings)


__all__ = ["DocumentError", "extract_pdf", "open_pdf"]
