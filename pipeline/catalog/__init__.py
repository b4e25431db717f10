"""Table knowledge as data: titles, sections, canonical columns and their synonyms, identities,
the tables each kind of disclosure prints, the checks across them and the amounts their text
states. Entry points: `match_title(title, family)`, `key_table(title, header_paths, family)`,
`canonical_column(spec, path)`, `section_of(spec, cell)`, `disclosure_kind(...)`.

Adding a province's variant means adding a pattern to `final_account`, `budget` or
`performance`, not an `if` in a stage. Patterns are regular expressions searched in text with all
whitespace removed. Column patterns are tried in order against a column's header path (header
cells top to bottom joined with "/", section names taken out), so more specific columns come
first."""
from __future__ import annotations

import re

from pipeline.catalog import budget, final_account, performance
from pipeline.catalog.performance import (
    LEVEL1_WORDS,
    LEVEL2_PARENT,
    LEVEL2_WORDS,
    NARRATIVE_EXECUTED,
    PERF_BLOCK_LABELS,
    PERF_BLOCKS,
    PERF_CATEGORY_VALUE,
    PERF_FUND_COLUMNS,
    PERF_FUND_LAYOUTS,
    PERF_INDICATOR_BLOCK_AS_LEVEL1,
    PERF_INDICATOR_COLUMNS,
    PERF_KEYS,
    SCORE_NOTE,
)
from pipeline.catalog.spec import CrossCheck, DisclosureKind, Identity, NarrativeAmount, Pick, TableSpec
from pipeline.catalog.vocabulary import (
    CAPTION,
    CODE_HEADER,
    CODE_PART_WORDS,
    COLUMN_NUMBER_ROW,
    COLUMN_NUMBER_WITH_LABEL,
    COUNT_HEADER,
    DEPARTMENT,
    DISCLOSURE_HEADING,
    ENUMERATOR,
    FUND_NAMES,
    HEADER_WORDS,
    LABEL_HEADER,
    NOT_A_DISCLOSURE,
    OF_WHICH,
    ORGANISATION_CODE_HEADER,
    ROW_NUMBER_HEADER,
    STATEMENT_NO,
    TITLE_NUMBER,
    TOTAL_LABEL,
    TOTAL_LABELS,
    TWIN_TOTAL,
    TWIN_WORDS,
    UNIT,
    UNIT_IN_HEADER,
    YEAR,
)

TABLES: tuple[TableSpec, ...] = final_account.TABLES + budget.TABLES + performance.TABLES
OTHER = TableSpec("other", (), kind="other")
BY_KEY = {spec.key: spec for spec in TABLES} | {"other": OTHER}
KINDS: dict[str, DisclosureKind] = {"final_account": final_account.KIND, "budget": budget.KIND}
# table_key → canonical columns, for the schema document and the sample generator
PERFORMANCE_KEYS = tuple(spec.key for spec in performance.TABLES)


def compact(text: str) -> str:
    return "".join(text.split())


_compact = compact  # the name other modules used


def title_family(title: str) -> str | None:
    """`final_account` or `budget` when the title itself says so (决算 / 预算 outside fund names
    such as 一般公共预算), else None: `收支总表` takes its document's kind."""
    s = FUND_NAMES.sub("", compact(title))
    if "决算" in s:
        return "final_account"
    if "预算" in s:
        return "budget"
    return None


def title_candidates(title: str, family: str | None = None) -> list[tuple[int, TableSpec]]:
    """(length of the matched title text, spec) for every spec whose title the text carries,
    in the title's family (or the document's, for a title that names none)."""
    s = compact(title)
    fam = title_family(s) or family
    out = []
    for spec in TABLES:
        if fam and spec.family and spec.family != fam:
            continue
        if any(re.search(p, s) for p in spec.not_titles):
            continue
        spans = [len(m.group(0)) for p in spec.titles if (m := re.search(p, s))]
        if spans:
            out.append((max(spans), spec))
    return sorted(out, key=lambda c: -c[0])


def match_title(text: str, family: str | None = None) -> TableSpec | None:
    """The spec whose published title `text` carries: the longest match wins (`财政拨款收支总表`
    over `收支总表`)."""
    candidates = title_candidates(text, family)
    return candidates[0][1] if candidates else None


def vocabulary_score(spec: TableSpec, header_paths: list[str]) -> int:
    """How many of a table's header paths name one of the spec's canonical columns."""
    return sum(1 for path in header_paths if path and _match_column(spec, path) is not None)


def key_table(title: str | None, header_paths: list[str], family: str | None) -> TableSpec:
    """The table's spec: by title, the header vocabulary deciding between titles that match
    equally well; `OTHER` when no title matches."""
    candidates = title_candidates(title or "", family)
    if not candidates:
        return OTHER
    best = candidates[0][0]
    tied = [spec for length, spec in candidates if length == best]
    spec = max(tied, key=lambda spec: vocabulary_score(spec, header_paths)) if len(tied) > 1 else tied[0]
    header = "/".join(header_paths)
    return next((BY_KEY[key] for pattern, key in spec.refine if re.search(pattern, header)), spec)


def _match_column(spec: TableSpec, path: str) -> tuple[str, int] | None:
    """(canonical name, where the match ends) of the first column pattern found in the path."""
    for name, pattern in spec.columns:
        m = re.search(pattern, path)
        if m:
            return (name.format(**m.groupdict()) if "{" in name else name), m.end()
    return None


def canonical_column(spec: TableSpec, path: str) -> str:
    """Canonical name for a header path; unlisted columns keep their published path.

    `X/小计` is X's own total (`本年收入/小计` → 本年收入合计); `X/其中：Y` is a sub-item of X and
    keeps it (`事业收入/其中：教育收费` → `事业收入/教育收费`); so does a column that splits a
    named one by source of funds (`因公出国(境)费/一般公共预算` → `因公出国（境）费/一般公共预算`)."""
    parts = path.split("/")
    parent = "/".join(parts[:-1])
    if parent and OF_WHICH.match(parts[-1]):
        return f"{canonical_column(spec, parent)}/{OF_WHICH.sub('', parts[-1])}"
    if parent and parts[-1] in ("小计", "合计") and (above := _match_column(spec, parent)):
        return above[0]
    found = _match_column(spec, path)
    if found and found[1] <= len(parent):  # the pattern named an ancestor only: a sub-column of it
        return f"{found[0]}/{parts[-1]}"
    if found:
        return found[0]
    above = _match_column(spec, parent) if parent else None
    return f"{above[0]}/{parts[-1]}" if above else path


def section_of(spec: TableSpec, cell: str) -> str | None:
    """The section a header cell names (`收入`, `本年支出` → 支出), or None."""
    if cell in spec.sections:
        return cell
    for section, pattern in spec.section_words:
        if re.search(pattern, cell):
            return section
    return None


def section_for_code(spec: TableSpec, code: str | None) -> str | None:
    if not code:
        return None
    for prefix, section in spec.code_sections:
        if code.startswith(prefix):
            return section
    return None


def section_for_label(spec: TableSpec, label: str) -> str | None:
    """A total row names its half: `人员经费合计` belongs to 人员经费."""
    for section in spec.sections:
        if label.startswith(section):
            return section
    return None


def strip_enumerator(label: str) -> str:
    return ENUMERATOR.sub("", label, count=1)


def heading_kind(lines: list[str]) -> str | None:
    """The kind of disclosure a document's heading lines name (`某某局2024年度部门决算`,
    `2026年某某局部门预算`), or None; a notice about one (`关于…的通知`) names none."""
    for line in lines:
        s = FUND_NAMES.sub("", compact(line))
        if NOT_A_DISCLOSURE.search(s):
            return None
        for kind, pattern in DISCLOSURE_HEADING:
            if pattern.search(s):
                return kind
    return None


def disclosure_kind(table_keys: list[str], heading: str | None) -> str:
    """`final_account` | `budget` | `performance` | `other` (SPEC v2 documents.kind): the family
    most of the document's recognised fiscal tables belong to; a document of performance forms
    only is `performance`; without recognised tables, what its heading says; else `other`."""
    families: list[str] = [BY_KEY[k].family for k in table_keys if BY_KEY[k].kind == "fiscal" and BY_KEY[k].family]
    if families:
        return max(("final_account", "budget"), key=families.count)
    if any(BY_KEY[k].kind == "performance" for k in table_keys):
        return heading or "performance"
    return heading or "other"





def describe_tables() -> str:
    """The table keys, their families, standard titles, sections and canonical columns as a
    markdown table: the part of docs/schema.md that the catalog owns (a test keeps them equal)."""
    lines = ["| table_key | family | standard title | sections | canonical columns |", "| --- | --- | --- | --- | --- |"]
    for spec in TABLES:
        columns = list(dict.fromkeys(name for name, _ in spec.columns))
        shown = ", ".join(f"`{c}`" for c in columns) or ("form fields (perf_* records)" if spec.kind == "performance" else "")
        lines.append(f"| `{spec.key}` | {spec.family or 'either'} | {spec.name} | {' / '.join(spec.sections)} | {shown} |")
    return "\n".join(lines) + "\n"
__all__ = [name for name in dir() if not name.startswith("__")]
