"""Ctrl-C and SIGTERM during a run: stop at once, but never in the middle of a write.

Entry point: `InterruptGuard`. While `installed()`, a SIGINT or SIGTERM raises
`KeyboardInterrupt` where the run waits (for a worker's next result), and is held while the run
writes a document or its files (`shield()`): the interrupt is raised when the write is done, so
the spools, the warehouse batch and the JSONL files never hold half a document. The run then
writes what was finished and reports the interrupt (`pipeline.run.RunInterrupted`)."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class InterruptGuard:
    def __init__(self) -> None:
        self.requested: str | None = None  # the signal's name, once one came
        self._shielded = 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.requested = signal.Signals(signum).name
        if not self._shielded:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self) -> Iterator[InterruptGuard]:
        """Our handlers for the block; a no-op off the main thread (a flow's task thread),
        where Python delivers no signal anyway."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.signal(s, self._on_signal) for s in SIGNALS}
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    @contextmanager
    def shield(self, reraise: bool = True) -> Iterator[None]:
        """Hold an interrupt until the block is done; then raise it (`reraise`), or leave it
        in `requested` for the caller."""
        self._shielded += 1
        try:
            yield
        finally:
            self._shielded -= 1
        if reraise and self.requested and not self._shielded:
            raise KeyboardInterrupt
