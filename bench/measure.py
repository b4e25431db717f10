"""Shared by the benchmarks: time a `juesuan` command and sample the memory of its process tree."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
SAMPLE_EVERY = 0.05  # s


def machine() -> str:
    return (f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")


def pdfs_in(args: list[str]) -> list[Path]:
    """The PDFs named on the command line: files as given, folders searched."""
    files: list[Path] = []
    for a in args:
        p = Path(a)
        files += sorted(p.rglob("*.pdf")) if p.is_dir() else [p]
    return files


def run_cli(args: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> tuple[float, float, str]:
    """(seconds, peak resident MB of juesuan and its workers together, summary line) of
    `python -m pipeline.cli ARGS` run in the source tree `cwd`; `env`: variables set for this run."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(proc.pid)
    peak = 0.0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY)
    seconds = time.perf_counter() - started
    output = proc.stdout.read() if proc.stdout else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"juesuan {' '.join(args[:3])} … exited {proc.returncode}:\n{output}")
    summary = next((line for line in output.splitlines() if line.startswith("documents:")), output.strip())
    return seconds, peak, summary
