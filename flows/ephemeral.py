"""The Prefect API of the flow commands: PREFECT_API_URL's server, or an ephemeral one started here.

Without PREFECT_API_URL, Prefect starts a temporary API server on first use and gives it
PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS (default 20 s) to answer. With a fresh
PREFECT_HOME that server first creates its SQLite database (about 12 s of migrations on an idle
2-core machine, far more on a busy one), so the first crawl of every new user or container died
with "Timed out while attempting to connect to ephemeral Prefect API server"; a server given up
on kept migrating while the next one started on the same file ("database is locked").

So, before the first flow: a generous start-up timeout unless the user chose one, the database
migrated here once under a file lock (the server's own migration is then a no-op), the server
started here, and stopped and started once more if it does not answer. `configure()` must run
before `prefect` is imported: Prefect reads its settings at import.

`configure()` also quiets the HTTP client's loggers: every call Prefect's client makes to its API
is an INFO line of httpx ("HTTP Request: POST …/api/…"), 74 of a crawl's 121 log lines, which
buried juesuan's own lines in juesuan.log. Prefect's logging.yml names no httpx logger, so no
PREFECT_LOGGING_* variable can reach it; its level is set here, in the process that logs.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import time
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import exit_codes

if TYPE_CHECKING:
    from prefect.server.api.server import SubprocessASGIServer

log = logging.getLogger("juesuan.prefect")

TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
STARTUP_TIMEOUT_S = 120  # a busy 2-core machine needed more than 60 s on a fresh PREFECT_HOME
MIGRATE_LOCK_TIMEOUT_S = 600
EXIT_NO_API = exit_codes.NO_API  # the CLI's exit code when no Prefect API could be reached or started
# Loggers whose INFO lines are one per HTTP request (the portal fetches' too: their outcomes are in
# the registry and the failures' lines); their warnings and errors still reach juesuan.log.
CHATTY_LOGGERS = ("httpx", "httpcore")


class PrefectUnavailable(RuntimeError):
    """No Prefect API: the ephemeral server failed to start twice."""


def configure() -> None:
    """Our start-up timeout where the user set none (child processes inherit it too), and the
    HTTP client's per-request lines out of the log."""
    os.environ.setdefault(TIMEOUT_VARIABLE, str(STARTUP_TIMEOUT_S))
    quiet_http_loggers()


def quiet_http_loggers() -> None:
    """httpx / httpcore at WARNING, unless a level was set for them already (by the user)."""
    for name in CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


def ensure_api() -> None:
    """Start the ephemeral API now, unless PREFECT_API_URL names a server (or ephemeral mode is
    off, where Prefect's own error says what to set). Raises PrefectUnavailable."""
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return
    migrate_database(Path(settings.home))
    # the variable rather than the setting: prefect may have been imported before configure()
    timeout = os.environ.get(TIMEOUT_VARIABLE) or settings.server.ephemeral.startup_timeout_seconds
    start_server(int(float(timeout)))


def migrate_database(home: Path) -> None:
    """Prefect's database migrations, in this process, one process at a time. A failure is only
    logged: the server migrates on start anyway, and its failure is the one reported."""
    from prefect.locking._filelock import FileLock  # Prefect's own lock (its server uses it); version pinned
    from prefect.server.database import provide_database_interface

    home.mkdir(parents=True, exist_ok=True)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # a line per migration is noise in juesuan.log
    started = time.monotonic()
    try:
        with FileLock(str(home / ".juesuan-migrate.lock"), timeout=MIGRATE_LOCK_TIMEOUT_S):
            asyncio.run(provide_database_interface().create_db())
        log.info("Prefect database ready in %.1f s", time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - any failure here is retried by the server itself
        log.warning("Prefect database migration before start-up failed: %r", exc)


# Run in the server's process before uvicorn replaces it (exec keeps the pid and the setting):
# the kernel kills the server when the thread that started it dies, even by kill -9, which runs
# none of Prefect's atexit clean-up (a 255 MB uvicorn used to outlive every killed crawl).
# A `-c` prologue rather than Popen's preexec_fn, which is unsafe once threads run (Prefect's do).
DIE_WITH_PARENT = """\
import ctypes, os, signal, sys
parent = int(sys.argv[1])
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
except (OSError, AttributeError):
    pass  # not Linux: Prefect's atexit stop is all there is
if os.getppid() != parent:  # the parent died before the request took effect
    os._exit(1)
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


def server_class() -> type[SubprocessASGIServer]:
    """Prefect's SubprocessASGIServer whose uvicorn process dies with this one (a subclass: the
    singleton registry is the base class's, so Prefect's own clients find this instance)."""
    from prefect.server.api.server import SubprocessASGIServer

    class DyingWithParentServer(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            with patched_popen(wrap_with_death_signal):
                return super()._run_uvicorn_command()

    return DyingWithParentServer


def wrap_with_death_signal(args: list[str]) -> list[str]:
    """`python -m uvicorn …` → `python -c DIE_WITH_PARENT PID -m uvicorn …`."""
    import sys

    assert args and args[0] == sys.executable, args  # Prefect's launch line, as pinned
    return [sys.executable, "-c", DIE_WITH_PARENT, str(os.getpid()), *args[1:]]


@contextlib.contextmanager
def patched_popen(rewrite: Callable[[list[str]], list[str]]) -> Iterator[None]:
    """Prefect's module-level `subprocess.Popen`, seen by its server module only, with its
    `args` rewritten: its launch line is kept (env, port, app) rather than copied here."""
    import prefect.server.api.server as server_module

    real = subprocess.Popen

    class _Subprocess(types.ModuleType):  # the module reads `subprocess.Popen`; only that attribute differs
        def __getattr__(self, name: str) -> Any:
            return getattr(subprocess, name)

        @staticmethod
        def Popen(args: Sequence[str], *rest: Any, **kw: Any) -> subprocess.Popen[Any]:  # noqa: N802 - the name Prefect calls
            return real(rewrite(list(args)), *rest, **kw)

    server_module.subprocess = _Subprocess("subprocess")
    try:
        yield
    finally:
        server_module.subprocess = subprocess


def start_server(timeout: int) -> None:
    """Start Prefect's ephemeral server (the instance every client of this process then uses);
    one retry, after stopping the process that did not answer."""
    server_cls = server_class()
    errors: list[str] = []
    for _ in range(2):
        server = server_cls()
        started = time.monotonic()
        try:
            server.start(timeout=timeout)
            log.info("ephemeral Prefect API server up in %.1f s at %s", time.monotonic() - started, server.api_url)
            return
        except Exception as exc:  # noqa: BLE001 - a time-out, a crash, an HTTP error: all retried once
            errors.append(str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__)
            log.warning("ephemeral Prefect API server did not start: %r", exc)
            server.stop()  # a half-started server would keep the SQLite file busy for the next one
    raise PrefectUnavailable(
        f"the temporary Prefect API server did not start within {timeout} s (tried twice: {errors[-1]}); "
        f"set PREFECT_API_URL to a running Prefect server (`prefect server start`) "
        f"or raise {TIMEOUT_VARIABLE}")
