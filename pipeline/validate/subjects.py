"""Checks of the subject codes a document prints against the national classification
(`pipeline.catalog.subjects`): a code that does not exist (`unknown_subject_code`), and a row whose
printed name is not one of its code's names (`subject_label`: `expected` the classification's
name, `actual` the printed label). One warning per table and code, whatever the number of columns
and rows that print it. The label is checked in tables whose rows are subjects (`coded` catalog
entries); elsewhere (a project or procurement table printing each project's function code beside
the project's name) only the code is. Tables read by OCR are checked as the others, once their
labels are repaired (`pipeline.realign.facts`): a label too far from its code's names to repair,
or a misread code, is a warning there too."""
from __future__ import annotations

from collections import defaultdict

from pipeline import catalog
from pipeline.catalog import subjects
from pipeline.store.schema import Records
from pipeline.validate.validation import Validation


def check_subjects(records: Records, v: Validation) -> None:
    by_code: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for f in records["fiscal_facts"]:
        if f["subject_code"]:
            by_code[(f["table_id"], f["subject_code"])].append(f)
    for (table_id, code), facts in by_code.items():
        first = facts[0]
        v.ran(table_id)
        if not subjects.is_known(code):
            v.warn("unknown_subject_code", f"subject code {code} ({first['row_label'] or 'no label'}) is not in the "
                   f"national classification (政府收支分类科目)", table_id, first["page"], first["row_label"], None,
                   None, code)
            continue
        if not catalog.BY_KEY[first["table_key"]].coded:
            continue
        wrong = next((f for f in facts if f["row_label"] and not subjects.label_matches(code, f["row_label"])), None)
        if wrong:
            label = wrong["row_label"]
            name = subjects.closest_label(code, label)
            v.warn("subject_label", f"subject {code} is {name!r} in the classification; the table prints {label!r}",
                   table_id, wrong["page"], label, None, name, label)
