"""Extract: a document → raw tables, page text and per-page findings.

Entry point: `extract_pdf(data, ocr=..., extractor=..., limits=..., progress=...)`. PDFs are
read one page at a time (native rulings + characters, or camelot lattice as the reference
backend), each page released before the next, so memory does not grow with the page count;
text dumps of other converters go through `pipeline.extract.text_dump`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pymupdf

from pipeline.classify import classify_page
from pipeline.extract.context import attach_context
from pipeline.extract.native import TEXT_FLAGS, extract_page
from pipeline.model import ExtractedDocument, Finding, PageText, RawTable, Stage
from pipeline.ocr import DPI as OCR_DPI
from pipeline.ocr import EngineUnavailable, OcrEngine, extract_page_ocr, get_engine

TAIL = 4096  # bytes at the end of a PDF that must hold its %%EOF marker
MAX_PAGES = 2000  # pages read of one document; the rest are reported, not read
MAX_PIXELS = 100_000_000  # an embedded image, or an OCR rendering, beyond this is not decoded (memory)


@dataclass
class PageLimits:
    """What one document may cost: pages read, pixels decoded, and pages not to touch at all
    (a page that hung or crashed a worker before, with the reason; see `pipeline.workers`)."""

    max_pages: int = MAX_PAGES
    max_pixels: int = MAX_PIXELS
    skip: dict[int, str] = field(default_factory=dict)


Progress = Callable[[Stage, int | None], None]  # (stage, detail): a heartbeat for the supervisor


class DocumentError(Exception):
    """The document as a whole cannot be read; the message is the one-line error."""


PDF_ERROR = pymupdf.mupdf.FzErrorBase  # what MuPDF raises on a damaged file (a page-tree cycle, …)


def mupdf_message(exc: Exception) -> str:
    """`code=7: cycle in page tree` → `cycle in page tree`."""
    return str(exc).split(": ", 1)[-1].splitlines()[0] if str(exc) else type(exc).__name__


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


def oversized_image(page: pymupdf.Page, max_pixels: int = MAX_PIXELS) -> str | None:
    """Why a page is not to be rendered: an embedded image over the pixel cap."""
    for info in page.get_images(full=True):
        width, height = info[2], info[3]
        if width * height > max_pixels:
            return f"image of {width}×{height} px exceeds the pixel cap ({max_pixels:,} px)"
    return None


def oversized_rendering(page: pymupdf.Page, max_pixels: int = MAX_PIXELS) -> str | None:
    """Why a page is not to be rendered for OCR: its size at the OCR resolution."""
    width, height = page.rect.width * OCR_DPI / 72, page.rect.height * OCR_DPI / 72
    if width * height > max_pixels:
        return f"page of {page.rect.width:.0f}×{page.rect.height:.0f} pt exceeds the pixel cap at {OCR_DPI} dpi"
    return None


def ocr_engine_named(name: str | None) -> OcrEngine:
    """The OCR engine, loaded only for documents that need it; one that cannot be built fails
    the document with its reason (a missing extra, a wrong `module:factory`)."""
    try:
        return get_engine(name)
    except EngineUnavailable as exc:
        raise DocumentError(str(exc)) from None


def read_page(page: pymupdf.Page, page_no: int, data: bytes, ocr: str, extractor: str, max_pixels: int,
              ocr_engine: str | None) -> tuple[list[RawTable], PageText | None, list[Finding]]:
    """One page's raw tables, free text and findings: native, camelot, OCR, or refused."""
    oversized = oversized_image(page, max_pixels)
    if oversized:
        return [], None, [Finding("error", "page_unreadable", f"page {page_no}: {oversized}", page_no)]
    # one text page for the classifier and the native reader: building it is a third of a
    # native page's time (0.7 ms of 2 on the corpus)
    textpage = page.get_textpage(flags=TEXT_FLAGS)
    decision = classify_page(page, page_no, textpage)
    use_ocr = ocr == "always" or decision.kind == "ocr"
    if not use_ocr:
        if extractor == "camelot":
            from pipeline.extract.camelot_backend import extract_page_camelot

            return (*extract_page_camelot(data, page, page_no), [])
        return (*extract_page(page, page_no, textpage), [])
    if ocr == "never":
        return [], None, [Finding("error", "page_unreadable", f"page {page_no}: {decision.reason}; OCR disabled (--ocr never)", page_no)]
    oversized = oversized_rendering(page, max_pixels)
    if oversized:
        return [], None, [Finding("error", "page_unreadable", f"page {page_no}: {oversized}", page_no)]
    page_tables, page_text = extract_page_ocr(page, page_no, engine=ocr_engine_named(ocr_engine))
    why = "--ocr always" if ocr == "always" and decision.kind != "ocr" else decision.reason
    if page_tables or page_text.lines:
        return page_tables, page_text, [Finding("info", "page_ocr", f"page {page_no} read by OCR: {why}", page_no)]
    return page_tables, page_text, [Finding("error", "page_unreadable", f"page {page_no}: {why}; OCR found no text", page_no)]


def extract_pdf(data: bytes, ocr: str = "auto", extractor: str = "native", password: str | None = None,
                limits: PageLimits | None = None, progress: Progress | None = None,
                ocr_engine: str | None = None) -> ExtractedDocument:
    """Every page of a PDF, one at a time; `progress("page", n)` before page n is touched."""
    limits = limits or PageLimits()
    doc = open_pdf(data, password)
    tables, page_texts, findings = [], [], []
    read = min(doc.page_count, limits.max_pages)
    if read < doc.page_count:
        findings.append(Finding("error", "page_limit", f"pages {read + 1}–{doc.page_count} not read: over the limit of "
                                f"{limits.max_pages} pages (--max-pages)", read + 1))
    for page_no in range(1, read + 1):
        if page_no in limits.skip:
            findings.append(Finding("error", "page_unreadable", f"page {page_no}: {limits.skip[page_no]}; page skipped", page_no))
            continue
        if progress:
            progress("page", page_no)
        # each page is loaded here and released with the iteration: memory stays flat
        try:
            page_tables, page_text, page_findings = read_page(doc[page_no - 1], page_no, data, ocr, extractor,
                                                              limits.max_pixels, ocr_engine)
        except PDF_ERROR as exc:  # one damaged page (or page-tree node) costs that page
            findings.append(Finding("error", "page_unreadable",
                                    f"page {page_no}: damaged PDF ({mupdf_message(exc)})", page_no))
            continue
        tables += page_tables
        findings += page_findings
        if page_text is not None:
            page_texts.append(page_text)
    attach_context(tables, page_texts)
    return ExtractedDocument(doc.page_count, tables, page_texts, findings)


__all__ = ["DocumentError", "PDF_ERROR", "PageLimits", "Progress", "extract_pdf", "mupdf_message", "open_pdf"]
