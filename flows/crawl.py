"""Prefect flows for the scheduled crawl: crawl, rerun the failed, serve the schedule.

They orchestrate `pipeline.crawl`; the Prefect UI gets a table artifact of each run's counts
and quality log. Runs use the ephemeral API unless PREFECT_API_URL names a server."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from prefect import flow, serve, task
from prefect.artifacts import create_table_artifact

from pipeline import crawl as crawling
from pipeline.fetch import load_config
from pipeline.process import Options
from pipeline.store import open_warehouse


def _artifact(out: str, warehouse: str | None, summary: crawling.CrawlSummary) -> None:
    w = open_warehouse(warehouse or crawling.default_warehouse(Path(out)))
    try:
        log = Counter((f["severity"], f["check"]) for f in w.rows("quality_log"))
    finally:
        w.close()
    create_table_artifact(
        key="juesuan-crawl",
        table=[{"what": k, "count": v} for k, v in (("urls", summary.discovered), ("processed", summary.processed),
                                                    ("unchanged", summary.unchanged), ("failed", summary.failed))]
        + [{"what": f"{sev} {check}", "count": n} for (sev, check), n in sorted(log.items())],
        description="juesuan crawl: counts and quality log",
    )


@task(name="discover", retries=2, retry_delay_seconds=10)
def discover_task(sources: str, source_name: str) -> list[str]:
    urls, errors = crawling.discover_source(sources, source_name)
    for error in errors:
        print(f"index page failed: {error}")
    return urls


# One task per document. Fetch retries live in the fetcher; the task retries what is left (a
# crash). `tags` lets an operator cap parallel processing: `prefect concurrency-limit create
# juesuan-process 2`. The document itself is processed in a watched worker process
# (pipeline.workers): Prefect's timeout cannot stop native code, the page time limit can.
@task(name="crawl-url", retries=1, retry_delay_seconds=30, timeout_seconds=1800, tags=["juesuan-process"])
def crawl_url_task(sources: str, source_name: str, url: str, out: str, warehouse: str | None, ocr: str,
                   store: str | None, limits: dict | None = None) -> str:
    return crawling.crawl_one(sources, source_name, url, out, warehouse, Options(ocr=ocr, **(limits or {})), store)


def _crawl(pairs: list[tuple[str, str]], sources: str, out: str, warehouse: str | None, ocr: str,
           store: str | None, limits: dict | None) -> crawling.CrawlSummary:
    summary = crawling.CrawlSummary(discovered=len(pairs))
    for source_name, url in pairs:  # one after another: the embedded warehouse has one writer
        outcome = crawl_url_task(sources, source_name, url, out, warehouse, ocr, store, limits)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    w = open_warehouse(warehouse or crawling.default_warehouse(Path(out)))
    try:
        crawling.write_outputs(w, Path(out))
    finally:
        w.close()
    _artifact(out, warehouse, summary)
    print(summary.line())
    return summary


@flow(name="juesuan-crawl", log_prints=True)
def crawl_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
               store: str | None = None, limits: dict | None = None) -> crawling.CrawlSummary:
    """`limits`: Options fields beyond `ocr` (page_timeout, max_pages, max_pixels, max_memory_mb, ocr_engine)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    pairs = [(src.name, url) for src in load_config(sources).sources for url in discover_task(sources, src.name)]
    return _crawl(pairs, sources, out, warehouse, ocr, store, limits)


@flow(name="juesuan-rerun-failed", log_prints=True)
def rerun_failed_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
                      store: str | None = None, limits: dict | None = None) -> crawling.CrawlSummary:
    return _crawl(crawling.failed_urls(out, warehouse), sources, out, warehouse, ocr, store, limits)


def crawl_deployment(sources: str, out: str = "out", warehouse: str | None = None, store: str | None = None):
    """The scheduled deployment: the sources file's cron, its parameters."""
    schedule = load_config(sources).schedule
    if not schedule:
        raise ValueError(f"{sources}: no `schedule` (a cron expression) to serve")
    return crawl_flow.to_deployment(name="juesuan-crawl", cron=schedule,
                                    parameters={"sources": str(Path(sources).resolve()), "out": out,
                                                "warehouse": warehouse, "store": store})


def serve_crawl(sources: str, out: str = "out", warehouse: str | None = None, store: str | None = None) -> None:
    serve(crawl_deployment(sources, out, warehouse, store))
