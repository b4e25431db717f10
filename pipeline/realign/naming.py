"""Column names checked against the identities the table obeys.

A converter can repeat a header cell where another belongs (`公务用车运行维护费` printed twice,
`公务接待费` lost) or put a code word over a column of figures. When a section's amount
columns are named inconsistently — a canonical name twice, a name the catalog does not know,
or identities failing — the table's published layouts are tried as namings, and the one under
which the most body rows satisfy the identities wins (the published naming wins ties)."""
from __future__ import annotations

from pipeline import catalog, identities
from pipeline.catalog import TableSpec
from pipeline.numbers import clean_text, is_figure, parse_number
from pipeline.realign.header import Column


def figures_under_code_header(columns: list[Column], body: list[list[str]]) -> list[str]:
    """A column whose header says 类/款/项 but whose body holds figures is an amount column."""
    actions = []
    for col in columns:
        texts = [clean_text(row[col.index]) for row in body if clean_text(row[col.index])]
        if col.role == "code" and texts and sum(map(is_figure, texts)) * 2 > len(texts):
            col.role = "value"
            col.path = [p for p in col.path if p not in catalog.CODE_PART_WORDS]
            actions.append(f"column {col.index + 1}: header {'/'.join(col.path) or '(none)'} over figures read as an amount column")
    return actions


def identity_tally(spec: TableSpec, columns: list[Column], names: dict[int, str], body: list[list[str]]) -> tuple[int, int]:
    holding = failing = 0
    for row in body:
        per_section: dict[str, dict[str, float | None]] = {}
        for col in columns:
            if col.index in names:
                value = parse_number(row[col.index])
                section = per_section.setdefault(col.section or "", {})
                if names[col.index] in section and value is not None:
                    failing += 1  # two columns claiming one name cannot both be right
                section[names[col.index]] = value if value is not None else section.get(names[col.index])
        for values in per_section.values():
            h, f, _ = identities.tally(spec.identities, values)
            holding, failing = holding + h, failing + f
    return holding, failing


def repair_names(spec: TableSpec, columns: list[Column], body: list[list[str]]) -> list[str]:
    if not spec.layouts or not spec.identities:
        return []
    known = {name for name, _ in spec.columns}
    actions = []
    for section in sorted({c.section or "" for c in columns if c.role == "value"}):
        cols = [c for c in columns if c.role == "value" and (c.section or "") == section and c.name is not None]
        current = {c.index: c.name for c in cols if c.name is not None}  # all are
        names = list(current.values())
        suspicious = len(set(names)) < len(names) or any(n not in known for n in names)
        tally = identity_tally(spec, columns, current, body)
        if not suspicious and not tally[1]:
            continue
        best, best_tally, best_layout = current, tally, None
        for layout in spec.layouts:
            if len(layout) != len(cols):
                continue
            naming = {c.index: name for c, name in zip(cols, layout)}
            t = identity_tally(spec, columns, naming, body)
            if (t[1], -t[0]) < (best_tally[1], -best_tally[0]):
                best, best_tally, best_layout = naming, t, layout
        if best_layout is not None:
            for c in cols:
                c.name = best[c.index]
            actions.append(f"{section or 'amount'} columns named {'/'.join(best_layout)} by the identities "
                           f"({best_tally[0]} hold, {best_tally[1]} fail; as printed {tally[0]} hold, {tally[1]} fail)")
    return actions
