"""Prefect flows for the scheduled crawl: crawl, rerun the failed, serve the schedule.

They orchestrate `pipeline.crawl`; the Prefect UI gets two table artifacts per run: its counts
and quality log (`juesuan-crawl`), and the URLs that failed with error and attempts
(`juesuan-crawl-failures`). A crawl in which any document or index page failed ends FAILED, its
message counting the failures (the state's data: `CrawlFailed`, which holds the summary). Runs
use the ephemeral API unless PREFECT_API_URL names a server (the CLI starts it: flows.ephemeral)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from prefect import flow, get_run_logger, serve, task
from prefect.artifacts import create_table_artifact
from prefect.states import Failed, State

from pipeline import crawl as crawling
from pipeline.fetch import CrawlBudget, load_config
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


class CrawlFailed(Exception):
    """The result of a crawl in which something failed: calling the flow raises it, and a
    `return_state=True` caller finds it (with the summary) as the FAILED state's data."""

    def __init__(self, summary: crawling.CrawlSummary):
        super().__init__(summary.message())
        self.summary = summary

    def __reduce__(self):  # pickled whole, should Prefect persist the result
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


def _budget(budget: tuple[float, float] | None) -> dict:
    """The crawl budget as the fetcher option: a (seconds, ends_at) pair crosses into tasks as
    plain numbers, `ends_at` a wall-clock instant that means the same in any process."""
    return {"crawl_budget": CrawlBudget(*budget)} if budget else {}


@task(name="discover", retries=2, retry_delay_seconds=10)
def discover_task(sources: str, source_name: str,
                  budget: tuple[float, float] | None = None) -> tuple[list[str], list[crawling.Failure]]:
    return crawling.discover_source(sources, source_name, **_budget(budget))


# One task per document. Fetch retries live in the fetcher; the task retries what is left (a
# crash). `tags` lets an operator cap parallel processing: `prefect concurrency-limit create
# juesuan-process 2`. The document itself is processed in a watched worker process
# (pipeline.workers): Prefect's timeout cannot stop native code, the page time limit can.
@task(name="crawl-url", retries=1, retry_delay_seconds=30, timeout_seconds=1800, tags=["juesuan-process"])
def crawl_url_task(sources: str, source_name: str, url: str, out: str, warehouse: str | None, ocr: str,
                   store: str | None, limits: dict | None = None,
                   budget: tuple[float, float] | None = None) -> crawling.Outcome:
    return crawling.crawl_one(sources, source_name, url, out, warehouse, Options(ocr=ocr, **(limits or {})), store,
                              **_budget(budget))


def _crawl(pairs: list[tuple[str, str]], sources: str, out: str, warehouse: str | None, ocr: str,
           store: str | None, limits: dict | None,
           page_failures: list[crawling.Failure] | None = None,
           budget: tuple[float, float] | None = None) -> crawling.CrawlSummary | State:
    summary = crawling.CrawlSummary(discovered=len(pairs), failures=list(page_failures or []))
    for source_name, url in pairs:  # one after another: the embedded warehouse has one writer
        summary.tally(crawl_url_task(sources, source_name, url, out, warehouse, ocr, store, limits, budget))
    w = open_warehouse(warehouse or crawling.default_warehouse(Path(out)))
    try:
        crawling.write_outputs(w, Path(out))
    finally:
        w.close()
    _artifact(out, warehouse, summary)
    _failures_artifact(summary)
    logger = get_run_logger()
    for failure in summary.failures:
        logger.warning(failure.line())
    print(summary.line())
    return _ending(summary)


@flow(name="juesuan-crawl", log_prints=True)
def crawl_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
               store: str | None = None, limits: dict | None = None) -> crawling.CrawlSummary | State:
    """`limits`: Options fields beyond `ocr` (page_timeout, max_pages, max_pixels, max_memory_mb, ocr_engine)."""
    Path(out).mkdir(parents=True, exist_ok=True)
    pairs: list[tuple[str, str]] = []
    page_failures: list[crawling.Failure] = []
    config = load_config(sources)
    budget = None
    if config.crawl_budget_seconds is not None:  # one budget for the whole crawl, from now
        started = CrawlBudget.start(config.crawl_budget_seconds)
        budget = (started.seconds, started.ends_at)
    for src in config.sources:
        urls, failures = discover_task(sources, src.name, budget)
        pairs += [(src.name, url) for url in urls]
        page_failures += failures
    return _crawl(pairs, sources, out, warehouse, ocr, store, limits, page_failures, budget)


@flow(name="juesuan-rerun-failed", log_prints=True)
def rerun_failed_flow(sources: str, out: str = "out", warehouse: str | None = None, ocr: str = "auto",
                      store: str | None = None, limits: dict | None = None) -> crawling.CrawlSummary | State:
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


def summary_of(state: State) -> crawling.CrawlSummary:
    """A crawl flow's summary from its final state, FAILED or not; an exception the flow raised
    (not a crawl with failures) is raised again."""
    result = state.result(raise_on_failure=False)
    if isinstance(result, CrawlFailed):
        return result.summary
    if isinstance(result, BaseException):
        raise result
    return result
