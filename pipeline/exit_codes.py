"""The exit codes of the `juesuan` command, in one place (README: Exit status)."""
OK = 0
DOCUMENT_FAILED = 1  # a document (or a crawled URL / page) failed; the others were written
USAGE = 2  # a usage error: bad flag, missing input, bad sources file, unknown warehouse URL
NO_API = 3  # crawl / rerun-failed / serve: no Prefect API could be reached or started
OUTPUT = 4  # an output (the files or the warehouse) could not be written: disk full, I/O errors
BUSY = 5  # the DuckDB warehouse was held by another process past JUESUAN_WAREHOUSE_LOCK_TIMEOUT
CLUSTER = 6  # the Dask scheduler of --dask could not be reached
INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); the finished documents are written
