"""OCR engines that misbehave the way native libraries do — hang, crash, eat memory — for the
worker-supervision tests. They stand in for the PDF/OCR library, not for the thing under test:
the supervisor (`pipeline.workers`) and everything around it run for real. Loaded in the worker
processes by `Options(ocr_engine="faulty_engines:...")`."""
from __future__ import annotations

import ctypes
import time

from pipeline.ocr.engines import OcrEngine


class HangingEngine(OcrEngine):
    """Native code stuck in a loop: no Python signal or timeout can stop it."""

    name = "hanging"

    def read(self, image):
        time.sleep(3600)
        return []

    def recognize(self, crops):
        time.sleep(3600)
        return []


class CrashingEngine(OcrEngine):
    """A segfault inside the library: the process dies at once."""

    name = "crashing"

    def read(self, image):
        ctypes.string_at(0)  # reads address 0: SIGSEGV
        return []

    recognize = read


class GreedyEngine(OcrEngine):
    """A runaway allocation: resident memory grows until someone stops it."""

    name = "greedy"

    def read(self, image):
        hoard = []
        for _ in range(64):  # up to 8 GB, 128 MB at a time, every page touched
            hoard.append(bytearray(b"\1" * (128 * 2**20)))
            time.sleep(0.05)
        return []

    recognize = read
