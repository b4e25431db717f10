"""Page crops for the report: each table's region of its first page, detected cells in red.

Entry point: `render_crops(data, views)`, run where the document is processed (a worker
process), so the drawing is spread over the workers with the rest of the document's work."""
from __future__ import annotations

import base64

import cv2
import numpy as np
import pymupdf

from pipeline.model import TableView

ZOOM = 1.0
MARGIN = 8.0  # pt around the table
TITLE_ROOM = 48.0  # pt above it: the title lines


def render_crops(data: bytes, views: list[TableView], password: str | None = None) -> None:
    """Set `view.image` (base64 PNG) for every view with a bbox; the PDF is opened once."""
    wanted = [v for v in views if v.bbox is not None]
    if not wanted:
        return
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
        if doc.needs_pass:
            doc.authenticate(password or "")
    except Exception:  # a report without pictures beats no report
        return
    with doc:
        for view in wanted:
            try:
                view.image = crop_png(doc[view.page - 1], view)
            except Exception:  # nor does one broken picture stop the others
                view.image = None


def crop_png(page: pymupdf.Page, view: TableView) -> str | None:
    x0, y0, x1, y1 = view.bbox
    region = pymupdf.Rect(x0 - MARGIN, y0 - TITLE_ROOM, x1 + MARGIN, y1 + MARGIN)
    # a rotated page renders whole (the clip is in unrotated space); others just the region
    clip = region & page.rect if not page.rotation else None
    pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), clip=clip, alpha=False)
    origin = (clip.x0, clip.y0) if clip is not None else (0.0, 0.0)
    image = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if pix.n == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)

    def px(x, y):
        return int((x - origin[0]) * ZOOM), int((y - origin[1]) * ZOOM)

    for cx0, cy0, cx1, cy1 in view.cells:
        cv2.rectangle(image, px(cx0, cy0), px(cx1, cy1), (0, 0, 220), 1)
    if clip is None:
        (left, top), (right, bottom) = px(max(region.x0, 0), max(region.y0, 0)), px(region.x1, region.y1)
        image = image[top:bottom, left:right]
    ok, png = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    return base64.b64encode(png.tobytes()).decode("ascii") if ok else None
