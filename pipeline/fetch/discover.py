"""Breadth-first discovery of document URLs from a source's index pages."""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from .content import strip_fragment
from .http import FetchError, Page
from .sources import Source

log = logging.getLogger(__name__)


class PageGetter(Protocol):
    """What discovery needs of a fetcher: `Fetcher`, or a wrapper that counts its requests."""

    def get_page(self, url: str) -> Page: ...


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "base" and href and self.base is None:
            self.base = href.strip()
        elif tag == "a" and href:
            self.hrefs.append(href.strip())


def extract_links(html: str, page_url: str) -> list[str]:
    """Absolute http(s) URLs of `<a href>` links in document order, fragments dropped, deduped."""
    p = _LinkParser()
    try:
        p.feed(html)
        p.close()
    except Exception:  # malformed HTML: keep what was parsed
        pass
    base = urljoin(page_url, p.base) if p.base else page_url
    out: list[str] = []
    seen: set[str] = set()
    for href in p.hrefs:
        if href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            continue
        url = strip_fragment(url)
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


def discover(source: Source, fetcher: PageGetter, errors: list[tuple[str, str]] | None = None) -> list[str]:
    """Document URLs reachable from `source.start_urls`: breadth-first over index pages matching
    `follow_pattern` (start pages are depth 0, pages up to `max_depth` are read), collecting links
    matching `link_pattern`, on allowed hosts only; deduplicated, in first-seen order.
    Index pages that fail are skipped; (url, error) pairs are appended to `errors` if given."""
    docs: list[str] = []
    seen_docs: set[str] = set()
    queue = [(strip_fragment(u), 0) for u in source.start_urls]
    seen_pages = {u for u, _ in queue}
    while queue:
        url, depth = queue.pop(0)
        try:
            page = fetcher.get_page(url)
        except FetchError as e:
            log.warning("index page %s failed: %s", url, e)
            if errors is not None:
                errors.append((url, str(e)))
            continue
        seen_pages.add(page.final_url)
        for link in extract_links(page.text, page.final_url):
            if not source.url_allowed(link):  # host and, where an entry names one, port
                continue
            if source.is_document(link):
                if link not in seen_docs:
                    seen_docs.add(link)
                    docs.append(link)
            elif source.follows(link) and depth < source.max_depth and link not in seen_pages:
                seen_pages.add(link)
                queue.append((link, depth + 1))
    return docs
