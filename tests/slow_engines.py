"""An OCR engine that reads nothing, slowly, and notes every thread count it is told to use
(in the file named by $JUESUAN_TEST_THREADS_LOG, one `pid count` line each): a stand-in for
the OCR library in the test of how workers share the cores. Loaded in the worker processes by
`--ocr-engine slow_engines:SlowEngine`."""
from __future__ import annotations

import os
import time

from pipeline.ocr.engines import LineRead, OcrEngine

SECONDS = 1.5  # per call: a page takes long enough for the other worker to finish its document


class SlowEngine(OcrEngine):
    name = "slow"

    def set_threads(self, threads: int) -> None:
        with open(os.environ["JUESUAN_TEST_THREADS_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {threads}\n")

    def read(self, image):
        time.sleep(SECONDS)
        return []

    def recognize(self, crops):
        time.sleep(SECONDS)
        return [LineRead("", 0.0) for _ in crops]
