"""`juesuan` command line (SPEC: Commands)."""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, get_args

from pipeline import exit_codes, leave_out_pymupdf_extras

leave_out_pymupdf_extras()

from pipeline.export import FORMATS, ExportFormat  # noqa: E402
from pipeline.process import Extractor, OcrMode, Options  # noqa: E402

if TYPE_CHECKING:
    from pipeline.process import DocumentResult
    from pipeline.run import OnDocument

    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]  # what add_subparsers returns


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="Budget and final-account disclosures → verified records.")
    parser.add_argument("--version", action="version", version=f"juesuan {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="process PDFs and text dumps (files or folders, recursively)")
    noise = run.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="no progress lines, only the summary")
    noise.add_argument("-v", "--verbose", action="store_true", help="the log's lines on the terminal too")
    run.add_argument("inputs", nargs="+", metavar="INPUT")
    run.add_argument("--out", default="out", help="output folder (default ./out)")
    run.add_argument("--warehouse", default=None, help="warehouse URL (default duckdb:///<out>/warehouse.duckdb)")
    run.add_argument("--ocr", choices=get_args(OcrMode), default="auto")
    add_processing_arguments(run)
    run.add_argument("--extractor", choices=get_args(Extractor), default="native",
                     help="native (rulings + characters) or camelot lattice, the reference backend")
    run.add_argument("--password", default=None, help="password for encrypted PDFs")
    add_limit_arguments(run)
    add_export_command(sub)
    for name, help_text in (("crawl", "crawl the sources file's portals and process new documents (Prefect flow)"),
                            ("rerun-failed", "fetch and process again the documents that failed (Prefect flow)"),
                            ("serve", "serve the scheduled crawl deployment (cron from the sources file)")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("--sources", required=True, help="sources YAML (SPEC: Commands)")
        cmd.add_argument("--out", default="out")
        cmd.add_argument("--warehouse", default=None)
        cmd.add_argument("--store", default=None, help="also keep raw documents at this fsspec URL (s3://…)")
        # serve too: its options become the deployment's parameters, which every scheduled run takes
        cmd.add_argument("--ocr", choices=get_args(OcrMode), default="auto")
        add_limit_arguments(cmd)
        if name != "serve":
            add_processing_arguments(cmd)
    return parser


def add_processing_arguments(cmd: argparse.ArgumentParser) -> None:
    """Where documents are processed: local worker processes, or a running Dask cluster."""
    cmd.add_argument("--workers", type=int, default=1,
                     help="worker processes (default 1); 0 processes in this process, without isolation")
    cmd.add_argument("--dask", default=None, metavar="ADDRESS",
                     help="process the documents on a running Dask cluster (its scheduler, tcp://host:8786) "
                          "instead of local worker processes; results are stored here as they come back")


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("juesuan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Arguments; a flag the subcommand does not know is reported with that subcommand's own
    usage (argparse would print the top-level one)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        subparsers.choices[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def progress_printer(stream: TextIO | None = None) -> OnDocument:
    """`on_document` for `run_inputs`: one line per document (`[3/14] done  file.pdf  12 pages
    12 tables  300 facts | 41 pages  21 s elapsed, ETA 80 s`), rewritten in place on a terminal."""
    import time

    out = stream or sys.stderr
    started = time.monotonic()
    live = out.isatty()
    pages_done = 0

    def on_document(done: int, total: int | None, result: DocumentResult) -> None:
        nonlocal pages_done
        elapsed = time.monotonic() - started
        eta = f", ETA {elapsed / done * (total - done):.0f} s" if total and done < total else ""
        doc = result.document
        pages_done += doc.get("pages") or 0
        line = (f"[{done}/{total or '?'}] {doc['status']}  {doc['filename']}  {doc.get('pages') or 0} pages  "
                f"{len(result.records['tables'])} tables  {len(result.records['fiscal_facts'])} facts | "
                f"{pages_done} pages  {elapsed:.0f} s elapsed{eta}")
        if live:
            out.write("\r\x1b[K" + line + ("\n" if done == total else ""))
        else:
            out.write(line + "\n")
        out.flush()

    return on_document


def add_export_command(sub: Subcommands) -> None:
    export = sub.add_parser("export", help="write the warehouse's record tables (or its views) as Parquet, CSV or Excel")
    export.add_argument("--format", choices=FORMATS, default="parquet")
    export.add_argument("--out", required=True, help="folder for the files (<table>.<format> and manifest.json)")
    export.add_argument("--warehouse", default=None, help="warehouse URL (default duckdb:///out/warehouse.duckdb)")
    export.add_argument("--views", action="store_true", help="the analyst views instead of the record tables")


def export_command(args: argparse.Namespace) -> int:
    from pipeline.export import ExportError, export_warehouse
    from pipeline.store import default_warehouse_url

    url: str = args.warehouse or default_warehouse_url()
    fmt: ExportFormat = args.format  # one of FORMATS: argparse's choices
    try:
        result = export_warehouse(url, args.out, fmt, views=args.views)
    except (ExportError, OSError) as exc:
        print(f"juesuan: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a database refusing (locked, unreachable): one line, no traceback
        print(f"juesuan: export from {url} failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        return 2
    print(result.line())
    return 0


def add_limit_arguments(cmd: argparse.ArgumentParser) -> None:
    """What one document may cost (pipeline.workers enforces the time and memory limits)."""
    defaults = Options()
    cmd.add_argument("--ocr-engine", default=None, help="rapidocr (default), paddleocr, or module:factory")
    cmd.add_argument("--ocr-model-dir", default=None, metavar="DIR",
                     help="the OCR engine's models from this folder, offline: for paddleocr a folder holding a det "
                          "and a rec model folder (each with its inference.yml) or bare ONNX files; for rapidocr "
                          "ONNX files named like its wheel's (default: the models inside the rapidocr wheel)")
    cmd.add_argument("--page-timeout", type=float, default=defaults.page_timeout,
                     help=f"seconds a page (or a later stage) may take before it is abandoned (default {defaults.page_timeout:g})")
    cmd.add_argument("--max-pages", type=int, default=defaults.max_pages,
                     help=f"pages read of one document (default {defaults.max_pages})")
    cmd.add_argument("--max-pixels", type=int, default=defaults.max_pixels,
                     help=f"largest image decoded or page rendered, in pixels (default {defaults.max_pixels:,})")
    cmd.add_argument("--max-memory", type=int, default=defaults.max_memory_mb, metavar="MB",
                     help=f"a worker process's memory cap (default {defaults.max_memory_mb} MB)")


def check_limits(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.max_pages < 1 or args.page_timeout <= 0 or args.max_pixels < 1 or args.max_memory < 1:
        parser.error("--max-pages, --page-timeout, --max-pixels and --max-memory must be positive")
    if getattr(args, "ocr_model_dir", None) and not Path(args.ocr_model_dir).is_dir():
        parser.error(f"--ocr-model-dir {args.ocr_model_dir}: no such folder")


def limits_of(options: Options) -> dict[str, Any]:
    """The options beyond --ocr that a crawl flow takes as its `limits` parameter."""
    return {k: v for k, v in asdict(options).items() if k not in ("ocr", "extractor", "password")}


def ocr_engine_of(args: argparse.Namespace) -> str | None:
    """--ocr-engine with --ocr-model-dir as one string (`paddleocr@/models`), which the options
    carry to worker processes and flows."""
    model_dir = getattr(args, "ocr_model_dir", None)
    if not model_dir:
        return args.ocr_engine
    from pipeline.ocr.engines import engine_spec

    return engine_spec(args.ocr_engine, str(Path(model_dir).resolve()))


def options_from(args: argparse.Namespace) -> Options:
    ocr: OcrMode = args.ocr  # argparse's choices: the Literal's values
    extractor: Extractor = getattr(args, "extractor", "native")
    return Options(ocr=ocr, extractor=extractor, password=getattr(args, "password", None),
                   ocr_engine=ocr_engine_of(args), max_pages=args.max_pages, max_pixels=args.max_pixels,
                   page_timeout=args.page_timeout, max_memory_mb=args.max_memory)


def run_flow_command(args: argparse.Namespace) -> int:
    """crawl / rerun-failed / serve: the Prefect flows in `flows/crawl.py`. Exit 0, 1 when any
    document or index page failed (each named, one line), 2 for a usage error, 3 when no Prefect
    API could be started (flows.ephemeral), 4/5/6/130 as for run."""
    from flows import ephemeral

    ephemeral.configure()  # before prefect is imported: it reads its settings then
    from flows import crawl as flows
    from pipeline.cluster import ClusterUnavailable
    from pipeline.fetch import load_config
    from pipeline.outputs import OutputError
    from pipeline.run import RunInterrupted

    try:
        load_config(args.sources)  # a bad sources file is a usage error, told before a server starts
        if args.command == "serve":  # a server of its own or nothing: no ephemeral API
            return serve_command(args)
        ephemeral.ensure_api()
        flow = flows.crawl_flow if args.command == "crawl" else flows.rerun_failed_flow
        state = flow(sources=args.sources, out=args.out, warehouse=args.warehouse, ocr=args.ocr, store=args.store,
                     limits=limits_of(options_from(args)), workers=max(1, args.workers), dask=args.dask,
                     return_state=True)  # JSON-able: a flow parameter
        summary = flows.summary_of(state)  # the flow's own exception, if it raised one, is raised here
    except ephemeral.PrefectUnavailable as exc:
        print(f"juesuan: {exc}", file=sys.stderr)
        return ephemeral.EXIT_NO_API
    except ClusterUnavailable as exc:
        return tell(str(exc), exit_codes.CLUSTER)
    except RunInterrupted as exc:  # the documents processed before it are written, as for run
        print(exc.summary.line())
        return tell(str(exc), exit_codes.INTERRUPTED)
    except OutputError as exc:  # the crawl's outputs (files, warehouse): as for run
        return tell(str(exc), exc.code)
    except (OSError, ValueError) as exc:
        print(f"juesuan: {exc}", file=sys.stderr)
        return 2
    print(summary.line())
    for failure in summary.failures:
        print(failure.line())
    return 0 if summary.ok else 1


def serve_command(args: argparse.Namespace) -> int:
    """`juesuan serve`: the deployment on PREFECT_API_URL's server, until stopped. Never on an
    ephemeral API: it dies with this process, and nothing would run the schedule after it."""
    import httpx
    from prefect.settings import get_current_settings

    from flows import crawl as flows
    from flows import ephemeral

    api = get_current_settings().api.url  # the variable, or the active Prefect profile's value
    start = "start one with `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api"
    if not api:
        return tell(f"serve needs a running Prefect server: {start}", ephemeral.EXIT_NO_API)
    try:  # asked here: Prefect's own refusal would be a traceback (any reply will do: Cloud wants a key)
        httpx.get(f"{api.rstrip('/')}/health", timeout=10)
    except httpx.TransportError as exc:
        return tell(f"no Prefect server answers at PREFECT_API_URL={api} ({type(exc).__name__}); {start}",
                    ephemeral.EXIT_NO_API)
    print(f"juesuan: serving the juesuan-crawl deployment on the Prefect server at {api} (Ctrl-C stops)",
          file=sys.stderr)
    flows.serve_crawl(args.sources, args.out, args.warehouse, args.store, args.ocr, limits_of(options_from(args)))
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return command(argv)
    except KeyboardInterrupt:  # outside a run's own handling (start-up, a crawl's flow): one line
        return tell("interrupted", exit_codes.INTERRUPTED)


def command(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parse(parser, argv)  # exits 2 on a usage error
    if args.command == "export":
        return export_command(args)
    check_limits(parser, args)
    if args.command == "run" and args.workers < 0:
        parser.error("--workers must be 0 or more")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # the full story goes to a log file; the terminal gets one line per problem at most
        logging.basicConfig(filename=out / "juesuan.log", level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except OSError as exc:
        return tell(f"cannot write to --out {out}: {exc.strerror or exc}", EXIT_OUTPUT)
    # a log line that cannot be written (a full disk) is lost, not a traceback on the terminal
    logging.raiseExceptions = False
    if args.command == "run":
        return run_command(args, out)
    return run_flow_command(args)


EXIT_OUTPUT = exit_codes.OUTPUT
EXIT_BUSY = exit_codes.BUSY


def tell(message: str, code: int) -> int:
    """A problem that ends the command: one line on stderr, no traceback, and its exit code."""
    print(f"juesuan: {message}", file=sys.stderr)
    return code


def run_command(args: argparse.Namespace, out: Path) -> int:
    """`juesuan run`: 0, 1 when a document failed, 2 usage, 4 an output not written, 5 warehouse busy."""
    from pipeline.cluster import ClusterUnavailable
    from pipeline.outputs import OutputError
    from pipeline.run import RunInterrupted, UsageError, run_inputs
    from pipeline.store import WarehouseBusy

    try:
        if args.verbose:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
            logging.getLogger().addHandler(handler)
        summary = run_inputs(args.inputs, out, args.warehouse, options_from(args), args.workers,
                             on_document=None if args.quiet else progress_printer(), dask=args.dask)
    except RunInterrupted as exc:
        print(exc.summary.line())
        return tell(str(exc), exit_codes.INTERRUPTED)
    except ClusterUnavailable as exc:
        return tell(str(exc), exit_codes.CLUSTER)
    except KeyboardInterrupt:  # before the run had started: nothing was written
        return tell("interrupted before any document was done; nothing was written", exit_codes.INTERRUPTED)
    except UsageError as exc:
        return tell(str(exc), 2)
    except OutputError as exc:
        return tell(str(exc), exc.code)
    except WarehouseBusy as exc:
        return tell(str(exc), EXIT_BUSY)
    except OSError as exc:  # anything else the disk refused, outside the outputs' own care
        logging.getLogger("juesuan").exception("run failed")
        return tell(f"I/O error: {exc}", EXIT_OUTPUT)
    print(summary.line())
    from pipeline.store import default_warehouse_url

    print(f"records in {out}/*.jsonl, warehouse {args.warehouse or default_warehouse_url(out)}, report {out}/report.html")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
