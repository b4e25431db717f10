"""Wall-clock limits on fetching, and the pace of requests to one host.

Entry points: `Watchdog(seconds)` around a request, `watched_transport(trust_env)` for the
client, `CrawlBudget.start(seconds)`, `RateLimiter(rate)`.

Time is bounded by deadlines, not inactivity timeouts.  httpx's timeouts restart with every byte
read, so a server that drips its headers or body one byte every few seconds would hold a request
forever.  Three wall-clock limits apply instead:
- `deadline` (default 120 s; `deadline_seconds` in the sources file): one request, connect +
  headers + body.  A watchdog timer enforces it: every socket the client uses reports itself to
  the current request's watchdog (a network backend wrapping httpcore's, `_WatchedBackend`), and
  at the deadline the watchdog shuts that socket down, which makes a blocked recv return at once.
  httpx's per-phase timeout (`timeout`, default 30 s, capped at the time left) still bounds the
  connect, before any socket exists (DNS resolution is not bounded).
- `url_budget` (default 300 s; `url_budget_seconds`): one URL, all attempts, backoff pauses and
  redirect hops together; no attempt or pause starts that the budget cannot hold.
- `crawl_budget` (default none; `crawl_budget_seconds`, top level): a `CrawlBudget` shared by
  every fetcher of a crawl; once spent, requests are refused with a "crawl budget" error.
Each attempt gets the smallest of the three.  A request stopped by one is reported with the host's
observed rate, e.g. "deadline 60 s exceeded while reading the body (slow host: 1.2 kB/s; ...)",
and `FetchError.slow_host` / `FetchResult.slow_host` name the host."""
from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx


def seconds_text(seconds: float) -> str:
    return f"{seconds:g}" if seconds >= 10 or seconds == int(seconds) else f"{seconds:.1f}"


def rate_text(bytes_per_second: float) -> str:
    for unit, size in (("MB/s", 1e6), ("kB/s", 1e3)):
        if bytes_per_second >= size:
            return f"{bytes_per_second / size:.1f} {unit}"
    return f"{bytes_per_second:.1f} B/s"


@dataclass(frozen=True)
class CrawlBudget:
    """A crawl-wide wall-clock budget.  `ends_at` is a time.time() instant (not monotonic) so the
    budget means the same in another process, e.g. a flow's task."""
    seconds: float
    ends_at: float

    @classmethod
    def start(cls, seconds: float) -> CrawlBudget:
        return cls(seconds, time.time() + seconds)

    def remaining(self) -> float:
        return self.ends_at - time.time()

    def spent(self) -> bool:
        return self.remaining() <= 0

    def refusal(self) -> str:
        return f"crawl budget {seconds_text(self.seconds)} s spent: not fetched"


class RateLimiter:
    """Spaces request starts to the same host by at least 1 / rate seconds (thread-safe)."""

    def __init__(self, rate_per_second: float):
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be > 0")
        self.interval = 1.0 / rate_per_second
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, rate_per_second: float | None = None) -> float:
        interval = 1.0 / rate_per_second if rate_per_second else self.interval
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)
        return delay


_active = threading.local()  # .watchdog: the request this thread is sending (httpx sync I/O runs here)


def _shutdown(sock: socket.socket) -> None:
    """Shut the connection down under a blocked reader.  Done on a duplicate descriptor: shutdown()
    acts on the connection, and an SSLSocket's own shutdown() would drop its SSL state under the
    reader's feet (an AttributeError there, not a transport error)."""
    try:
        dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
    except (OSError, ValueError):  # already closed
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


class Watchdog:
    """One request's wall-clock deadline.  A timer thread fires at the deadline and shuts down
    the socket the request is using (reported by `_WatchedStream` on each read/write); one that
    is attached after the deadline gets an error at once.  Counts the bytes received, for the
    slow host's rate."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.fired = False
        self.received = 0
        self.headers_done = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        _active.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:  # a keep-alive socket goes back to the pool: never shut it down later
            self._sock = None
        self._timer.cancel()
        _active.watchdog = None

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            fired = self.fired
        if fired:
            raise httpcore.ReadTimeout("request deadline exceeded")

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)

    def describe(self, limit: str) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        phase = "reading the body" if self.headers_done else "waiting for the response headers"
        return (f"{limit} exceeded while {phase} (slow host: {rate_text(self.received / elapsed)}; "
                f"{self.received} bytes in {elapsed:.1f} s)")


class _WatchedStream(httpcore.NetworkStream):
    """httpcore's stream, reporting its socket to the current request's watchdog before each I/O
    (a pooled keep-alive connection serves many requests, so attaching at connect is not enough)."""

    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def _watch(self) -> Watchdog | None:
        watchdog = getattr(_active, "watchdog", None)
        if watchdog is not None:
            watchdog.attach(self._inner.get_extra_info("socket"))
        return watchdog

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        watchdog = self._watch()
        data = self._inner.read(max_bytes, timeout)
        if watchdog is not None:
            watchdog.received += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._watch()
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        self._watch()  # the handshake reads too
        return _WatchedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _WatchedBackend(httpcore.SyncBackend):
    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return _WatchedStream(super().connect_tcp(*args, **kwargs))


def watched_transport(trust_env: bool) -> httpx.HTTPTransport:
    """httpx's transport over a pool whose sockets the watchdog can reach.  httpx takes no network
    backend, so its pool is replaced (checked: a silently unwatched pool would bring the unbounded
    stalls back)."""
    transport = httpx.HTTPTransport(trust_env=trust_env)
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise RuntimeError("httpx.HTTPTransport has no httpcore pool to watch: deadlines cannot be enforced")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=trust_env), max_connections=100,
        max_keepalive_connections=20, keepalive_expiry=5.0, network_backend=_WatchedBackend())
    return transport
