"""A worker process's entry point: `python -m pipeline.worker_entry FD PID` (see pipeline.workers)."""
import sys

# PyMuPDF imports the pymupdf_layout ONNX model when it is installed; juesuan never uses it
# (NOTES.md: 12× slower, and it changes grids), and leaving it out halves a worker's start.
sys.modules.setdefault("pymupdf.layout", None)

from pipeline.workers import serve  # noqa: E402

serve(int(sys.argv[1]), int(sys.argv[2]))
