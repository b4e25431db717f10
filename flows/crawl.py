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


@task(name="crawl-sources", retries=1, retry_delay_seconds=10)
def crawl_task(sources: str, out: str, warehouse: str | None, ocr: str, store: str | None) -> crawling.CrawlSummary:
    return crawling.crawl(sources, out, warehouse, Options(ocr=ocr), store_url=store)


@task(name="rerun-failed", retries=1, retry_delay_seconds=10)
def rerun_task(sources: str, out: str, warehouse: str | None, ocr: str, store: str | None) -> crawling.CrawlSummary:
    return crawling.rerun_failed(sources, out, warehouse, Options(ocr=ocr), store_url=store)


@flow(name="juesuan-crawl", log_prints=True)
def crawl_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
               store: str | None = None) -> crawling.CrawlSummary:
    summary = crawl_task(sources, out, warehouse, ocr, store)
    _artifact(out, warehouse, summary)
    print(summary.line())
    return summary


@flow(name="juesuan-rerun-failed", log_prints=True)
def rerun_failed_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
                      store: str | None = None) -> crawling.CrawlSummary:
    summary = rerun_task(sources, out, warehouse, ocr, store)
    _artifact(out, warehouse, summary)
    print(summary.line())
    return summary


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
