"""juesuan: budget and final-account disclosures → clean, verified records.

Stages, one package each: fetch → classify → extract (native | ocr | text) → stitch → realign
→ validate → store → report. `pipeline.process.process_document` runs one document through
them; `pipeline.run.run_inputs` runs many and writes the outputs."""

import sys
from types import ModuleType
from typing import cast

__version__ = "0.1.0"


def leave_out_pymupdf_extras() -> None:
    """PyMuPDF imports pymupdf_layout (an ONNX layout model) and pymupdf4llm when they are
    installed (they come with PyMuPDF's own dependencies). juesuan uses neither (NOTES.md: the
    layout model is 12× slower and changes grids), and leaving them out saves 1.1 s of every
    start, the run's and each worker's. Only juesuan's own entry points (the command, a worker)
    call this, before pymupdf is first imported: a library user's process keeps them."""
    # None in sys.modules makes an import fail (the import system's documented way to leave a
    # module out); typeshed types the mapping as modules only
    modules = cast(dict[str, ModuleType | None], sys.modules)
    modules.setdefault("pymupdf.layout", None)
    modules.setdefault("pymupdf4llm", None)
