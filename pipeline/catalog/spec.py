"""The shapes of table knowledge: a table's spec, the identities it obeys, and the checks a
disclosure's tables and text must pass together. Pure data types; the data is in the sibling
modules (final_account, budget, performance) and the lookups in `pipeline.catalog`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TableKind = Literal["fiscal", "performance", "other"]
DisclosureFamily = Literal["final_account", "budget"]
Family = Literal["final_account", "budget", ""]  # "": printed in either (performance forms)
Form = Literal["self_evaluation", "targets", ""]
CrossMode = Literal["value", "by_label", "sum"]


@dataclass(frozen=True)
class Identity:
    """`total` = Σ `parts` on one row (canonical column names).

    A table's identities form a tree: a part the table does not print (a subtotal left out,
    `基本支出` without its column) stands for the sum of its own parts where another identity
    names them, so one tree serves every template that prints some of its levels
    (`pipeline.identities`)."""

    name: str
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    key: str
    titles: tuple[str, ...]  # regexes searched in the compacted title
    name: str = ""  # the title as the standard template prints it
    kind: TableKind = "fiscal"
    family: Family = ""  # "" (printed in either: performance forms)
    sections: tuple[str, ...] = ()  # section names that appear as header cells
    section_words: tuple[tuple[str, str], ...] = ()  # (section, regex on a compact header cell) beyond the names
    default_section: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # (canonical name, regex on the header path)
    # economic-classification prefixes → section, for twin tables whose halves carry no name
    code_sections: tuple[tuple[str, str], ...] = ()
    identities: tuple[Identity, ...] = field(default_factory=tuple)
    # canonical columns in the order tables print them: when a header names its columns
    # inconsistently (a name repeated, one missing), the identities choose among these
    layouts: tuple[tuple[str, ...], ...] = ()
    coded: bool = False  # rows carry classification codes: 类 = Σ款 = Σ项, 合计 = Σ 类
    # header words (regexes) that tell this table from another whose title reads alike
    vocabulary: tuple[str, ...] = ()
    form: Form = ""  # performance tables only
    not_titles: tuple[str, ...] = ()  # regexes: a title holding one of them is not this table's
    # (regex on the header text, key): a header saying so makes the table that variant (a
    # title printed alike over the function and the economic classification)
    refine: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Pick:
    """Facts of one table selected by fields; `label` is a regex matched against the whole
    row label, `code_len` the length of the subject code (3: a class row)."""

    table_key: str
    column: str
    section: str | None = None
    label: str | None = None
    code_len: int | None = None
    coded: bool | None = None  # True: rows with a code only; False: rows without one


@dataclass(frozen=True)
class CrossCheck:
    """The same amount printed in two tables.

    `mode`: `value` — the first fact of `left` equals the first of `right`; `by_label` — each
    fact of `left` equals the fact of `right` with the same row label; `sum` — the facts of
    `left` (or, where it selects none, of `fallback`) add up to the first fact of `right`."""

    name: str
    left: Pick
    right: Pick
    mode: CrossMode = "value"
    fallback: Pick | None = None


@dataclass(frozen=True)
class NarrativeAmount:
    """An amount the explanatory text states about a table: `pattern` holds a named group
    `amount` (in 万元) and is searched in the compacted text; the fact it describes is `fact`.
    `blank_is_finding`: the cell is one every template of the table prints, so a blank cell
    where the text states a non-zero amount is a finding (an optional column, 会议费 say, is not)."""

    pattern: str
    fact: Pick
    blank_is_finding: bool = False


@dataclass(frozen=True)
class DisclosureKind:
    """What a disclosure of one kind publishes: the tables it must print (a document printing
    `min_tables` of them is taken for this kind), the checks across them, and the amounts its
    text states (`topics`: an empty table whose topic the text gives an amount for)."""

    kind: DisclosureFamily
    tables: tuple[str, ...]
    min_tables: int
    cross_checks: tuple[CrossCheck, ...] = ()
    narrative: tuple[NarrativeAmount, ...] = ()
    topics: tuple[tuple[str, str], ...] = ()  # (table_key, pattern with group `amount`)
