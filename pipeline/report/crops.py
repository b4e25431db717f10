"""Page crops for the report: each table's region of every page it spans, detected cells in red.

Entry point: `render_crops(data, views)`, run where the document is processed (a worker
process), so the drawing is spread over the workers with the rest of the document's work.
The crops are JPEGs at screen resolution: a PNG of a page region costs 3–10× as much, and a
document page of the report site must stay small enough to open at once."""
from __future__ import annotations

import base64

import cv2
import numpy as np
import pymupdf

from pipeline.model import PageRegion, TableView

ZOOM = 1.25  # px per pt: 90 dpi, 9 pt table text legible at 100 % on a screen
JPEG_QUALITY = 72  # text and thin red lines stay clean; higher costs much more for no visible gain
MARGIN = 8.0  # pt around the table
TITLE_ROOM = 48.0  # pt above it: the title lines
CELL_COLOUR = (0, 0, 220)  # BGR: red


def render_crops(data: bytes, views: list[TableView], password: str | None = None) -> None:
    """Set `region.image` (base64 JPEG) for every region with a bbox; the PDF is opened once."""
    wanted = [region for view in views for region in view.regions if region.bbox is not None]
    if not wanted:
        return
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
        if doc.needs_pass:
            doc.authenticate(password or "")
    except Exception:  # a report without pictures beats no report
        return
    with doc:
        for region in wanted:
            try:
                region.image = crop_jpeg(doc[region.page - 1], region)
            except Exception:  # nor does one broken picture stop the others
                region.image = None


def crop_jpeg(page: pymupdf.Page, region: PageRegion) -> str | None:
    if region.bbox is None:  # a text dump's table: nothing on a page to show
        return None
    x0, y0, x1, y1 = region.bbox
    area = pymupdf.Rect(x0 - MARGIN, y0 - TITLE_ROOM, x1 + MARGIN, y1 + MARGIN)
    # a rotated page renders whole (the clip is in unrotated space); others just the region
    clip = area & page.rect if not page.rotation else None
    pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), clip=clip, alpha=False)
    origin = (clip.x0, clip.y0) if clip is not None else (0.0, 0.0)
    image: np.ndarray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR) if pix.n == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)

    def px(x: float, y: float) -> tuple[int, int]:
        return int((x - origin[0]) * ZOOM), int((y - origin[1]) * ZOOM)

    for cx0, cy0, cx1, cy1 in region.cells:
        cv2.rectangle(image, px(cx0, cy0), px(cx1, cy1), CELL_COLOUR, 1)
    if clip is None:
        (left, top), (right, bottom) = px(max(area.x0, 0), max(area.y0, 0)), px(area.x1, area.y1)
        image = image[top:bottom, left:right]
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return base64.b64encode(jpeg.tobytes()).decode("ascii") if ok else None
