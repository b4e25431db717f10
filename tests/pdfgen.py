"""Small ruled-table PDFs drawn for tests (PyMuPDF's built-in CJK font, no files needed)."""
from __future__ import annotations

import pymupdf

FONT = "china-s"


def draw_table(page, top: float, widths: list[float], rows: list[list[str]], left: float = 40, height: float = 18,
               merges: dict[tuple[int, int], tuple[int, int]] | None = None) -> float:
    """Ruled grid with `rows` of text; `merges[(r, c)] = (row_span, col_span)` leaves out the
    inner rulings of a merged cell. Returns the y of the bottom line."""
    merges = merges or {}
    covered = {}
    for (r, c), (rs, cs) in merges.items():
        for i in range(rs):
            for j in range(cs):
                covered[(r + i, c + j)] = (r, c, rs, cs)
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top + i * height for i in range(len(rows) + 1)]
    shape = page.new_shape()
    for r in range(len(rows)):
        for c in range(len(widths)):
            anchor = covered.get((r, c))
            # right border unless inside a merged cell
            if not (anchor and c + 1 < anchor[1] + anchor[3]):
                shape.draw_line((xs[c + 1], ys[r]), (xs[c + 1], ys[r + 1]))
            if not (anchor and r + 1 < anchor[0] + anchor[2]):
                shape.draw_line((xs[c], ys[r + 1]), (xs[c + 1], ys[r + 1]))
        shape.draw_line((xs[0], ys[r]), (xs[0], ys[r + 1]))
    shape.draw_line((xs[0], ys[0]), (xs[-1], ys[0]))
    shape.finish(width=0.75, color=(0, 0, 0))
    shape.commit()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                page.insert_text((xs[c] + 3, ys[r] + height - 5), text, fontname=FONT, fontsize=9)
    return ys[-1]


def write_lines(page, top: float, lines: list[str], left: float = 40) -> float:
    for i, line in enumerate(lines):
        page.insert_text((left, top + i * 16), line, fontname=FONT, fontsize=11)
    return top + len(lines) * 16


def income_table_pdf(path, rows_first: int = 6, rows_second: int = 3) -> list[list[str]]:
    """A 收入决算表 over two pages, the second without title or header. Returns the data rows."""
    header = [["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "其他收入"]]
    data = [[f"20{i:05d}", f"科目{i}", f"{i}.50", f"{i}.00", "0.50"] for i in range(1, rows_first + rows_second + 1)]
    doc = pymupdf.open()
    page = doc.new_page()
    top = write_lines(page, 60, ["示例单位2023年度部门决算", "收入决算表", "部门名称：示例单位  单位：万元"])
    draw_table(page, top + 10, [90, 150, 90, 90, 80], header + data[:rows_first])
    page = doc.new_page()
    draw_table(page, 60, [90, 150, 90, 90, 80], data[rows_first:])
    doc.save(path)
    return data


# --- partially ruled and unruled tables (tests/test_partial_rules.py) ---------------------

def text_width(text: str, size: float = 9) -> float:
    """Advance of `text` as `page.insert_text` draws it with FONT (every glyph `size` wide)."""
    return pymupdf.get_text_length(text, fontname=FONT, fontsize=size)


def _is_number(text: str) -> bool:
    return bool(text) and text.replace(",", "").replace(".", "").replace("-", "").isdigit()


def put_cell(page, x0: float, x1: float, baseline: float, text: str, size: float = 9, pad: float = 3) -> None:
    """One line of cell text: figures right-aligned, words left-aligned."""
    if not text:
        return
    x = x1 - pad - text_width(text, size) if _is_number(text) else x0 + pad
    page.insert_text((x, baseline), text, fontname=FONT, fontsize=size)


def _rows_layout(rows: list[list[str]], top: float, pitch: float, leading: float, valign: str):
    """Baselines of each cell line: a cell's lines are split at '\\n'; a row is as tall as its
    tallest cell; shorter cells are centred (`valign="middle"`) or top-aligned. Returns
    (list of (row, col, line, baseline)), bottom y."""
    out = []
    y = top
    for r, row in enumerate(rows):
        n = max(len(cell.split("\n")) for cell in row)
        height = pitch + (n - 1) * leading
        for c, cell in enumerate(row):
            lines = cell.split("\n") if cell else []
            k = len(lines)
            first = y + pitch / 2 + 3.2  # baseline of a one-line row, vertically centred
            if valign == "middle":
                first += (n - k) * leading / 2
            for i, line in enumerate(lines):
                out.append((r, c, line, first + i * leading))
        y += height
    return out, y


def _fill_rule(page, rect) -> None:
    """A rule drawn as a thin filled rectangle (the Jiangsu budget tables' way)."""
    page.draw_rect(pymupdf.Rect(*rect), color=None, fill=(0, 0, 0), width=0)


def draw_column_ruled_table(page, top: float, widths: list[float], header: list[list[str]],
                            body: list[list[str]], left: float = 40, pitch: float = 18, leading: float = 11,
                            valign: str = "middle", header_merges: dict[tuple[int, int], int] | None = None) -> float:
    """A frame with column rules and horizontal rules only at the top, under the header and at
    the bottom, all drawn as 0.5 pt filled rectangles; no rule between body rows.
    `header_merges[(r, c)] = n`: header cell (r, c) spans n columns (no column rule inside it
    in that header row, and a partial rule under it). Returns the frame's bottom y."""
    header_merges = header_merges or {}
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    w = 0.5
    header_ys = [top + i * pitch for i in range(len(header) + 1)]
    lines, bottom = _rows_layout(body, header_ys[-1], pitch, leading, valign)
    # header text and the rules between header rows
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text:
                span = header_merges.get((r, c), 1)
                put_cell(page, xs[c], xs[c + span], header_ys[r] + pitch / 2 + 3.2, text)
    _fill_rule(page, (xs[0], top - w / 2, xs[-1], top + w / 2))
    _fill_rule(page, (xs[0], header_ys[-1] - w / 2, xs[-1], header_ys[-1] + w / 2))
    _fill_rule(page, (xs[0], bottom - w / 2, xs[-1], bottom + w / 2))
    for r in range(1, len(header)):  # rules between header rows, under merged cells only
        for (mr, mc), span in header_merges.items():
            if mr == r - 1:
                _fill_rule(page, (xs[mc], header_ys[r] - w / 2, xs[mc + span], header_ys[r] + w / 2))
    inside = {(r, c + k) for (r, c), span in header_merges.items() for k in range(1, span)}
    for c, x in enumerate(xs):
        # a column rule runs through the header except inside a merged header cell
        segs_top = top
        for r in range(len(header)):
            if (r, c) in inside:
                if header_ys[r] > segs_top:
                    _fill_rule(page, (x - w / 2, segs_top, x + w / 2, header_ys[r]))
                segs_top = header_ys[r + 1]
        _fill_rule(page, (x - w / 2, segs_top, x + w / 2, bottom))
    for _r, c, text, base in lines:
        put_cell(page, xs[c], xs[c + 1], base, text)
    return bottom


def draw_rules_only_table(page, top: float, widths: list[float], header: list[str], body: list[list[str]],
                          left: float = 40, pitch: float = 18, leading: float = 11, rules: bool = True) -> float:
    """A three-line table: a rule above and below the header and at the bottom, no vertical
    rules (`rules=False`: the same table with no rule at all). Returns the bottom y."""
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    for c, text in enumerate(header):
        put_cell(page, xs[c], xs[c + 1], top + pitch / 2 + 3.2, text)
    lines, bottom = _rows_layout(body, top + pitch, pitch, leading, "middle")
    for _r, c, text, base in lines:
        put_cell(page, xs[c], xs[c + 1], base, text)
    if rules:
        shape = page.new_shape()
        for y in (top, top + pitch, bottom):
            shape.draw_line((xs[0], y), (xs[-1], y))
        shape.finish(width=0.75, color=(0, 0, 0))
        shape.commit()
    return bottom


def write_overprinted(page, point: tuple[float, float], text: str, size: float = 16,
                      offsets: tuple[float, ...] = (0.0, 0.25, 0.5, 0.0, 0.25, 0.5)) -> None:
    """Text drawn several times at sub-point offsets ("fake bold")."""
    for i, dx in enumerate(offsets):
        page.insert_text((point[0] + dx, point[1] + (0.2 if i % 2 else 0.0)), text, fontname=FONT, fontsize=size)


def draw_full_table(page, top: float, widths: list[float], rows: list[list[str]], left: float = 40,
                    pitch: float = 18, leading: float = 11, valign: str = "middle") -> float:
    """A fully ruled table whose cells may hold several lines ('\\n'): each row as tall as its
    tallest cell, with a rule under every row. Returns the bottom y."""
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    lines, bottom = _rows_layout(rows, top, pitch, leading, valign)
    ys, y = [top], top
    for row in rows:
        y += pitch + (max(len(cell.split("\n")) for cell in row) - 1) * leading
        ys.append(y)
    shape = page.new_shape()
    for y in ys:
        shape.draw_line((xs[0], y), (xs[-1], y))
    for x in xs:
        shape.draw_line((x, top), (x, bottom))
    shape.finish(width=0.75, color=(0, 0, 0))
    shape.commit()
    for _r, c, text, base in lines:
        put_cell(page, xs[c], xs[c + 1], base, text)
    return bottom
