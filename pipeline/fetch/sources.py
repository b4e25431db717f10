"""The sources file of `juesuan crawl --sources FILE` (SPEC.md, Commands).

```yaml
sources:
  - name: putuo-2024
    start_urls: ["https://example.gov.cn/jsgk/index.html"]
    allow_hosts: ["example.gov.cn"]
    follow_pattern: "index_\\d+\\.html$"   # optional: further index pages (absolute URLs)
    link_pattern: "\\.pdf$"                # optional, default "\\.pdf$": documents (absolute URLs)
    max_depth: 2                           # optional, default 2; start pages are depth 0
    rate_per_second: 2                     # optional, default 1; per host
    allow_private: false                   # optional: allow private / loopback addresses
schedule: "0 3 * * *"
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SOURCE_KEYS = {
    "name", "start_urls", "allow_hosts", "follow_pattern", "link_pattern",
    "max_depth", "rate_per_second", "allow_private",
}
DEFAULT_LINK_PATTERN = r"\.pdf$"


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
    _follow_re: re.Pattern | None = field(default=None, repr=False, compare=False)
    _link_re: re.Pattern | None = field(default=None, repr=False, compare=False)

    def follows(self, url: str) -> bool:
        rx = self._follow_re or (re.compile(self.follow_pattern) if self.follow_pattern else None)
        return bool(rx and rx.search(url))

    def is_document(self, url: str) -> bool:
        rx = self._link_re or re.compile(self.link_pattern)
        return bool(rx.search(url))

    def host_allowed(self, host: str | None) -> bool:
        return host_allowed(host, self.allow_hosts)


@dataclass(frozen=True)
class SourcesConfig:
    sources: list[Source]
    schedule: str | None = None


def host_allowed(host: str | None, allow_hosts) -> bool:
    """Exact (case-insensitive) host match; an entry "*.example.gov.cn" also allows subdomains."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    for entry in allow_hosts:
        entry = entry.lower().rstrip(".")
        if entry.startswith("*."):
            if host == entry[2:] or host.endswith(entry[1:]):
                return True
        elif host == entry:
            return True
    return False


def _err(where: str, msg: str) -> ValueError:
    return ValueError(f"{where}: {msg}")


def _str_list(value, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _err(where, f"'{key}' must be a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(where, f"'{key}' must contain only non-empty strings")
    return tuple(v.strip() for v in value)


def _regex(value, where: str, key: str) -> re.Pattern:
    if not isinstance(value, str) or not value:
        raise _err(where, f"'{key}' must be a non-empty regex string")
    try:
        return re.compile(value)
    except re.error as e:
        raise _err(where, f"'{key}' is not a valid regex ({e}): {value!r}") from None


def parse_source(raw, where: str = "source") -> Source:
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
        if "/" in h or h.count(":") == 1:
            raise _err(where, f"'allow_hosts' entries are bare host names (no scheme, path or port): {h!r}")
    start_urls = _str_list(raw["start_urls"], where, "start_urls")
    for u in start_urls:
        parts = urlsplit(u)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _err(where, f"start URL must be an absolute http(s) URL: {u!r}")
        if not host_allowed(parts.hostname, allow_hosts):
            raise _err(where, f"start URL host {parts.hostname!r} is not in allow_hosts")
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
        _follow_re=follow_re, _link_re=link_re,
    )


def parse_config(data, where: str = "sources file") -> SourcesConfig:
    if not isinstance(data, dict):
        raise _err(where, "top level must be a mapping with a 'sources' list")
    unknown = sorted(set(map(str, data)) - {"sources", "schedule"})
    if unknown:
        raise _err(where, f"unknown top-level field(s) {unknown}; allowed: ['schedule', 'sources']")
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
    return SourcesConfig(sources=sources, schedule=schedule)


def load_config(path) -> SourcesConfig:
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


def load_sources(path) -> list[Source]:
    return load_config(path).sources
