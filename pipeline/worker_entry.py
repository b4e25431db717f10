"""A worker process's entry point: `python -m pipeline.worker_entry FD PID` (see pipeline.workers)."""
import sys

from pipeline import leave_out_pymupdf_extras

leave_out_pymupdf_extras()

from pipeline.workers.child import serve  # noqa: E402

serve(int(sys.argv[1]), int(sys.argv[2]))
