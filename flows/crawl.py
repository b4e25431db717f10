"""Prefect flows for the scheduled crawl: crawl, rerun the failed, serve the schedule.

They orchestrate `pipeline.crawl`; the Prefect UI gets two table artifacts per run: its counts
and quality log (`juesuan-crawl`), and the URLs that failed with error and attempts
(`juesuan-crawl-failures`). A crawl in which any document or index page failed ends FAILED, its
message counting the failures (the state's data: `CrawlFailed`, which holds the summary). Runs
use the ephemeral API unless PREFECT_API_URL names a server (the CLI starts it: flows.ephemeral)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, get_run_logger, serve, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from pipeline import crawl as crawling
from pipeline.fetch import Fetcher, Source, load_config
from pipeline.process import OcrMode, Options
from pipeline.store import Warehouse, default_warehouse_url, open_warehouse

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment


def _artifact(out: str, warehouse: str | None, summary: crawling.CrawlSummary) -> None:
    w = open_warehouse(warehouse or default_warehouse_url(out))
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


class CrawlFailed(Exception):
    """The result of a crawl in which something failed: calling the flow raises it, and a
    `return_state=True` caller finds it (with the summary) as the FAILED state's data."""

    def __init__(self, summary: crawling.CrawlSummary):
        super().__init__(summary.message())
        self.summary = summary

    def __reduce__(self) -> tuple[type[CrawlFailed], tuple[crawling.CrawlSummary]]:  # pickled whole, should Prefect persist the result
        return (CrawlFailed, (self.summary,))


def _failures_artifact(summary: crawling.CrawlSummary) -> None:
    """Every run writes it, an empty table included: the latest one is this run's."""
    create_table_artifact(
        key="juesuan-crawl-failures",
        table=[{"url": f.url, "kind": f.kind, "error": f.error, "attempts": f.attempts} for f in summary.failures],
        description=f"juesuan crawl: what failed ({summary.message()})",
    )


def _ending(summary: crawling.CrawlSummary) -> crawling.CrawlSummary | State:
    """FAILED when anything failed, so the UI, `prefect flow-run ls` and the exit code agree."""
    if summary.ok:
        return summary
    return Failed(message=summary.message(), data=CrawlFailed(summary))


class PrefectSteps(crawling.CrawlSteps):
    """The crawl's steps as Prefect task runs named after what they work on: `discover <source>`
    and one `fetch` per URL, named by the URL. The documents themselves go to the crawl's pool of
    watched worker processes, kept for the whole crawl (`pipeline.crawl`)."""

    def discover(self, source: Source, fetcher: Fetcher, summary: crawling.CrawlSummary) -> list[str]:
        return discover_task.with_options(task_run_name=f"discover {source.name}")(source, fetcher, summary)

    def fetch(self, url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse,
              store_url: str | None) -> crawling.Outcome | crawling.Fetched:
        return fetch_task.with_options(task_run_name=url)(url, source, fetcher, warehouse, store_url)


# The tasks take the crawl's live objects (fetcher, registry): nothing to cache or persist.
@task(name="discover", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def discover_task(source: Source, fetcher: Fetcher, summary: crawling.CrawlSummary) -> list[str]:
    return crawling.discover_urls(source, fetcher, summary)


# Fetch retries live in the fetcher (per-URL budget); the task is the URL's record in the UI.
@task(name="fetch", cache_policy=NO_CACHE)
def fetch_task(url: str, source: Source, fetcher: Fetcher, warehouse: Warehouse,
               store_url: str | None) -> crawling.Outcome | crawling.Fetched:
    return crawling.fetch_url(url, source, fetcher, warehouse, store_url)


def _report(summary: crawling.CrawlSummary, out: str, warehouse: str | None) -> crawling.CrawlSummary | State:
    _artifact(out, warehouse, summary)
    _failures_artifact(summary)
    logger = get_run_logger()
    for failure in summary.failures:
        logger.warning(failure.line())
    print(summary.line())
    return _ending(summary)


def _options(ocr: OcrMode, limits: dict[str, Any] | None) -> Options:
    return Options(ocr=ocr, **(limits or {}))


@flow(name="juesuan-crawl", log_prints=True)
def crawl_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: OcrMode = "auto",
               store: str | None = None, limits: dict[str, Any] | None = None, workers: int = 1,
               dask: str | None = None) -> crawling.CrawlSummary | State:
    """`limits`: Options fields beyond `ocr` (page_timeout, max_pages, max_pixels, max_memory_mb,
    ocr_engine); `workers` / `dask`: where documents are processed, as for `juesuan run`."""
    summary = crawling.crawl(sources, out, warehouse, _options(ocr, limits), store_url=store, workers=workers,
                             dask=dask, steps=PrefectSteps())
    return _report(summary, out, warehouse)


@flow(name="juesuan-rerun-failed", log_prints=True)
def rerun_failed_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: OcrMode = "auto",
                      store: str | None = None, limits: dict[str, Any] | None = None, workers: int = 1,
                      dask: str | None = None) -> crawling.CrawlSummary | State:
    summary = crawling.rerun_failed(sources, out, warehouse, _options(ocr, limits), store_url=store, workers=workers,
                                    dask=dask, steps=PrefectSteps())
    return _report(summary, out, warehouse)


def crawl_deployment(sources: str, out: str = "out", warehouse: str | None = None, store: str | None = None,
                     ocr: OcrMode = "auto", limits: dict[str, Any] | None = None) -> RunnerDeployment:
    """The scheduled deployment: the sources file's cron in its time zone (`timezone`, default
    Asia/Shanghai: a bare cron would be read in UTC), and the run's options as its parameters.
    `sources` and `out` are made absolute: scheduled runs need not start in this folder."""
    from prefect.schedules import Cron

    config = load_config(sources)
    if not config.schedule:
        raise ValueError(f"{sources}: no `schedule` (a cron expression) to serve")
    deployment = crawl_flow.to_deployment(
        name="juesuan-crawl", schedules=[Cron(config.schedule, timezone=config.timezone)],
        parameters={"sources": str(Path(sources).resolve()), "out": str(Path(out).resolve()),
                    "warehouse": warehouse, "ocr": ocr, "store": store, "limits": limits or {}})
    # Prefect's async_dispatch types it "R | Coroutine[R]"; called outside an event loop it is R
    return cast("RunnerDeployment", deployment)


def serve_crawl(sources: str, out: str = "out", warehouse: str | None = None, store: str | None = None,
                ocr: OcrMode = "auto", limits: dict[str, Any] | None = None) -> None:
    """Register the deployment and run its scheduled flow runs until stopped (blocks)."""
    serve(crawl_deployment(sources, out, warehouse, store, ocr, limits))


def summary_of(state: State) -> crawling.CrawlSummary:
    """A crawl flow's summary from its final state, FAILED or not; an exception the flow raised
    (not a crawl with failures) is raised again."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, CrawlFailed):
        return result.summary
    if isinstance(result, BaseException):
        raise result
    return result
