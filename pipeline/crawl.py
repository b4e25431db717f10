"""Crawl: sources file → discovered URLs → fetched documents → processed records.

Entry points: `crawl(sources_path, out_dir, warehouse_url)` and `rerun_failed(...)`, the one
crawl loop; the Prefect flows in `flows/crawl.py` call it with `CrawlSteps` that run discovery
and each fetch as a task. Each URL's state lives in the warehouse's registry (discovered →
fetched → processed | failed), so a crawl that is killed and started again, or run twice, ends
with the same warehouse rows.

A fetched document goes to one pool of workers kept for the whole crawl (watched processes
here, or a Dask cluster: `pipeline.workers.document_pool`) while the next URL is fetched, and
its result to the same writer as a run's (`pipeline.run.store_results`): the warehouse in
batches, the JSONL files and the report of the documents this crawl processed. A URL is marked
processed only once its records are in the warehouse.

Time: each request has a deadline and each URL a budget (per source, `pipeline.fetch.http`); the
sources file's top-level `crawl_budget_seconds` bounds a whole `crawl` — started when the crawl
starts, shared by every source's fetcher — after which the URLs left are recorded as failed with
a "crawl budget" error instead of being fetched. Failures stopped by a deadline or budget name
their host (`Failure.slow_host`; `CrawlSummary.slow_hosts`)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx

from pipeline.fetch import (
    CrawlBudget,
    Fetcher,
    FetchError,
    FetchResult,
    Page,
    Source,
    SourcesConfig,
    discover,
    load_cache,
    load_config,
    mirror,
    save_cache,
    url_filename,
)
from pipeline.fetch.content import strip_fragment
from pipeline.process import DocumentResult, Options
from pipeline.store import Warehouse, default_warehouse_url, open_warehouse
from pipeline.store.schema import Record
from pipeline.workers import DocumentPool, Job, document_pool

if TYPE_CHECKING:
    from pipeline.run import OnDocument, RunSummary

log = logging.getLogger("juesuan.crawl")

FailureKind = Literal["document", "start page", "index page"]  # what a failed URL was to the crawl
OutcomeStatus = Literal["processed", "unchanged", "failed"]  # a URL's end in this crawl (a CrawlSummary count)


@dataclass(frozen=True)
class Failure:
    """A URL the crawl could not turn into records, kept as data: the terminal, the flow run's
    state and its artifact all say which URL, why, and how hard the crawl tried."""
    url: str
    error: str
    attempts: int  # HTTP requests sent for it in this crawl, retries and redirects included (0: refused)
    kind: FailureKind = "document"
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
    run: RunSummary | None = None  # what the crawl's outputs hold: the documents it processed

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

    def tally(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.failure:
            self.failures.append(outcome.failure)

    def line(self) -> str:
        pages = f"  pages failed: {self.pages_failed}" if self.pages_failed else ""
        slow = f"  slow hosts: {', '.join(self.slow_hosts)}" if self.slow_hosts else ""
        line = (f"urls: {self.discovered}  processed: {self.processed}  unchanged: {self.unchanged}  "
                f"failed: {self.failed}{pages}{slow}")
        return line + (f"\n{self.run.line()}" if self.run else "")

    def message(self) -> str:
        """What failed, counted: the message of a failed crawl's flow run."""
        kinds = [f.kind for f in self.failures]
        parts = [f"{n} {kind}{'s' if n > 1 else ''} failed" for kind in ("document", "start page", "index page")
                 if (n := kinds.count(kind))]
        slow = f" (slow hosts: {', '.join(self.slow_hosts)})" if self.slow_hosts else ""
        return (", ".join(parts) or "nothing failed") + slow


@dataclass(frozen=True)
class Outcome:
    status: OutcomeStatus
    failure: Failure | None = None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def requests_sent(fetcher: Fetcher) -> Iterator[list[httpx.Request]]:
    """The HTTP requests `fetcher` sends inside the block: a failure's attempts, which neither a
    FetchError nor a failed FetchResult carries."""
    sent: list[httpx.Request] = []
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


@dataclass
class Fetched:
    """A URL whose document is to be processed: its job for the pool and its registry entry."""
    url: str
    job: Job
    entry: Record
    requests: int
    duplicates: list[Record] = field(default_factory=list)  # entries of other URLs with the same bytes


def fetch_url(url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse,
              store_url: str | None = None) -> Outcome | Fetched:
    """Fetch one URL: an Outcome when there is nothing to process (unchanged, or failed with its
    Failure), else the document to process. With `store_url` (any fsspec URL) the raw document
    is also kept there, by its sha256."""
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
    sha256, path = result.sha256, result.path
    if sha256 is None or path is None:  # Fetcher.fetch stores the document of every fetch it does not fail
        raise RuntimeError(f"fetch of {url} reported {result.status!r} without a stored document")
    if entry["status"] == "processed" and entry.get("sha256") == sha256:
        return Outcome("unchanged")  # same bytes as last time: nothing to write, not even a timestamp
    entry.update(sha256=sha256, etag=result.etag, last_modified=result.last_modified,
                 attempts=(entry["attempts"] or 0) + 1, last_error=None, updated_at=now())
    if any(e["sha256"] == sha256 for e in warehouse.registry(status="processed")):
        # the same document under another URL: one document, already in the warehouse
        entry.update(status="processed")
        warehouse.register(entry)
        return Outcome("unchanged")
    if store_url:
        mirror(sha256, path, store_url)
    entry.update(status="fetched")
    warehouse.register(entry)
    return Fetched(url, Job(str(path), source_uri=url, source_name=source.name, filename=url_filename(url)),
                   entry, requests)


class CrawlSteps:
    """How a crawl's steps run: called here as they are; `flows.crawl` runs each as a Prefect
    task (named after its source or URL), so the loop that calls them is this module's alone."""

    def discover(self, source: Source, fetcher: Fetcher, summary: CrawlSummary) -> list[str]:
        return discover_urls(source, fetcher, summary)

    def fetch(self, url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse,
              store_url: str | None) -> Outcome | Fetched:
        return fetch_url(url, source, fetcher, warehouse, store_url)


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
    errors: list[tuple[str, str]] = []
    pages = _CountedPages(fetcher)
    urls = discover(source, pages, errors)
    starts = {strip_fragment(u) for u in source.start_urls}  # as discover queues them
    summary.failures += [Failure(u, e, pages.attempts.get(u, 0), "start page" if u in starts else "index page",
                                 pages.slow_hosts.get(u)) for u, e in errors]
    return urls


class _CrawlRun:
    """One crawl's loop: URLs fetched one after another while the pool processes the documents
    fetched before; `results()` yields each document as it is done, for `store_results`, which
    calls `stored(index)` once its records are in the warehouse."""

    def __init__(self, config: SourcesConfig, registry: Warehouse, pool: DocumentPool, steps: CrawlSteps, out: Path,
                 only: set[str] | None, store_url: str | None, fetcher_options: dict[str, Any]) -> None:
        self.config, self.registry, self.pool, self.steps, self.out = config, registry, pool, steps, out
        self.only, self.store_url, self.fetcher_options = only, store_url, fetcher_options
        self.summary = CrawlSummary()
        self.in_hand: dict[int, Fetched] = {}  # pool index → the URL being processed
        self.by_sha: dict[str, Fetched] = {}  # this crawl's documents by their bytes
        self.done: dict[int, Outcome] = {}  # processed, waiting for their records to be stored

    def results(self) -> Iterator[tuple[int, DocumentResult]]:
        cache_path = self.out / "fetch_cache.json"
        cache = load_cache(cache_path)
        try:
            for source in self.config.sources:
                with Fetcher.for_source(source, store_root=self.out / "raw", cache=cache, **self.fetcher_options) as fetcher:
                    for url in self.urls(source, fetcher):
                        self.take(self.steps.fetch(url, source, fetcher, self.registry, self.store_url))
                        yield from self.finished(timeout=0)
                        save_cache(cache, cache_path)
            while self.pool.busy:
                yield from self.finished()
        finally:
            self.pool.close()

    def urls(self, source: Source, fetcher: Fetcher) -> list[str]:
        if self.only is None:
            urls = self.steps.discover(source, fetcher, self.summary)
        else:
            urls = [u for u in sorted(self.only)
                    if (e := self.registry.registry_entry(u)) and e["source_name"] == source.name]
        self.summary.discovered += len(urls)
        return urls

    def take(self, fetched: Outcome | Fetched) -> None:
        if isinstance(fetched, Outcome):
            self.summary.tally(fetched)
        elif (first := self.by_sha.get(fetched.entry["sha256"])) is not None:
            first.duplicates.append(fetched.entry)  # registered with the first URL's outcome
            self.summary.tally(Outcome("unchanged"))
        else:
            self.by_sha[fetched.entry["sha256"]] = fetched
            (index,) = self.pool.submit([fetched.job])
            self.in_hand[index] = fetched

    def finished(self, timeout: float | None = None) -> Iterator[tuple[int, DocumentResult]]:
        for index, result in self.pool.completed() if timeout is None else self.pool.completed(timeout):
            fetched, doc = self.in_hand[index], result.document
            failed = doc["status"] == "failed"
            self.done[index] = Outcome("failed", Failure(fetched.url, doc["error"] or "processing failed",
                                                         fetched.requests)) if failed else Outcome("processed")
            for entry in [fetched.entry, *fetched.duplicates]:
                entry.update(status="failed" if failed else "processed", last_error=doc["error"])
            yield index, result

    def stored(self, index: int) -> None:
        """The document's records are in the warehouse: its URL (and its twins') say so now."""
        fetched, outcome = self.in_hand.pop(index), self.done.pop(index)
        for entry in [fetched.entry, *fetched.duplicates]:
            self.registry.register({**entry, "updated_at": now()})
        self.summary.tally(outcome)


def crawl(sources_path: str | Path, out_dir: str | Path = "out", warehouse_url: str | None = None,
          options: Options | None = None, only: set[str] | None = None, store_url: str | None = None,
          workers: int = 1, dask: str | None = None, steps: CrawlSteps | None = None,
          on_document: OnDocument | None = None, **fetcher_options: Any) -> CrawlSummary:
    """Crawl every source (or, with `only`, just those URLs) and write the outputs: the
    warehouse, and the JSONL files and report of the documents this crawl processed."""
    from pipeline.run import open_run_warehouse, store_results

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = load_config(sources_path)
    url = warehouse_url or default_warehouse_url(out)
    if config.crawl_budget_seconds is not None:  # one budget for all sources, from now
        fetcher_options.setdefault("crawl_budget", CrawlBudget.start(config.crawl_budget_seconds))
    registry = open_run_warehouse(url)
    try:
        run = _CrawlRun(config, registry, document_pool(options or Options(), workers, dask), steps or CrawlSteps(),
                        out, only, store_url, fetcher_options)
        run.summary.run = store_results(run.results(), out, url, on_document, after_store=run.stored)
    finally:
        registry.close()
    return run.summary


def rerun_failed(sources_path: str | Path, out_dir: str | Path = "out", warehouse_url: str | None = None,
                 options: Options | None = None, store_url: str | None = None, **crawl_options: Any) -> CrawlSummary:
    """Fetch and process again every URL the registry has as failed (`crawl_options` as `crawl`'s)."""
    out = Path(out_dir)
    warehouse = open_warehouse(warehouse_url or default_warehouse_url(out))
    failed = {e["url"] for e in warehouse.registry(status="failed")}
    warehouse.close()
    return crawl(sources_path, out, warehouse_url, options, only=failed, store_url=store_url, **crawl_options)
