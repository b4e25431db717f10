"""HTTP fetching for the crawl: checked redirects, retries with backoff, conditional GET, a size
cap, PDF sniffing, a per-host rate limit and an identifying User-Agent.

Security rules (checked on every hop, redirects included, before any request is sent):
only http/https, only hosts in `allow_hosts`, no credentials in URLs, and no private, loopback,
link-local or otherwise non-global addresses unless `allow_private` is set.  Names from URLs are
never used as file paths: documents are stored by sha256 (see `store.py`)."""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from pipeline import __version__

from .sources import Source, host_allowed
from .store import DEFAULT_STORE_ROOT, path_for, store_bytes

USER_AGENT = f"juesuan/{__version__} (fiscal-disclosure archiver; python-httpx)"
REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_PAGE_BYTES = 5 * 1024 * 1024


class FetchError(Exception):
    """A failure that is not worth retrying (policy refusal, 4xx, size cap, not a PDF...)."""


class _Transient(Exception):
    """A failure worth retrying (5xx, reset, timeout, truncated body)."""


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: str  # "fetched" | "not_modified" | "failed"
    sha256: str | None = None
    path: Path | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None
    attempts: int = 0
    size: int | None = None

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


def url_filename(url: str) -> str:
    """The base name a URL points at, for display / documents.filename only — never a path."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return "index" if name in ("", ".", "..") else name


def looks_like_pdf(data: bytes) -> bool:
    # PDF readers accept a header anywhere in the first 1024 bytes.
    return b"%PDF-" in data[:1024]


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<")) or b"<html" in head


def _html_title(data: bytes) -> str:
    m = re.search(rb"<title[^>]*>(.*?)</title>", data[:8192], re.I | re.S)
    if not m:
        return ""
    return _decode(m.group(1), None).strip()[:80]


def _decode(data: bytes, content_type: str | None) -> str:
    charset = None
    if content_type:
        m = re.search(r"charset=([\w.-]+)", content_type, re.I)
        charset = m and m.group(1)
    if not charset:
        m = re.search(rb"<meta[^>]+charset=[\"']?([\w.-]+)", data[:4096], re.I)
        charset = m and m.group(1).decode("ascii", "replace")
    for enc in filter(None, [charset, "utf-8"]):
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _strip_fragment(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path or "/", p.query, ""))


def _transport_error_text(e: Exception) -> str:
    text = str(e) or type(e).__name__
    low = text.lower()
    if isinstance(e, httpx.TimeoutException):
        return f"timeout ({type(e).__name__})"
    if "reset" in low or isinstance(e.__context__, ConnectionResetError):
        return f"connection reset ({text})"
    if "incomplete" in low or "complete message body" in low:
        return f"truncated body ({text})"
    return f"{type(e).__name__}: {text}"


class Fetcher:
    """Fetches index pages and documents for one source (or any set of allowed hosts).

    `cache` is a dict {url: {"etag", "last_modified", "sha256"}} updated in place; persist it with
    `store.save_cache` / `store.load_cache` to get conditional GETs across runs."""

    def __init__(
        self,
        allow_hosts,
        *,
        allow_private: bool = False,
        store_root=DEFAULT_STORE_ROOT,
        rate_per_second: float = 1.0,
        limiter: RateLimiter | None = None,
        timeout: float = 30.0,
        total_timeout: float = 300.0,
        retries: int = 3,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_bytes: int = 200 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
        cache: dict | None = None,
        trust_env: bool = False,
    ):
        self.allow_hosts = tuple(h.lower() for h in allow_hosts)
        self.allow_private = allow_private
        self.store_root = Path(store_root)
        self.rate_per_second = rate_per_second
        self.limiter = limiter or RateLimiter(rate_per_second)
        self.total_timeout = total_timeout
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
        )

    @classmethod
    def for_source(cls, source: Source, **kwargs) -> "Fetcher":
        kwargs.setdefault("allow_private", source.allow_private)
        kwargs.setdefault("rate_per_second", source.rate_per_second)
        return cls(source.allow_hosts, **kwargs)

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
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
        if not host_allowed(host, self.allow_hosts):
            raise FetchError(f"refused: host {host!r} is not in allow_hosts "
                             "(add it to allow_hosts on the source to allow it)")
        if not self.allow_private:
            self._check_public(host, port or (443 if parts.scheme == "https" else 80))
        return host

    def _check_public(self, host: str, port: int) -> None:
        try:
            addrs = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
            except (socket.gaierror, UnicodeError) as e:
                raise FetchError(f"cannot resolve host {host!r}: {e}") from None
            addrs = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        for ip in addrs:
            mapped = getattr(ip, "ipv4_mapped", None)
            if not (mapped or ip).is_global:
                raise FetchError(
                    f"refused: host {host!r} resolves to private/loopback address {ip} "
                    "(set allow_private: true on the source to allow it)"
                )

    # -- transport --------------------------------------------------------------------------

    def _once(self, url: str, host: str, headers: dict, cap: int) -> _Response:
        self.limiter.wait(host, self.rate_per_second)
        deadline = time.monotonic() + self.total_timeout
        with self.client.stream("GET", url, headers=headers) as r:
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
                if time.monotonic() > deadline:
                    raise _Transient(f"timeout (body not complete after {self.total_timeout}s)")
            encoded = r.headers.get("content-encoding", "identity").lower() not in ("", "identity")
            if expected is not None and not encoded and len(buf) != expected:
                raise _Transient(f"truncated body: got {len(buf)} of {expected} bytes")
            return _Response(url, code, r.headers, bytes(buf))

    def _with_retries(self, url: str, host: str, headers: dict, cap: int) -> tuple[_Response, int]:
        last = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))
            try:
                resp = self._once(url, host, headers, cap)
            except _Transient as e:
                last = str(e)
                continue
            except httpx.TransportError as e:  # timeouts, resets, protocol errors, refused
                last = _transport_error_text(e)
                continue
            if resp.status_code >= 500:
                last = f"HTTP {resp.status_code}"
                continue
            return resp, attempt + 1
        raise FetchError(f"{last} (gave up after {self.retries + 1} attempts)")

    def _get(self, url: str, headers: dict | None = None, cap: int | None = None) -> tuple[_Response, int]:
        """GET with redirects followed manually; each hop is policy-checked before it is sent."""
        cap = self.max_bytes if cap is None else cap
        current, seen, attempts = url, {url}, 0
        for _ in range(self.max_redirects + 1):
            host = self.check_url(current)
            resp, n = self._with_retries(current, host, headers or {}, cap)
            attempts += n
            if resp.status_code not in REDIRECT_CODES:
                return resp, attempts
            location = resp.headers.get("location")
            if not location:
                raise FetchError(f"HTTP {resp.status_code} redirect without Location at {current}")
            nxt = _strip_fragment(urljoin(current, location.strip()))
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
        return Page(url, resp.url, _decode(resp.body, resp.headers.get("content-type")))

    def fetch(self, url: str) -> FetchResult:
        """Fetch one document, store it by sha256 and return what happened (never raises)."""
        result = FetchResult(url=url, final_url=url, status="failed")
        with self._cache_lock:
            cached = dict(self.cache.get(url) or {})
        headers = {}
        sha = cached.get("sha256")
        if sha and path_for(sha, self.store_root).is_file():  # only ask "changed?" if we still have it
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        try:
            resp, result.attempts = self._get(url, headers)
        except FetchError as e:
            result.error = str(e)
            return result
        result.final_url = resp.url
        result.http_status = resp.status_code
        if resp.status_code == 304 and headers:
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
            if _looks_like_html(body):
                title = _html_title(body)
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
