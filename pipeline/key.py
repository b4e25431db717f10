"""Key: every stitched table → its catalog spec, the document → its kind (SPEC v2).

Entry point: `key_tables(tables, page_text)`. The document's family (部门决算 or 部门预算) comes
first — from the titles that name one, else from the heading on its cover — so a title that
names neither (`收支总表`) gets its document's family; where titles match equally well, the
header vocabulary decides (`catalog.key_table`). A table with amounts that no catalog entry
recognises is a warning: an unread table must not pass for a read one."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pipeline import catalog
from pipeline.catalog import TableSpec
from pipeline.model import Finding, PageText, RawTable
from pipeline.numbers import is_figure
from pipeline.realign.header import find_body_start, header_paths

HEADING_LINES = 12  # lines of the first page that may hold the document's heading


@dataclass
class Keying:
    specs: list[TableSpec]  # one per table, in order
    family: str | None  # final_account | budget | None
    kind: str  # documents.kind: final_account | budget | performance | other
    findings: list[Finding]


def heading_lines(page_text: list[PageText]) -> list[str]:
    return [text for _, text in page_text[0].lines[:HEADING_LINES]] if page_text else []


def document_family(tables: list[RawTable], heading: str | None) -> str | None:
    """The family most titles name (决算 / 预算 outside fund names), else the heading's."""
    named = Counter(f for t in tables if t.title and (f := catalog.title_family(t.title)))
    return named.most_common(1)[0][0] if named else heading


def table_header_paths(raw: RawTable) -> list[str]:
    body_start, _ = find_body_start(raw.grid())
    paths, _, _ = header_paths(raw, body_start)
    return ["/".join(path) for path in paths]


def amount_count(raw: RawTable) -> int:
    return sum(1 for c in raw.cells if is_figure(c.text))


def key_tables(tables: list[RawTable], page_text: list[PageText]) -> Keying:
    heading = catalog.heading_kind(heading_lines(page_text))
    family = document_family(tables, heading)
    specs = [catalog.key_table(raw.title, table_header_paths(raw), family) for raw in tables]
    kind = catalog.disclosure_kind([s.key for s in specs], heading)
    findings = []
    for table_id, (raw, spec) in enumerate(zip(tables, specs), start=1):
        amounts = amount_count(raw) if spec is catalog.OTHER else 0
        if amounts:
            findings.append(Finding("warning", "unrecognised_table",
                                    f"table {raw.title or '(untitled)'!r} on page {raw.page} holds {amounts} amounts "
                                    f"that no catalog entry recognises: kept as `other`, no facts",
                                    raw.page, table_id, None, None, None, amounts))
    return Keying(specs, family, kind, findings)
