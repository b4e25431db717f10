"""Property-based fuzzing (hypothesis) of the number/unit parser and the text-dump readers:
any input gives an answer or the reader's own clear error, never a crash; and what a
converter writes is read back cell for cell."""
import html
import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.extract.context import read_title_and_unit
from pipeline.extract.text_dump import TextDumpError, extract_text_dump
from pipeline.model import RawTable
from pipeline.numbers import NULL_MARKERS, as_json_number, is_figure, is_number, parse_number

SETTINGS = settings(max_examples=int(os.environ.get("JUESUAN_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FULL_WIDTH = str.maketrans("0123456789,.%", "０１２３４５６７８９，．％")


# -- numbers and units ------------------------------------------------------------------------

@SETTINGS
@given(st.text())
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or isinstance(value, float)
    assert is_number(text) == (value is not None)
    if is_figure(text):
        assert value is not None


@SETTINGS
@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["", "%", "万元", "元"]), st.booleans(), st.booleans(), st.sampled_from(["", " ", "\n", "\u3000"]))
def test_published_amounts_read_back(amount, suffix, thousands, full_width, pad):
    printed = f"{amount:,.2f}" if thousands else f"{amount:.2f}"
    printed += suffix
    if full_width:
        printed = printed.translate(FULL_WIDTH)
    assert parse_number(pad + printed + pad) == float(amount)
    assert as_json_number(parse_number(printed)) == (int(amount) if amount == int(amount) else round(float(amount), 6))


@given(st.sampled_from(sorted(NULL_MARKERS)), st.sampled_from(["", " ", "\n"]))
def test_null_markers_are_null(marker, pad):
    assert parse_number(pad + marker + pad) is None


@SETTINGS
@given(st.text(alphabet="单位金额：:万元 （）()0123456789表收入", max_size=30), st.sampled_from(["万元", "元"]),
       st.sampled_from(["单位：", "单位:", "金额单位：", "单 位 ： "]))
def test_unit_read_from_context_whatever_surrounds_it(noise, unit, label):
    table = RawTable(cells=[], n_rows=0, n_cols=0, page=1, source="text", context=[f"{label}{unit}"])
    read_title_and_unit(table)
    assert table.unit == unit
    table = RawTable(cells=[], n_rows=0, n_cols=0, page=1, source="text", context=[noise])
    read_title_and_unit(table)  # whatever the noise, no crash; a unit only if one is printed
    assert table.unit in (None, "万元", "元")


# -- text-dump readers --------------------------------------------------------------------------

def check_tables(doc):
    for table in doc.tables:
        assert table.n_rows >= 1 and table.n_cols >= 1
        for cell in table.cells:
            assert 0 <= cell.row < table.n_rows and 0 <= cell.col < table.n_cols
        table.grid(fill_spans=True)


@SETTINGS
@given(st.binary(max_size=4000), st.sampled_from([".txt", ".md", ".html"]))
def test_text_dump_readers_take_any_bytes(data, suffix):
    try:
        doc = extract_text_dump(data, suffix)
    except TextDumpError:
        return
    check_tables(doc)


ROW_SHAPES = st.sampled_from(["<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "<p>", "<br>", "\t", "|", "\n",
                              "|---|---|", "<td rowspan='9999999' colspan='9999999'>", "<td colspan=-3>", "收入决算表",
                              "单位：万元", "201", "1,234.50", "合计", "\x00", "\ufffd"])


@SETTINGS
@given(st.lists(st.one_of(ROW_SHAPES, st.text(max_size=8)), max_size=200))
@example(["<table>", "<tr>", "<td rowspan='9999999' colspan='9999999'>", "x", "</td>", "</tr>", "</table>"])
def test_text_dump_readers_take_table_shaped_garbage(pieces):
    text = "".join(pieces)
    for suffix in (".txt", ".html"):
        try:
            doc = extract_text_dump(text.encode("utf-8"), suffix)
        except TextDumpError:
            continue
        check_tables(doc)


CELL = st.text(alphabet="0123456789.,甲乙丙丁戊己庚辛abcxyz", min_size=0, max_size=8)
RULE = re.compile(r"^:?-{2,}:?$")


def grids(min_cols=2):
    return st.integers(min_cols, 7).flatmap(
        lambda n: st.lists(st.lists(CELL, min_size=n, max_size=n).filter(lambda r: any(r)), min_size=1, max_size=12))


def as_tab_rows(rows):
    return "\n".join("\t".join(r) for r in rows)


def as_markdown(rows):
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines[:1] + ["|" + "---|" * len(rows[0])] + lines[1:])


def as_html(rows):
    body = "".join("<tr>" + "".join(f"<td><p>{html.escape(c)}</p></td>" for c in r) + "</tr>" for r in rows)
    return f"<html><body><p>说明</p><table>{body}</table></body></html>"


@SETTINGS
@given(grids(), st.sampled_from([(as_tab_rows, ".txt"), (as_markdown, ".md"), (as_html, ".html")]))
def test_written_tables_read_back_cell_for_cell(rows, writer):
    write, suffix = writer
    doc = extract_text_dump(("前言\n" + write(rows) + "\n后记\n").encode("utf-8"), suffix)
    (table,) = doc.tables
    width = len(rows[0])
    assert table.n_rows == len(rows)
    assert [r + [""] * (width - len(r)) for r in table.grid()] == rows
