"""The sources file of `juesuan crawl --sources FILE` (SPEC.md, Commands).

```yaml
sources:
  - name: putuo-2024
    start_urls: ["https://example.gov.cn/jsgk/index.html"]
    allow_hosts: ["example.gov.cn", "data.example.gov.cn:8080"]
    follow_pattern: "index_\\d+\\.html$"   # optional: further index pages (absolute URLs)
    link_pattern: "\\.pdf$"                # optional, default "\\.pdf$": documents (absolute URLs)
    max_depth: 2                           # optional, default 2; start pages are depth 0
    rate_per_second: 2                     # optional, default 1; per host
    allow_private: false                   # optional: allow private / loopback addresses
    deadline_seconds: 120                  # optional, default 120: wall clock per request
    url_budget_seconds: 300                # optional, default 300: wall clock per URL, all tries
schedule: "0 3 * * *"                      # optional: cron of `juesuan serve`
timezone: Asia/Shanghai                    # optional, default Asia/Shanghai: the schedule's time zone
crawl_budget_seconds: 14400                # optional, default none: wall clock for the whole crawl
```

Host rules: an `allow_hosts` entry is a host name or IP address (`example.gov.cn`, `::1`), a
wildcard (`*.example.gov.cn`: the domain and its subdomains), optionally with a port
(`example.gov.cn:8080`, `[::1]:8080`, `*.example.gov.cn:8443`).  An entry *with* a port allows
only that port; a bare entry allows any port of the host (as before ports were supported) —
name the port to pin it, which matters most with `allow_private: true`, where a redirect to
another port of an allowed host would otherwise reach any service listening there.  Ports are
compared after defaulting (http → 80, https → 443), so `example.gov.cn:443` allows
`https://example.gov.cn/` but not `http://example.gov.cn/`.

Time limits (deadlines, not inactivity timeouts; see `http.py` for how they are enforced):
- `deadline_seconds` (per source, default 120): the wall-clock limit of one HTTP request,
  connect + response headers + body, however slowly the server drips bytes.
- `url_budget_seconds` (per source, default 300): the wall-clock limit of one URL, all its
  attempts, backoff pauses and redirects together; no retry starts once it is spent.
- `crawl_budget_seconds` (top level, default none): the wall-clock limit of one whole crawl, all
  sources together (a nightly run must end before the next one starts).  Once it is spent every
  remaining index page and document is marked failed with a "crawl budget" error, unfetched.
  It is top-level rather than per source because it bounds the run, not a portal; a per-portal
  limit is what `url_budget_seconds` × the number of URLs already gives.

`timezone` (an IANA name such as `Asia/Shanghai` or `UTC`) is the zone the cron is read in: the
disclosures' portals are Chinese, so `0 3 * * *` means 03:00 Beijing time unless it says otherwise.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

SOURCE_KEYS = {
    "name", "start_urls", "allow_hosts", "follow_pattern", "link_pattern",
    "max_depth", "rate_per_second", "allow_private", "deadline_seconds", "url_budget_seconds",
}
TOP_KEYS = {"sources", "schedule", "timezone", "crawl_budget_seconds"}
DEFAULT_LINK_PATTERN = r"\.pdf$"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # the portals' own clock: a cron read in UTC ran at 11:00 Beijing


@dataclass(frozen=True)
class Source:
    name: str
    start_urls: tuple[str, ...]
    allow_hosts: tuple[str, ...]
    follow_pattern: str | None = None
    link_pattern: str = DEFAULT_LINK_PATTERN
    max_depth: int = 2
    rate_per_second: float = 1.0
    allow_private: bool = False
    deadline_seconds: float | None = None  # None: the fetcher's default (DEFAULT_DEADLINE_SECONDS)
    url_budget_seconds: float | None = None  # None: the fetcher's default (DEFAULT_URL_BUDGET_SECONDS)
    _follow_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _link_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def follows(self, url: str) -> bool:
        rx = self._follow_re or (re.compile(self.follow_pattern) if self.follow_pattern else None)
        return bool(rx and rx.search(url))

    def is_document(self, url: str) -> bool:
        rx = self._link_re or re.compile(self.link_pattern)
        return bool(rx.search(url))

    def host_allowed(self, host: str | None, port: int | None = None) -> bool:
        return host_allowed(host, self.allow_hosts, port)

    def url_allowed(self, url: str) -> bool:
        return url_allowed(url, self.allow_hosts)


@dataclass(frozen=True)
class SourcesConfig:
    sources: list[Source]
    schedule: str | None = None
    timezone: str = DEFAULT_TIMEZONE  # the IANA zone `schedule` is read in
    crawl_budget_seconds: float | None = None  # None: no crawl-wide limit


DEFAULT_PORTS = {"http": 80, "https": 443}


def split_host_entry(entry: str) -> tuple[str, int | None]:
    """("host", port or None) of an allow_hosts entry; ValueError when the port is not 1-65535.
    A bare IPv6 address has several colons and no port; with a port it is bracketed."""
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else None
        if rest and port_text is None:
            raise ValueError(f"bad allow_hosts entry {entry!r}")
    elif entry.count(":") == 1:
        host, port_text = entry.split(":")
    else:
        host, port_text = entry, None
    if port_text is None:
        return host.rstrip("."), None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in allow_hosts entry {entry!r}")
    return host.rstrip("."), int(port_text)


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host == pattern[2:] or host.endswith(pattern[1:])
    return host == pattern


def host_allowed(host: str | None, allow_hosts: Iterable[str], port: int | None = None) -> bool:
    """Exact (case-insensitive) host match; an entry "*.example.gov.cn" also allows subdomains.
    An entry naming a port matches only that `port` (so never when `port` is None: unknown);
    a bare entry matches any port."""
    if not host:
        return False
    host = host.lower().strip("[]").rstrip(".")
    for entry in allow_hosts:
        pattern, entry_port = split_host_entry(entry)
        if _host_matches(host, pattern.strip("[]")) and (entry_port is None or entry_port == port):
            return True
    return False


def host_allowed_on_some_port(host: str | None, allow_hosts: Iterable[str]) -> bool:
    """Whether any entry names `host`, whatever its port: tells "wrong port" from "wrong host"."""
    return host_allowed(host, [split_host_entry(e)[0] for e in allow_hosts])


def effective_port(url: str) -> int | None:
    """The port `url` connects to: explicit, else the scheme's default (None: unknown scheme)."""
    parts = urlsplit(url)
    try:
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None


def url_allowed(url: str, allow_hosts: Iterable[str]) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host_allowed(host, allow_hosts, effective_port(url))


def _err(where: str, msg: str) -> ValueError:
    return ValueError(f"{where}: {msg}")


def _str_list(value: object, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _err(where, f"'{key}' must be a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(where, f"'{key}' must contain only non-empty strings")
    return tuple(v.strip() for v in value)


def _regex(value: object, where: str, key: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise _err(where, f"'{key}' must be a non-empty regex string")
    try:
        return re.compile(value)
    except re.error as e:
        raise _err(where, f"'{key}' is not a valid regex ({e}): {value!r}") from None


def _seconds(raw: dict[str, Any], key: str, where: str) -> float | None:
    """An optional positive number of seconds (None when absent)."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise _err(where, f"'{key}' must be a number of seconds > 0, got {value!r}")
    return float(value)


def parse_source(raw: object, where: str = "source") -> Source:
    if not isinstance(raw, dict):
        raise _err(where, "each source must be a mapping")
    unknown = sorted(set(map(str, raw)) - SOURCE_KEYS)
    if unknown:
        raise _err(where, f"unknown field(s) {unknown}; allowed: {sorted(SOURCE_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _err(where, "'name' is required and must be a non-empty string")
    where = f"{where} ({name})"
    for key in ("start_urls", "allow_hosts"):
        if key not in raw:
            raise _err(where, f"'{key}' is required")
    allow_hosts = tuple(h.lower() for h in _str_list(raw["allow_hosts"], where, "allow_hosts"))
    for h in allow_hosts:
        if "/" in h or "@" in h:
            raise _err(where, f"'allow_hosts' entries are host names, optionally with a port "
                              f"(no scheme, path or credentials): {h!r}")
        try:
            split_host_entry(h)
        except ValueError as e:
            raise _err(where, f"'allow_hosts': {e}") from None
    start_urls = _str_list(raw["start_urls"], where, "start_urls")
    for u in start_urls:
        parts = urlsplit(u)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _err(where, f"start URL must be an absolute http(s) URL: {u!r}")
        if not url_allowed(u, allow_hosts):
            raise _err(where, f"start URL host {parts.netloc!r} is not in allow_hosts")
    follow = raw.get("follow_pattern")
    follow_re = _regex(follow, where, "follow_pattern") if follow is not None else None
    link = raw.get("link_pattern", DEFAULT_LINK_PATTERN)
    link_re = _regex(link, where, "link_pattern")
    max_depth = raw.get("max_depth", 2)
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 0:
        raise _err(where, f"'max_depth' must be an integer >= 0, got {max_depth!r}")
    rate = raw.get("rate_per_second", 1.0)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
        raise _err(where, f"'rate_per_second' must be a number > 0, got {rate!r}")
    allow_private = raw.get("allow_private", False)
    if not isinstance(allow_private, bool):
        raise _err(where, f"'allow_private' must be true or false, got {allow_private!r}")
    return Source(
        name=name.strip(), start_urls=start_urls, allow_hosts=allow_hosts,
        follow_pattern=follow, link_pattern=link, max_depth=max_depth,
        rate_per_second=float(rate), allow_private=allow_private,
        deadline_seconds=_seconds(raw, "deadline_seconds", where),
        url_budget_seconds=_seconds(raw, "url_budget_seconds", where),
        _follow_re=follow_re, _link_re=link_re,
    )


def _timezone(raw: dict[str, Any], where: str) -> str:
    """The `timezone` key, checked against the IANA database now rather than by the Prefect
    server when the deployment is created (whose error would not name this file)."""
    value = raw.get("timezone", DEFAULT_TIMEZONE)
    if not isinstance(value, str) or not value.strip():
        raise _err(where, f"'timezone' must be an IANA time zone name such as 'Asia/Shanghai', got {value!r}")
    try:
        zoneinfo.ZoneInfo(value.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _err(where, f"'timezone' {value!r} is not a known IANA time zone (e.g. 'Asia/Shanghai', 'UTC')") from None
    return value.strip()


def parse_config(data: object, where: str = "sources file") -> SourcesConfig:
    if not isinstance(data, dict):
        raise _err(where, "top level must be a mapping with a 'sources' list")
    unknown = sorted(set(map(str, data)) - TOP_KEYS)
    if unknown:
        raise _err(where, f"unknown top-level field(s) {unknown}; allowed: {sorted(TOP_KEYS)}")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise _err(where, "'sources' must be a non-empty list")
    sources = [parse_source(s, f"{where}: sources[{i}]") for i, s in enumerate(raw_sources)]
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _err(where, f"duplicate source name(s) {dupes}")
    schedule = data.get("schedule")
    if schedule is not None and (not isinstance(schedule, str) or len(schedule.split()) != 5):
        raise _err(where, f"'schedule' must be a 5-field cron string, got {schedule!r}")
    return SourcesConfig(sources=sources, schedule=schedule, timezone=_timezone(data, where),
                         crawl_budget_seconds=_seconds(data, "crawl_budget_seconds", where))


def load_config(path: str | Path) -> SourcesConfig:
    """Read and validate a sources file; ValueError (naming the file and field) when invalid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"{path}: cannot read sources file ({e.strerror or e})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError(f"{path}: invalid YAML: {e}") from None
    return parse_config(data, str(path))


def load_sources(path: str | Path) -> list[Source]:
    return load_config(path).sources
