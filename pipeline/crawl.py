"""Crawl: sources file → discovered URLs → fetched documents → processed records.

Entry points: `crawl(sources_path, out_dir, warehouse_url)` and `rerun_failed(...)`; the Prefect
flows in `flows/crawl.py` orchestrate the same steps (`discover_urls`, `crawl_url`). Each URL's
state lives in the warehouse's registry (discovered → fetched → processed | failed), so a crawl
that is killed and started again, or run twice, ends with the same warehouse rows."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline.fetch import Fetcher, Source, discover, load_cache, load_config, mirror, save_cache, url_filename
from pipeline.process import RECORD_TABLES, Options
from pipeline.report import write_report
from pipeline.store import Warehouse, open_warehouse, write_jsonl
from pipeline.workers import Job, process_supervised

log = logging.getLogger("juesuan.crawl")


@dataclass
class CrawlSummary:
    discovered: int = 0
    processed: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"urls: {self.discovered}  processed: {self.processed}  unchanged: {self.unchanged}  "
                f"failed: {self.failed}")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_warehouse(out: Path) -> str:
    return f"duckdb:///{out / 'warehouse.duckdb'}"


def crawl_url(url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse, options: Options,
              store_url: str | None = None) -> str:
    """Fetch and process one URL; returns processed | unchanged | failed. With `store_url` (any
    fsspec URL) the raw document is also kept there, by its sha256."""
    entry = warehouse.registry_entry(url) or {
        "url": url, "source_name": source.name, "status": "discovered", "attempts": 0, "discovered_at": now()}
    if entry.get("updated_at") is None:
        entry["updated_at"] = entry["discovered_at"]
        warehouse.register(entry)
    result = fetcher.fetch(url)
    if result.status == "failed":
        entry.update(status="failed", last_error=result.error, attempts=(entry["attempts"] or 0) + 1, updated_at=now())
        warehouse.register(entry)
        return "failed"
    if entry["status"] == "processed" and entry.get("sha256") == result.sha256:
        return "unchanged"  # same bytes as last time: nothing to write, not even a timestamp
    processed = warehouse.registry(status="processed")
    if any(e["sha256"] == result.sha256 for e in processed):
        # the same document under another URL: one document, already in the warehouse
        entry.update(status="processed", sha256=result.sha256, etag=result.etag, last_modified=result.last_modified,
                     attempts=(entry["attempts"] or 0) + 1, last_error=None, updated_at=now())
        warehouse.register(entry)
        return "unchanged"
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
    return "failed" if failed else "processed"


def discover_urls(source: Source, fetcher: Fetcher, summary: CrawlSummary) -> list[str]:
    errors: list = []
    urls = discover(source, fetcher, errors)
    summary.errors += [f"{u}: {e}" for u, e in errors]
    return urls


def write_outputs(warehouse: Warehouse, out: Path) -> None:
    """The JSONL files and report of what the warehouse holds (a crawl's outputs equal a run's)."""
    records = {name: warehouse.rows(name) for name in RECORD_TABLES}
    write_jsonl(out, records)
    write_report(out / "report.html", records)


def _tally(summary: CrawlSummary, outcome: str) -> None:
    setattr(summary, outcome, getattr(summary, outcome) + 1)


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
    try:
        for source in config.sources:
            with Fetcher.for_source(source, store_root=out / "raw", cache=cache, **fetcher_options) as fetcher:
                urls = discover_urls(source, fetcher, summary) if only is None else [
                    u for u in only if (e := warehouse.registry_entry(u)) and e["source_name"] == source.name]
                summary.discovered += len(urls)
                for url in urls:
                    _tally(summary, crawl_url(url, source, fetcher, warehouse, options, store_url))
                    save_cache(cache, cache_path)
        write_outputs(warehouse, out)
    finally:
        warehouse.close()
    return summary


def crawl_one(sources_path: str | Path, source_name: str, url: str, out_dir: str | Path = "out",
              warehouse_url: str | None = None, options: Options | None = None, store_url: str | None = None,
              **fetcher_options) -> str:
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


def discover_source(sources_path: str | Path, source_name: str, **fetcher_options) -> tuple[list[str], list[str]]:
    """(document URLs, errors) of one source's index pages."""
    source = next(s for s in load_config(sources_path).sources if s.name == source_name)
    summary = CrawlSummary()
    with Fetcher.for_source(source, **fetcher_options) as fetcher:
        return discover_urls(source, fetcher, summary), summary.errors


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
