"""Crawl: sources file → discovered URLs → fetched documents → processed records.

Entry points: `crawl(sources_path, out_dir, warehouse_url)` and `rerun_failed(...)`; the Prefect
flows in `flows/crawl.py` orchestrate the same steps (`discover_urls`, `crawl_url`). Each URL's
state lives in the warehouse's registry (discovered → fetched → processed | failed), so a crawl
that is killed and started again, or run twice, ends with the same warehouse rows.

Time: each request has a deadline and each URL a budget (per source, `pipeline.fetch.http`); the
sources file's top-level `crawl_budget_seconds` bounds a whole `crawl` — started when the crawl
starts, shared by every source's fetcher — after which the URLs left are recorded as failed with
a "crawl budget" error instead of being fetched.  A flow that runs URLs as separate tasks passes
the same `CrawlBudget` as `crawl_budget=` to `crawl_one` / `discover_source`.  Failures stopped by
a deadline or budget name their host (`Failure.slow_host`; `CrawlSummary.slow_hosts`)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.fetch import (CrawlBudget, FetchError, Fetcher, FetchResult, Page, Source, discover, load_cache, load_config, mirror, save_cache,
                            url_filename)
from pipeline.fetch.http import _strip_fragment
from pipeline.process import RECORD_TABLES, Options
from pipeline.report import write_report
from pipeline.store import Warehouse, open_warehouse, write_jsonl
from pipeline.workers import Job, process_supervised

log = logging.getLogger("juesuan.crawl")


@dataclass(frozen=True)
class Failure:
    """A URL the crawl could not turn into records, kept as data: the terminal, the flow run's
    state and its artifact all say which URL, why, and how hard the crawl tried."""
    url: str
    error: str
    attempts: int  # HTTP requests sent for it in this crawl, retries and redirects included (0: refused)
    kind: str = "document"  # document | start page | index page
    slow_host: str | None = None  # the host, when a deadline or budget stopped it

    def line(self) -> str:
        slow = f"  slow host: {self.slow_host}" if self.slow_host else ""
        return f"failed {self.kind}: {self.url}  error: {self.error}  attempts: {self.attempts}{slow}"


@dataclass
class CrawlSummary:
    discovered: int = 0
    processed: int = 0
    unchanged: int = 0
    failed: int = 0  # documents
    failures: list[Failure] = field(default_factory=list)  # documents and index pages

    @property
    def pages_failed(self) -> int:
        return sum(f.kind != "document" for f in self.failures)

    @property
    def slow_hosts(self) -> list[str]:
        """Hosts that a deadline or budget cut off, in first-failure order."""
        return list(dict.fromkeys(f.slow_host for f in self.failures if f.slow_host))

    @property
    def ok(self) -> bool:
        return not self.failed and not self.failures

    def tally(self, outcome: "Outcome") -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.failure:
            self.failures.append(outcome.failure)

    def line(self) -> str:
        pages = f"  pages failed: {self.pages_failed}" if self.pages_failed else ""
        slow = f"  slow hosts: {', '.join(self.slow_hosts)}" if self.slow_hosts else ""
        return (f"urls: {self.discovered}  processed: {self.processed}  unchanged: {self.unchanged}  "
                f"failed: {self.failed}{pages}{slow}")

    def message(self) -> str:
        """What failed, counted: the message of a failed crawl's flow run."""
        kinds = [f.kind for f in self.failures]
        parts = [f"{n} {kind}{'s' if n > 1 else ''} failed" for kind in ("document", "start page", "index page")
                 if (n := kinds.count(kind))]
        slow = f" (slow hosts: {', '.join(self.slow_hosts)})" if self.slow_hosts else ""
        return (", ".join(parts) or "nothing failed") + slow


@dataclass(frozen=True)
class Outcome:
    status: str  # processed | unchanged | failed
    failure: Failure | None = None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_warehouse(out: Path) -> str:
    return f"duckdb:///{out / 'warehouse.duckdb'}"


@contextmanager
def requests_sent(fetcher: Fetcher) -> Iterator[list]:
    """The HTTP requests `fetcher` sends inside the block: a failure's attempts, which neither a
    FetchError nor a failed FetchResult carries."""
    sent: list = []
    hooks = fetcher.client.event_hooks["request"]
    hooks.append(sent.append)
    try:
        yield sent
    finally:
        hooks.remove(sent.append)


def fetch_counted(fetcher: Fetcher, url: str) -> tuple[FetchResult, int]:
    with requests_sent(fetcher) as sent:
        result = fetcher.fetch(url)
    return result, len(sent)


def crawl_url(url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse, options: Options,
              store_url: str | None = None) -> Outcome:
    """Fetch and process one URL: processed | unchanged | failed (with its Failure). With
    `store_url` (any fsspec URL) the raw document is also kept there, by its sha256."""
    entry = warehouse.registry_entry(url) or {
        "url": url, "source_name": source.name, "status": "discovered", "attempts": 0, "discovered_at": now()}
    if entry.get("updated_at") is None:
        entry["updated_at"] = entry["discovered_at"]
        warehouse.register(entry)
    result, requests = fetch_counted(fetcher, url)
    if result.status == "failed":
        entry.update(status="failed", last_error=result.error, attempts=(entry["attempts"] or 0) + 1, updated_at=now())
        warehouse.register(entry)
        return Outcome("failed", Failure(url, result.error or "fetch failed", requests, slow_host=result.slow_host))
    if entry["status"] == "processed" and entry.get("sha256") == result.sha256:
        return Outcome("unchanged")  # same bytes as last time: nothing to write, not even a timestamp
    processed = warehouse.registry(status="processed")
    if any(e["sha256"] == result.sha256 for e in processed):
        # the same document under another URL: one document, already in the warehouse
        entry.update(status="processed", sha256=result.sha256, etag=result.etag, last_modified=result.last_modified,
                     attempts=(entry["attempts"] or 0) + 1, last_error=None, updated_at=now())
        warehouse.register(entry)
        return Outcome("unchanged")
    if store_url:
        mirror(result.sha256, result.path, store_url)
    entry.update(status="fetched", sha256=result.sha256, etag=result.etag, last_modified=result.last_modified,
                 attempts=(entry["attempts"] or 0) + 1, updated_at=now())
    warehouse.register(entry)
    # in a watched worker process: a page that hangs or crashes the PDF / OCR library costs this
    # document that page, not the crawl
    job = Job(result.path, source_uri=url, source_name=source.name, filename=url_filename(url), with_outputs=False)
    _, doc = next(process_supervised([job], options))
    warehouse.replace_document(doc.document_id, doc.records)
    failed = doc.document["status"] == "failed"
    entry.update(status="failed" if failed else "processed", last_error=doc.document["error"], updated_at=now())
    warehouse.register(entry)
    if failed:
        return Outcome("failed", Failure(url, doc.document["error"] or "processing failed", requests))
    return Outcome("processed")


class _CountedPages:
    """The fetcher as `discover` uses it (get_page only), noting the requests each index page cost."""

    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher
        self.attempts: dict[str, int] = {}
        self.slow_hosts: dict[str, str] = {}  # url -> host, for pages a deadline or budget stopped

    def get_page(self, url: str) -> Page:
        with requests_sent(self.fetcher) as sent:
            try:
                return self.fetcher.get_page(url)
            except FetchError as e:
                if e.slow_host:
                    self.slow_hosts[url] = e.slow_host
                raise
            finally:
                self.attempts[url] = len(sent)


def discover_urls(source: Source, fetcher: Fetcher, summary: CrawlSummary) -> list[str]:
    """Document URLs of `source`; each index page that failed becomes a Failure in `summary`
    (a start page that fails leaves its source with nothing: a failed crawl, not an empty one)."""
    errors: list = []
    pages = _CountedPages(fetcher)
    urls = discover(source, pages, errors)  # type: ignore[arg-type]  # duck-typed: get_page only
    starts = {_strip_fragment(u) for u in source.start_urls}  # as discover queues them
    summary.failures += [Failure(u, e, pages.attempts.get(u, 0), "start page" if u in starts else "index page",
                                 pages.slow_hosts.get(u)) for u, e in errors]
    return urls


def write_outputs(warehouse: Warehouse, out: Path) -> None:
    """The JSONL files and report of what the warehouse holds (a crawl's outputs equal a run's)."""
    records = {name: warehouse.rows(name) for name in RECORD_TABLES}
    write_jsonl(out, records)
    write_report(out / "report.html", records)


def crawl(sources_path: str | Path, out_dir: str | Path = "out", warehouse_url: str | None = None,
          options: Options | None = None, only: set[str] | None = None, store_url: str | None = None,
          **fetcher_options) -> CrawlSummary:
    """Crawl every source (or, with `only`, just those URLs) and write the outputs."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = load_config(sources_path)
    options = options or Options()
    warehouse = open_warehouse(warehouse_url or default_warehouse(out))
    cache_path = out / "fetch_cache.json"
    cache = load_cache(cache_path)
    summary = CrawlSummary()
    if config.crawl_budget_seconds is not None:  # one budget for all sources, from now
        fetcher_options.setdefault("crawl_budget", CrawlBudget.start(config.crawl_budget_seconds))
    try:
        for source in config.sources:
            with Fetcher.for_source(source, store_root=out / "raw", cache=cache, **fetcher_options) as fetcher:
                urls = discover_urls(source, fetcher, summary) if only is None else [
                    u for u in only if (e := warehouse.registry_entry(u)) and e["source_name"] == source.name]
                summary.discovered += len(urls)
                for url in urls:
                    summary.tally(crawl_url(url, source, fetcher, warehouse, options, store_url))
                    save_cache(cache, cache_path)
        write_outputs(warehouse, out)
    finally:
        warehouse.close()
    return summary


def crawl_one(sources_path: str | Path, source_name: str, url: str, out_dir: str | Path = "out",
              warehouse_url: str | None = None, options: Options | None = None, store_url: str | None = None,
              **fetcher_options) -> Outcome:
    """One URL on its own (a flow's task): its source's fetcher, the shared conditional-GET
    cache, the warehouse — opened and closed around this one document."""
    out = Path(out_dir)
    source = next(s for s in load_config(sources_path).sources if s.name == source_name)
    cache_path = out / "fetch_cache.json"
    cache = load_cache(cache_path)
    warehouse = open_warehouse(warehouse_url or default_warehouse(out))
    try:
        with Fetcher.for_source(source, store_root=out / "raw", cache=cache, **fetcher_options) as fetcher:
            outcome = crawl_url(url, source, fetcher, warehouse, options or Options(), store_url)
        save_cache(cache, cache_path)
        return outcome
    finally:
        warehouse.close()


def discover_source(sources_path: str | Path, source_name: str, **fetcher_options) -> tuple[list[str], list[Failure]]:
    """(document URLs, index pages that failed) of one source."""
    source = next(s for s in load_config(sources_path).sources if s.name == source_name)
    summary = CrawlSummary()
    with Fetcher.for_source(source, **fetcher_options) as fetcher:
        return discover_urls(source, fetcher, summary), summary.failures


def failed_urls(out_dir: str | Path = "out", warehouse_url: str | None = None) -> list[tuple[str, str]]:
    """(source name, url) of every URL the registry has as failed."""
    warehouse = open_warehouse(warehouse_url or default_warehouse(Path(out_dir)))
    try:
        return sorted((e["source_name"], e["url"]) for e in warehouse.registry(status="failed"))
    finally:
        warehouse.close()


def rerun_failed(sources_path: str | Path, out_dir: str | Path = "out", warehouse_url: str | None = None,
                 options: Options | None = None, store_url: str | None = None, **fetcher_options) -> CrawlSummary:
    """Fetch and process again every URL the registry has as failed."""
    out = Path(out_dir)
    warehouse = open_warehouse(warehouse_url or default_warehouse(out))
    failed = {e["url"] for e in warehouse.registry(status="failed")}
    warehouse.close()
    return crawl(sources_path, out, warehouse_url, options, only=failed, store_url=store_url, **fetcher_options)
