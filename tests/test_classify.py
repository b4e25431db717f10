"""Page classification: which pages the text layer can be trusted for."""
import pymupdf

from pipeline.classify import classify_page


def one_page(draw) -> pymupdf.Page:
    doc = pymupdf.open()
    page = doc.new_page()
    draw(page)
    data = doc.tobytes()
    return pymupdf.open(stream=data, filetype="pdf")[0]


def test_text_layer_is_native():
    page = one_page(lambda p: p.insert_text((50, 50), "收入决算表 2,940.05", fontname="china-s"))
    assert classify_page(page, 1).kind == "native"


def test_unmapped_glyphs_go_to_ocr():
    page = one_page(lambda p: p.insert_text((50, 50), "\ue000\ue001\ue002\ue003\ue004 ab", fontname="helv"))
    decision = classify_page(page, 1)
    assert decision.kind == "ocr" and "garbage" in decision.reason


def test_mojibake_goes_to_ocr():
    page = one_page(lambda p: p.insert_text((50, 50), "Ã¦Ã§Ã¥Ã¤Ã©Ã¨Ã¦Ã§ 2940", fontname="helv"))
    decision = classify_page(page, 1)
    assert decision.kind == "ocr" and "mojibake" in decision.reason


def test_image_only_page_goes_to_ocr():
    def draw(p):
        p.insert_image(p.rect, pixmap=pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 20, 20), False))
    assert classify_page(one_page(draw), 1).kind == "ocr"


def test_glyphs_drawn_as_paths_go_to_ocr():
    def draw(p):
        shape = p.new_shape()
        for i in range(400):  # a page of outlined letters: many small curves
            x, y = 40 + (i % 40) * 12, 60 + (i // 40) * 20
            shape.draw_bezier((x, y), (x + 3, y - 6), (x + 6, y - 6), (x + 9, y))
        shape.finish(color=(0, 0, 0), fill=(0, 0, 0))
        shape.commit()
    decision = classify_page(one_page(draw), 1)
    assert decision.kind == "ocr" and "paths" in decision.reason


def test_ruled_page_without_text_is_empty():
    def draw(p):
        p.draw_rect(pymupdf.Rect(50, 50, 300, 200))
    assert classify_page(one_page(draw), 1).kind == "empty"
