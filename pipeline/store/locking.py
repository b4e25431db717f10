"""Concurrent writers: DuckDB's one-writing-process-per-file lock, waited for; PostgreSQL's
per-document advisory locks and retries.

DuckDB lets one process at a time open a file for writing, so a warehouse connects for each
write and read and, when another process holds the file, retries with backoff until
`JUESUAN_WAREHOUSE_LOCK_TIMEOUT` seconds (default 300) have passed: two runs into one file
interleave their batches. Past the deadline it raises `WarehouseBusy`, one line naming the
process that holds the file (DuckDB's error gives its pid; psutil its command line)."""
from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

log = logging.getLogger("pipeline.store")
T = TypeVar("T")

LOCK_TIMEOUT_ENV = "JUESUAN_WAREHOUSE_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 300.0
PROGRESS_EVERY = 5.0  # seconds between "still waiting" log lines
# PostgreSQL errors that a retried transaction can get past: serialization failure, deadlock,
# unique violation (a writer that took no advisory lock, an older version, inserted the key first)
RETRY_PGCODES = {"40001", "40P01", "23505"}
PG_ATTEMPTS = 5


class StoreError(Exception):
    """A warehouse could not do what was asked (the store's errors derive from it)."""


class WarehouseBusy(StoreError):
    """Another process held the warehouse for longer than the lock timeout. One line, naming it."""

    def __init__(self, target: str, holder: str, waited: float):
        super().__init__(f"warehouse {target} is in use by {holder}; gave up after waiting {waited:.0f} s "
                         f"(set {LOCK_TIMEOUT_ENV} to wait longer)")
        self.target, self.holder, self.waited = target, holder, waited


def lock_timeout() -> float:
    """Seconds to wait for a warehouse another process holds (`JUESUAN_WAREHOUSE_LOCK_TIMEOUT`)."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def is_lock_conflict(error: Exception) -> bool:
    """DuckDB's error when another process holds the file (an IOException, matched by its text
    because DuckDB raises the same class for a missing directory or a full disk)."""
    return "Could not set lock" in str(error)


def holder_of(error: Exception) -> str:
    """The holding process as `pid N (command line)`, from the pid in DuckDB's message."""
    found = re.search(r"\(PID (\d+)\)", str(error))
    if not found:
        return "another process"
    pid = int(found.group(1))
    try:
        import psutil

        command = " ".join(psutil.Process(pid).cmdline()) or psutil.Process(pid).name()
    except Exception:  # gone meanwhile, or not ours to inspect: the pid still names it
        return f"pid {pid}"
    command = " ".join(command.split())  # one line, even for a `python -c` script's newlines
    return f"pid {pid} ({command[:200]})"


def wait_for_lock(connect: Callable[[], T], target: str, timeout: float | None = None) -> T:
    """`connect()`, retried with jittered backoff while another process holds the file; a log
    line every few seconds while waiting; `WarehouseBusy` once `timeout` seconds have passed."""
    timeout = lock_timeout() if timeout is None else timeout
    start = time.monotonic()
    delay, next_report = 0.01, start + PROGRESS_EVERY
    while True:
        try:
            return connect()
        except Exception as error:
            if not is_lock_conflict(error):
                raise
            now = time.monotonic()
            if now - start >= timeout:
                raise WarehouseBusy(target, holder_of(error), now - start) from None
            if now >= next_report:
                log.warning("warehouse %s is in use by %s; waited %.0f s of %.0f s", target, holder_of(error),
                            now - start, timeout)
                next_report = now + PROGRESS_EVERY
            # jitter so that two waiting processes do not retry in step; capped so a freed file
            # is taken within half a second
            time.sleep(min(delay * random.uniform(0.5, 1.5), max(0.0, start + timeout - now)))
            delay = min(delay * 2, 0.5)


def advisory_keys(kind: str, names: Iterable[str]) -> list[int]:
    """Signed 64-bit advisory-lock keys of the names, sorted: every writer takes its locks in the
    same order, so two batches sharing documents wait for each other and never deadlock. Hashed
    here (not with `hashtextextended`) so the keys do not depend on the server's version."""
    keys = {int.from_bytes(hashlib.blake2b(f"{kind}:{n}".encode(), digest_size=8).digest(), "big", signed=True)
            for n in names}
    return sorted(keys)


def retryable(error: Exception) -> bool:
    """A PostgreSQL error after which the same transaction, run again, can succeed."""
    code = getattr(getattr(error, "orig", None), "pgcode", None) or getattr(getattr(error, "orig", None),
                                                                             "sqlstate", None)
    return code in RETRY_PGCODES


def with_retries(attempt: Callable[[], T], attempts: int = PG_ATTEMPTS) -> T:
    """`attempt()` (a whole transaction), again after a short jittered pause when it failed for a
    retryable reason; the last failure propagates."""
    for n in range(1, attempts + 1):
        try:
            return attempt()
        except Exception as error:
            if n == attempts or not retryable(error):
                raise
            log.info("warehouse transaction retried after %s (attempt %d of %d)", type(error).__name__, n, attempts)
            time.sleep(random.uniform(0.01, 0.05) * n)
    raise AssertionError("unreachable")
