"""Fetch stage: sources file, discovery over index pages, checked HTTP fetching, and a
content-addressed raw store (root/ab/cd/<sha256>.pdf). No orchestration imports here."""

from .content import looks_like_pdf, url_filename
from .deadlines import CrawlBudget, RateLimiter
from .discover import discover, extract_links
from .http import USER_AGENT, Fetcher, FetchError, FetchResult, Page
from .sources import Source, SourcesConfig, load_config, load_sources, parse_config
from .store import DEFAULT_STORE_ROOT, load_cache, mirror, path_for, save_cache, store_bytes

__all__ = [
    "discover", "extract_links", "USER_AGENT", "CrawlBudget", "FetchError", "Fetcher", "FetchResult", "Page",
    "RateLimiter", "looks_like_pdf", "url_filename", "Source", "SourcesConfig", "load_config",
    "load_sources", "parse_config", "DEFAULT_STORE_ROOT", "load_cache", "path_for", "save_cache",
    "store_bytes", "mirror",
]
