"""One document through every stage: extract → stitch → key → realign → validate → records.

Entry point: `process_document(path)`. It never raises for a bad document: the failure becomes
the document's `error`, its status `failed`, and no other record of it is produced. It runs in
this process; `pipeline.workers` runs it in watched worker processes (what `juesuan run` does)."""
from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args

from pipeline import catalog
from pipeline.extract import (
    MAX_PAGES,
    MAX_PIXELS,
    PDF_ERROR,
    DocumentError,
    PageLimits,
    Progress,
    extract_pdf,
    mupdf_message,
)
from pipeline.extract.identity import document_identity
from pipeline.key import heading_lines, key_tables
from pipeline.model import BBox, DocumentOutputs, ExtractedDocument, Finding, PageRegion, RawTable, TableView
from pipeline.realign import realign_table
from pipeline.realign.performance import realign_performance
from pipeline.stitch import stitch_continued_tables
from pipeline.store.schema import RECORD_TABLES, Record, Records
from pipeline.validate import table_quality, validate_document

log = logging.getLogger("juesuan")

OcrMode = Literal["auto", "always", "never"]  # OCR for pages without text / every page / none
Extractor = Literal["native", "camelot"]  # the native-path table extractor
PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}


@dataclass
class Options:
    """How documents are read, and what one document may cost. Checks itself when made: a
    misspelt choice or a limit below 1 is a ValueError naming the field, before any document."""

    ocr: OcrMode = "auto"
    extractor: Extractor = "native"
    password: str | None = None
    ocr_engine: str | None = None  # rapidocr (default) | paddleocr | module:factory
    max_pages: int = MAX_PAGES  # pages read of one document
    max_pixels: int = MAX_PIXELS  # an embedded image or OCR rendering larger than this is refused
    page_timeout: float = 120.0  # s a worker may go without progress (one page, or one later stage)
    max_memory_mb: int = 4096  # a worker's resident memory cap

    def __post_init__(self) -> None:
        for name, kind in (("ocr", OcrMode), ("extractor", Extractor)):
            if getattr(self, name) not in get_args(kind):
                raise ValueError(f"Options.{name} must be one of {', '.join(get_args(kind))}, "
                                 f"not {getattr(self, name)!r}")
        for name in ("max_pages", "max_pixels", "page_timeout", "max_memory_mb"):
            if not getattr(self, name) > 0:
                raise ValueError(f"Options.{name} must be positive, not {getattr(self, name)!r}")


@dataclass
class DocumentResult:
    document_id: str
    records: dict[str, list[dict]] = field(default_factory=lambda: {name: [] for name in RECORD_TABLES})
    views: list[TableView] = field(default_factory=list)  # for the report, not stored
    path: str | None = None
    outputs: DocumentOutputs | None = None  # JSONL lines, report page and index row, once rendered (pipeline.outputs)

    @property
    def document(self) -> dict:
        return self.records["documents"][0]


def finding_record(document_id: str, f: Finding, index: int = 0) -> dict:
    """`index`: the finding's order in its document (`finding_index`, its key with document_id)."""
    return {
        "document_id": document_id, "table_id": f.table_id, "page": f.page, "severity": f.severity,
        "check": f.check, "message": f.message, "row_label": f.row_label, "column": f.column,
        "expected": f.expected, "actual": f.actual, "finding_index": index,
    }


def table_regions(raw: RawTable) -> list[list[float]]:
    """Where the table sits: `[page, x0, y0, x1, y1]` per page it covers (page coordinates,
    derotated), the hull of its cells there; none for a text dump."""
    hulls: dict[int, list[float]] = {}
    for cell in raw.cells:
        if cell.bbox is None:
            continue
        page = cell.page or raw.page
        x0, y0, x1, y1 = cell.bbox
        h = hulls.setdefault(page, [x0, y0, x1, y1])
        h[:] = [min(h[0], x0), min(h[1], y0), max(h[2], x1), max(h[3], y1)]
    return [[page, *(round(v, 1) for v in hull)] for page, hull in sorted(hulls.items())]


def table_view(table_id: int, raw: RawTable) -> TableView:
    """The report's view of a table: a region per page it spans (a stitched table's pieces
    keep their own bbox), each with the cells drawn there."""
    boxes: dict[int, BBox | None] = {}
    for page, bbox in [(raw.page, raw.bbox), *raw.continued]:
        known = boxes.get(page)
        boxes[page] = _hull(known, bbox) if known and bbox else known or bbox
    cells: dict[int, list[BBox]] = {page: [] for page in boxes}
    for c in raw.cells:
        if c.bbox:
            cells.setdefault(c.page or raw.page, []).append(c.bbox)
    regions = []
    for page in sorted(cells):
        found = cells[page]
        regions.append(PageRegion(page, boxes.get(page) or (_hull(*found) if found else None), found))
    return TableView(table_id, regions, raw.grid())


def _hull(*boxes: BBox) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def is_empty_fragment(table: RawTable) -> bool:
    """A ruled box with no text at all (a page's leftover frame), not a table."""
    return not any(c.text.strip() for c in table.cells)


def usual_unit(tables: list[RawTable]) -> str | None:
    """The unit most of a document's tables state: assumed for a table printed without one."""
    units = Counter(t.unit for t in tables if t.unit)
    return units.most_common(1)[0][0] if units else None


def build_records(document_id: str, tables: list[RawTable], specs: list[catalog.TableSpec],
                  progress: Progress | None = None) -> tuple[dict[str, list[dict]], list[Finding]]:
    records: dict[str, list[dict]] = {name: [] for name in RECORD_TABLES}
    findings: list[Finding] = []
    usual = usual_unit(tables)
    for table_id, (raw, spec) in enumerate(zip(tables, specs), start=1):
        if progress:
            progress("table", table_id)
        if raw.unit is None and usual:
            raw.unit = usual
            findings.append(Finding("info", "unit_inherited", f"no unit printed; the document's usual unit {usual} assumed",
                                    raw.page, table_id))
        if spec.kind == "performance":
            produced, table_findings, actions = realign_performance(raw, spec, table_id)
        else:
            facts, table_findings, actions = realign_table(raw, spec, table_id)
            produced = {"fiscal_facts": facts}
        for f in table_findings:
            f.table_id = table_id
        findings += table_findings
        for name, rows in produced.items():
            for index, row in enumerate(rows):
                row["document_id"] = document_id
                if name != "fiscal_facts":  # a 绩效 record's order in its table: its key (names may repeat)
                    row["record_index"] = index
            records[name] += rows
        records["tables"].append({
            "document_id": document_id, "table_id": table_id, "table_key": spec.key, "title": raw.title,
            "page_start": raw.page, "page_end": raw.page_end or raw.page, "unit": raw.unit, "source": raw.source,
            "n_rows": raw.n_rows, "n_cols": raw.n_cols, "realign_actions": actions, "quality": None,
            "regions": table_regions(raw),
        })
        for action in actions:
            findings.append(Finding("info", "realign", action, raw.page, table_id))
    return records, findings


def extract_tables(path: Path, data: bytes, options: Options, skip_pages: dict[int, str],
                   progress: Progress | None) -> ExtractedDocument:
    from pipeline.extract.text_dump import extract_text_dump, looks_like_html

    if path.suffix.lower() in TEXT_SUFFIXES:
        return extract_text_dump(data, path.suffix.lower())
    if looks_like_html(data) and not data.lstrip()[:5].startswith(b"%PDF"):
        # a portal's HTML page saved as `.pdf` (mirrors and crawlers do this) is read as what it
        # is when it is a disclosure page; an error page under a PDF's name fails as before
        page = extract_text_dump(data, ".html")
        if page.tables or catalog.heading_kind(heading_lines(page.page_text)):
            return page
        raise DocumentError("not a PDF (no %PDF- header): an HTML page without a table or a disclosure heading")
    limits = PageLimits(options.max_pages, options.max_pixels, skip_pages)
    return extract_pdf(data, ocr=options.ocr, extractor=options.extractor, password=options.password, limits=limits,
                       progress=progress, ocr_engine=options.ocr_engine)


def process_document(path: Path, options: Options | None = None, source_uri: str | None = None,
                     source_name: str | None = None, filename: str | None = None,
                     skip_pages: dict[int, str] | None = None, progress: Progress | None = None,
                     with_crops: bool = False) -> DocumentResult:
    """`source_uri` / `source_name` / `filename` describe where a fetched document came from
    (its stored path is content-addressed); a local file defaults to its own path and name.
    `skip_pages` (page → why) are not read; `progress(stage, detail)` is called as work goes
    on; `with_crops` draws the report's page crops into the table views."""
    options = options or Options()
    progress = progress or (lambda stage, detail: None)
    path = Path(path)
    data, read_error = read_input(path)
    result = new_result(path, data, source_uri, source_name, filename)
    doc = result.document
    started = time.perf_counter()
    try:
        if read_error:
            raise DocumentError(read_error)
        extracted = extract_tables(path, data, options, skip_pages or {}, progress)
        records, findings, tables = document_records(result.document_id, extracted, doc, progress)
        result.records.update(records, documents=[doc])
        result.records["quality_log"] = [finding_record(result.document_id, f, i) for i, f in enumerate(findings)]
        result.views = [table_view(i, t) for i, t in enumerate(tables, start=1)]
        if with_crops and path.suffix.lower() in PDF_SUFFIXES:
            progress("crops", None)
            from pipeline.report.crops import render_crops

            render_crops(data, result.views, options.password)
    except (DocumentError, ValueError) as exc:
        _fail(result, doc, str(exc))
    except PDF_ERROR as exc:  # MuPDF on a damaged file, outside any one page
        _fail(result, doc, f"damaged PDF: {mupdf_message(exc)}")
    except Exception as exc:  # a library crashing on one document must not stop the run
        log.exception("processing %s failed", path)
        _fail(result, doc, f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
    log.info("%s: %s in %.2fs", path.name, doc["status"], time.perf_counter() - started)
    return result


def read_input(path: Path) -> tuple[bytes, str | None]:
    """The file's bytes, or b"" and why it cannot be read."""
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return b"", f"cannot read file: {exc.strerror or exc}"


HASH_CHUNK = 1 << 20  # bytes read at a time when hashing a file without holding it


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in chunks: the supervisor hashes a document whose worker died
    without loading it (a 500 MB scan must not cost the parent 500 MB). An unreadable file
    hashes as empty, as `read_input` gives it."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return hashlib.sha256(b"").hexdigest()
    return digest.hexdigest()


def new_result(path: Path, data: bytes | None, source_uri: str | None = None, source_name: str | None = None,
               filename: str | None = None, document_id: str | None = None) -> DocumentResult:
    """A result holding just the document's row, status `done` until told otherwise; its id the
    SHA-256 of `data`, or `document_id` when the caller hashed the file itself."""
    document_id = document_id or hashlib.sha256(data or b"").hexdigest()
    result = DocumentResult(document_id, path=str(path))
    result.records["documents"] = [{
        "document_id": document_id, "source_uri": source_uri or str(path.resolve()), "source_name": source_name,
        "filename": filename or path.name,
        "department": None, "year": None, "pages": None, "kind": None, "status": "done", "error": None, "quality": None,
        "processed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }]
    return result


def failed_document(path: Path, message: str, source_uri: str | None = None, source_name: str | None = None,
                    filename: str | None = None) -> DocumentResult:
    """The record of a document that could not be processed at all (its worker died, say)."""
    path = Path(path)
    result = new_result(path, None, source_uri, source_name, filename, document_id=file_sha256(path))
    _fail(result, result.document, message)
    return result


def document_records(document_id: str, extracted: ExtractedDocument, doc: Record,
                     progress: Progress) -> tuple[Records, list[Finding], list[RawTable]]:
    """Stitch, key, realign and validate the extracted tables; fills `doc`'s department, year,
    pages, quality and status."""
    tables = [t for t in extracted.tables if not is_empty_fragment(t)]
    dropped = len(extracted.tables) - len(tables)
    progress("stitch", None)
    tables = stitch_continued_tables(tables)
    keying = key_tables(tables, extracted.page_text)
    records, findings = build_records(document_id, tables, keying.specs, progress)
    progress("validate", None)
    narrative = [text for page in extracted.page_text for _, text in page.lines]
    validation = validate_document(records, narrative)
    drop_stage_notes(records)
    findings = extracted.findings + findings + keying.findings + validation.findings
    errors_by_table = Counter(f.table_id for f in findings if f.severity == "error")
    for table in records["tables"]:
        table["quality"] = table_quality(validation, table["table_id"], errors_by_table[table["table_id"]])
    if dropped:
        findings.append(Finding("info", "empty_fragment", f"{dropped} ruled box(es) without text ignored"))
    if not tables:
        findings.append(Finding("info", "no_tables", "no table found in the document"))
    doc["department"], doc["year"] = document_identity(extracted.page_text, tables)
    qualities = [t["quality"] for t in records["tables"] if t["quality"] is not None]
    doc["quality"] = round(sum(qualities) / len(qualities), 4) if qualities else None
    doc["pages"] = extracted.pages
    doc["kind"] = keying.kind
    if any(f.severity == "error" for f in findings):
        doc["status"] = "partial"
    return records, findings, tables


def drop_stage_notes(records: Records) -> None:
    """Keys starting with "_" are notes from realign to validate (a 绩效 form's scores outside its
    funds and indicators, for the 总分 check), not columns: gone once the records are validated."""
    for rows in records.values():
        for row in rows:
            for key in [k for k in row if k.startswith("_")]:
                del row[key]


def _fail(result: DocumentResult, doc: dict, message: str) -> None:
    """A failed document keeps its `documents` row and one error finding, nothing else."""
    doc["status"], doc["error"] = "failed", message
    result.views = []
    for name in RECORD_TABLES:
        result.records[name] = [doc] if name == "documents" else []
    result.records["quality_log"] = [finding_record(result.document_id, Finding("error", "document_failed", message))]
