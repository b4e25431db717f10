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
