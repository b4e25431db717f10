"""The typed rows (`pipeline.store.schema.*Row`) and `SCHEMA` say the same thing, and the records
a real document produces are rows of those types: every column present, nothing else, each value
of its column's type or None where the column allows it."""
from __future__ import annotations

import types
import typing
from pathlib import Path

import pytest
from conftest import SAMPLES

from pipeline.process import Options, process_document
from pipeline.store.schema import PYTHON_TYPES, RECORD_TABLES, ROW_TYPES, SCHEMA


def allowed_types(annotation: object) -> tuple[set[type], bool]:
    """The classes an annotation admits, and whether it admits None."""
    if annotation is object:
        return {object}, True
    members = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    classes = {m for m in members if m is not type(None)}
    return classes, type(None) in members


def is_of(value: object, cls: type) -> bool:
    """isinstance, as a type checker reads it: an int is a float; a bool is not an int."""
    if isinstance(value, bool):
        return cls in (bool, object)
    return isinstance(value, (int, float) if cls is float else cls)


def row_problems(table: str, row: dict) -> list[str]:
    hints = typing.get_type_hints(ROW_TYPES[table])
    problems = [f"{table}: missing {c}" for c in hints if c not in row]
    problems += [f"{table}: unknown {c}" for c in row if c not in hints]
    for column, value in row.items():
        if column not in hints:
            continue
        classes, nullable = allowed_types(hints[column])
        if value is None:
            if not nullable:
                problems.append(f"{table}.{column} is None")
        elif not any(is_of(value, c) for c in classes):
            problems.append(f"{table}.{column} = {value!r} is not {hints[column]}")
    return problems


def test_every_record_table_has_a_row_type():
    assert set(ROW_TYPES) == set(SCHEMA) == set(RECORD_TABLES)


@pytest.mark.parametrize("table", list(SCHEMA))
def test_row_type_columns_equal_the_schema_in_order(table):
    hints = typing.get_type_hints(ROW_TYPES[table])
    assert list(hints) == [column for column, _ in SCHEMA[table]]


@pytest.mark.parametrize("table", list(SCHEMA))
def test_row_type_of_each_column_is_its_sql_type(table):
    hints = typing.get_type_hints(ROW_TYPES[table])
    for column, kind in SCHEMA[table]:
        classes, _ = allowed_types(hints[column])
        assert classes == {PYTHON_TYPES[kind]}, (table, column, kind, hints[column])


@pytest.mark.parametrize("pdf", [SAMPLES / "native" / "dept_a_2022.pdf", SAMPLES / "budget" / "data_bureau_2026.pdf"],
                         ids=lambda p: Path(p).stem)
def test_records_of_a_real_document_are_rows_of_their_type(pdf):
    result = process_document(pdf, Options(ocr="never"))
    assert result.document["status"] == "done", result.document["error"]
    assert set(result.records) == set(RECORD_TABLES)
    counted = {table: len(rows) for table, rows in result.records.items()}
    assert counted["fiscal_facts"] > 100 and counted["tables"] > 5
    problems = [p for table, rows in result.records.items() for row in rows for p in row_problems(table, row)]
    assert problems == []


def test_the_check_catches_a_wrong_row():
    """The checker itself: a text where a number belongs, a missing and an unknown column."""
    bad = {c: None for c, _ in SCHEMA["fiscal_facts"]} | {"document_id": "d", "table_id": 1, "value": "12.5"}
    del bad["unit"]
    bad["units"] = "元"
    assert sorted(row_problems("fiscal_facts", bad)) == sorted([
        "fiscal_facts: missing unit", "fiscal_facts: unknown units",
        "fiscal_facts.value = '12.5' is not float | None"])
