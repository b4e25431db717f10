"""HTTP fetching for the crawl: checked redirects, retries with backoff, conditional GET, a size
cap, PDF sniffing, a per-host rate limit and an identifying User-Agent.

Security rules (checked on every hop, redirects included, before any request is sent):
only http/https, only hosts in `allow_hosts`, no credentials in URLs, and no private, loopback,
link-local or otherwise non-global addresses unless `allow_private` is set.  Names from URLs are
never used as file paths: documents are stored by sha256 (see `store.py`).  `allow_hosts` entries
may name a port (`example.gov.cn:8080`): then only that port is allowed (see `sources.py`).

Time is bounded by deadlines (`deadlines.py`): one request, one URL and the whole crawl.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline import __version__

from .content import (
    decode_text,
    html_title,
    looks_like_html,
    looks_like_pdf,
    strip_fragment,
    transport_error_text,
)
from .deadlines import CrawlBudget, RateLimiter, Watchdog, seconds_text, watched_transport
from .sources import Source, effective_port, host_allowed, host_allowed_on_some_port
from .store import DEFAULT_STORE_ROOT, FetchCache, path_for, store_bytes

USER_AGENT = f"juesuan/{__version__} (fiscal-disclosure archiver; python-httpx)"
REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_PAGE_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 30.0  # httpx's per-phase (inactivity) timeout
DEFAULT_DEADLINE_SECONDS = 120.0  # one request, wall clock
DEFAULT_URL_BUDGET_SECONDS = 300.0  # one URL, all attempts, wall clock

FetchStatus = Literal["fetched", "not_modified", "failed"]


class FetchError(Exception):
    """A failure that is not worth retrying (policy refusal, 4xx, size cap, not a PDF...), or
    retries that ran out; `slow_host` names the host when a deadline or budget stopped it."""

    def __init__(self, message: str, slow_host: str | None = None):
        super().__init__(message)
        self.slow_host = slow_host


class _Transient(Exception):
    """A failure worth retrying (5xx, reset, timeout, truncated body, deadline)."""

    def __init__(self, message: str, slow_host: str | None = None):
        super().__init__(message)
        self.slow_host = slow_host


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: FetchStatus
    sha256: str | None = None
    path: Path | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None
    attempts: int = 0
    size: int | None = None
    slow_host: str | None = None  # set when a deadline or budget stopped it

    @property
    def ok(self) -> bool:
        return self.status in ("fetched", "not_modified")


@dataclass
class Page:
    url: str
    final_url: str
    text: str


@dataclass
class _Response:
    url: str
    status_code: int
    headers: httpx.Headers
    body: bytes


class Fetcher:
    """Fetches index pages and documents for one source (or any set of allowed hosts).

    `cache` is a dict {url: {"etag", "last_modified", "sha256"}} updated in place; persist it with
    `store.save_cache` / `store.load_cache` to get conditional GETs across runs.

    Time limits (module docstring): `deadline` per request, `url_budget` per URL, `crawl_budget`
    per crawl; `total_timeout` is the former name of `deadline`, used when `deadline` is not given.
    `trust_env` covers SSL settings only: environment proxies would bypass the watchdog."""

    def __init__(
        self,
        allow_hosts: Iterable[str],
        *,
        allow_private: bool = False,
        store_root: str | Path = DEFAULT_STORE_ROOT,
        rate_per_second: float = 1.0,
        limiter: RateLimiter | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        deadline: float | None = None,
        url_budget: float | None = None,
        crawl_budget: CrawlBudget | None = None,
        total_timeout: float | None = None,
        retries: int = 3,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_bytes: int = 200 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
        cache: FetchCache | None = None,
        trust_env: bool = False,
    ) -> None:
        self.allow_hosts = tuple(h.lower() for h in allow_hosts)
        self.allow_private = allow_private
        self.store_root = Path(store_root)
        self.rate_per_second = rate_per_second
        self.limiter = limiter or RateLimiter(rate_per_second)
        self.timeout = timeout
        self.deadline = deadline or total_timeout or DEFAULT_DEADLINE_SECONDS
        self.url_budget = url_budget or DEFAULT_URL_BUDGET_SECONDS
        self.crawl_budget = crawl_budget
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.cache = cache if cache is not None else {}
        self._cache_lock = threading.Lock()
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent},
            trust_env=trust_env,
            transport=watched_transport(trust_env),
        )

    @classmethod
    def for_source(cls, source: Source, **kwargs: Any) -> Fetcher:
        kwargs.setdefault("allow_private", source.allow_private)
        kwargs.setdefault("rate_per_second", source.rate_per_second)
        if source.deadline_seconds is not None:
            kwargs.setdefault("deadline", source.deadline_seconds)
        if source.url_budget_seconds is not None:
            kwargs.setdefault("url_budget", source.url_budget_seconds)
        return cls(source.allow_hosts, **kwargs)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- policy -----------------------------------------------------------------------------

    def check_url(self, url: str) -> str:
        """Raise FetchError unless `url` may be requested; return its host."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as e:
            raise FetchError(f"invalid URL {url!r}: {e}") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchError(f"refused: scheme {parts.scheme or '(none)'!r} is not http/https: {url}")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(f"refused: URL has no host: {url}")
        if parts.username is not None or parts.password is not None:
            raise FetchError(f"refused: credentials in URL: {url}")
        port = effective_port(url) or port
        if not host_allowed(host, self.allow_hosts, port):
            if host_allowed_on_some_port(host, self.allow_hosts):
                raise FetchError(f"refused: port {port} of host {host!r} is not allowed "
                                 f"(allow_hosts names other ports of it: {url})")
            raise FetchError(f"refused: host {host!r} is not in allow_hosts "
                             "(add it to allow_hosts on the source to allow it)")
        if not self.allow_private:
            self._check_public(host, port or 80)
        return host

    def _check_public(self, host: str, port: int) -> None:
        try:
            addrs = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
            except (socket.gaierror, UnicodeError) as e:
                raise FetchError(f"cannot resolve host {host!r}: {e}") from None
            addrs = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        for ip in addrs:
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global:
                raise FetchError(
                    f"refused: host {host!r} resolves to private/loopback address {ip} "
                    "(set allow_private: true on the source to allow it)"
                )

    # -- transport --------------------------------------------------------------------------

    def _once(self, url: str, headers: dict[str, str], cap: int, limit: float, what: str) -> _Response:
        """One request under a watchdog of `limit` seconds (`what` names the limit for errors)."""
        with Watchdog(limit) as watchdog:
            try:
                return self._exchange(url, headers, cap, limit, watchdog)
            except (httpx.TransportError, _Transient) as e:
                if watchdog.fired:  # the shutdown surfaces as a reset / truncation: say what it was
                    raise _Transient(watchdog.describe(what), urlsplit(url).hostname) from None
                raise e

    def _exchange(self, url: str, headers: dict[str, str], cap: int, limit: float, watchdog: Watchdog) -> _Response:
        # httpx's per-phase timeout, capped at the time left: the only bound before a socket exists
        timeout = httpx.Timeout(max(min(self.timeout, limit), 0.001))
        with self.client.stream("GET", url, headers=headers, timeout=timeout) as r:
            watchdog.headers_done = True
            code = r.status_code
            if code != 200:  # bodies of redirects, 304s and errors are not needed
                return _Response(url, code, r.headers, b"")
            length = r.headers.get("content-length")
            expected = int(length) if length and length.strip().isdigit() else None
            if expected is not None and expected > cap:
                raise FetchError(f"size cap exceeded: Content-Length {expected} > {cap} bytes")
            buf = bytearray()
            for chunk in r.iter_bytes():
                buf += chunk
                if len(buf) > cap:
                    raise FetchError(f"size cap exceeded: more than {cap} bytes")
            if watchdog.fired:  # a close-delimited body ends at the shutdown: cut, not complete
                raise _Transient("deadline")
            encoded = r.headers.get("content-encoding", "identity").lower() not in ("", "identity")
            if expected is not None and not encoded and len(buf) != expected:
                raise _Transient(f"truncated body: got {len(buf)} of {expected} bytes")
            return _Response(url, code, r.headers, bytes(buf))

    def _budget_left(self, url_ends: float) -> tuple[float, str]:
        """Seconds left of the URL's budget or the crawl's, whichever is less, and its name."""
        left = [(url_ends - time.monotonic(), f"url budget {seconds_text(self.url_budget)} s")]
        if self.crawl_budget is not None:
            left.append((self.crawl_budget.remaining(), f"crawl budget {seconds_text(self.crawl_budget.seconds)} s"))
        return min(left, key=lambda limit: limit[0])

    def _attempt_limit(self, url_ends: float) -> tuple[float, str]:
        """Seconds the next attempt may take, and which limit that is: the request deadline, or
        what is left of the budgets when that is less."""
        left = self._budget_left(url_ends)
        # a budget set equal to the deadline is a moment shorter by now: still call it the deadline
        return left if left[0] < self.deadline - 0.1 else (self.deadline, f"deadline {seconds_text(self.deadline)} s")

    def _with_retries(self, url: str, host: str, headers: dict[str, str], cap: int, url_ends: float) -> tuple[_Response, int]:
        last, slow, sent = "no attempt", None, 0
        stopped = f"gave up after {self.retries + 1} attempts"
        for attempt in range(self.retries + 1):
            pause = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)) if attempt else 0.0
            left, what = self._budget_left(url_ends)
            if left <= pause:  # no time for the pause and an attempt: stop now, not at the limit
                stopped = f"{what} spent after {sent} attempt{'s' * (sent != 1)}"
                break
            time.sleep(pause)
            self.limiter.wait(host, self.rate_per_second)
            limit, what = self._attempt_limit(url_ends)
            sent += 1
            try:
                resp = self._once(url, headers, cap, limit, what)
            except _Transient as e:
                last, slow = str(e), e.slow_host or slow
                continue
            except httpx.TransportError as e:  # timeouts, resets, protocol errors, refused
                last = transport_error_text(e)
                continue
            if resp.status_code >= 500:
                last = f"HTTP {resp.status_code}"
                continue
            return resp, sent
        raise FetchError(f"{last} ({stopped})", slow_host=slow)

    def _get(self, url: str, headers: dict[str, str] | None = None, cap: int | None = None) -> tuple[_Response, int]:
        """GET with redirects followed manually; each hop is policy-checked before it is sent."""
        cap = self.max_bytes if cap is None else cap
        current, seen, attempts = url, {url}, 0
        url_ends = time.monotonic() + self.url_budget  # all hops and attempts of this URL
        for _ in range(self.max_redirects + 1):
            if self.crawl_budget is not None and self.crawl_budget.spent():
                raise FetchError(self.crawl_budget.refusal())
            host = self.check_url(current)
            resp, n = self._with_retries(current, host, headers or {}, cap, url_ends)
            attempts += n
            if resp.status_code not in REDIRECT_CODES:
                return resp, attempts
            location = resp.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {resp.status_code} redirect without Location at {current}")
            nxt = strip_fragment(urljoin(current, location.strip()))
            if nxt in seen:
                raise FetchError(f"redirect loop: {current} -> {nxt}")
            seen.add(nxt)
            current = nxt
        raise FetchError(f"too many redirects (more than {self.max_redirects})")

    # -- public -----------------------------------------------------------------------------

    def get_page(self, url: str) -> Page:
        """Fetch an index page as text; raises FetchError on any failure."""
        resp, _ = self._get(url, cap=min(self.max_bytes, MAX_PAGE_BYTES))
        if resp.status_code != 200:
            raise FetchError(f"HTTP {resp.status_code}")
        return Page(url, resp.url, decode_text(resp.body, resp.headers.get("content-type")))

    def fetch(self, url: str) -> FetchResult:
        """Fetch one document, store it by sha256 and return what happened (never raises)."""
        result = FetchResult(url=url, final_url=url, status="failed")
        with self._cache_lock:
            cached = dict(self.cache.get(url) or {})
        headers: dict[str, str] = {}
        sha = cached.get("sha256")
        if sha and path_for(sha, self.store_root).is_file():  # only ask "changed?" if we still have it
            if etag := cached.get("etag"):
                headers["If-None-Match"] = etag
            if last_modified := cached.get("last_modified"):
                headers["If-Modified-Since"] = last_modified
        try:
            resp, result.attempts = self._get(url, headers)
        except FetchError as e:
            result.error, result.slow_host = str(e), e.slow_host
            return result
        result.final_url = resp.url
        result.http_status = resp.status_code
        if resp.status_code == 304 and headers and sha:  # headers were sent only for a stored `sha`
            result.status = "not_modified"
            result.sha256, result.path = sha, path_for(sha, self.store_root)
            result.etag = resp.headers.get("etag") or cached.get("etag")
            result.last_modified = resp.headers.get("last-modified") or cached.get("last_modified")
            return result
        if resp.status_code != 200:
            result.error = f"HTTP {resp.status_code}"
            return result
        body = resp.body
        result.size = len(body)
        if not looks_like_pdf(body):
            ctype = resp.headers.get("content-type", "?")
            if looks_like_html(body):
                title = html_title(body)
                result.error = (f"not a PDF: HTML page served with HTTP 200 ({ctype})"
                                + (f": {title!r}" if title else ""))
            else:
                result.error = f"not a PDF: body does not start with %PDF- ({ctype}, {len(body)} bytes)"
            return result
        result.sha256, result.path = store_bytes(body, self.store_root)
        result.etag = resp.headers.get("etag")
        result.last_modified = resp.headers.get("last-modified")
        if result.last_modified:
            try:
                parsedate_to_datetime(result.last_modified)
            except (TypeError, ValueError):
                result.last_modified = None
        with self._cache_lock:
            if result.etag or result.last_modified:
                self.cache[url] = {"etag": result.etag, "last_modified": result.last_modified,
                                   "sha256": result.sha256}
            else:
                self.cache.pop(url, None)
        result.status = "fetched"
        return result
