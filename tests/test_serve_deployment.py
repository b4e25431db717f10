"""`juesuan serve` against a real `prefect server start` on loopback: the deployment read back from
the server carries the sources file's cron in its time zone (default Asia/Shanghai) and the run's
options; serve refuses to run without a server (exit 3) and a bad time zone is a usage error
(exit 2), each in one line; and a crawl against that server leaves no HTTP client chatter in
juesuan.log. Real processes, real HTTP: nothing of Prefect is mocked."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.fetch.sources import DEFAULT_TIMEZONE, parse_config

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_DEADLINE_S = 180  # 20-60 s on an idle 2-core machine, more while other tests run
SOURCES = """sources:
  - name: nightly
    start_urls: ["https://example.gov.cn/jsgk/index.html"]
    allow_hosts: ["example.gov.cn"]
schedule: "0 3 * * *"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment without any PREFECT_* of the caller's (an API URL, a profile), a home of
    the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def juesuan(argv: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *argv], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def stop(proc: subprocess.Popen | None) -> None:
    """The process and its children (a server's uvicorn, serve's flow runs): SIGTERM, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with _gone():
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


class _gone:
    """Ignore ProcessLookupError: the group may have ended on its own."""

    def __enter__(self):
        return self

    def __exit__(self, kind, *_):
        return kind is ProcessLookupError


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[str]:
    """`prefect server start` on a free loopback port with a fresh PREFECT_HOME; its API URL."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port), "--no-ui"], env=clean_env(home / "home"),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.monotonic()
        while not healthy(api):
            if server.poll() is not None or time.monotonic() - started > SERVER_START_DEADLINE_S:
                pytest.fail(f"prefect server did not answer in {SERVER_START_DEADLINE_S} s: "
                            f"{(home / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        print(f"prefect server start answered in {time.monotonic() - started:.1f} s")
        yield api
    finally:
        stop(server)
        log.close()


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def deployment(api: str, deadline_s: float, serving: subprocess.Popen, said: Path) -> dict:
    """The juesuan-crawl deployment, once serve has registered it (`said`: serve's output)."""
    ends = time.monotonic() + deadline_s
    while time.monotonic() < ends:
        reply = httpx.get(f"{api}/deployments/name/juesuan-crawl/juesuan-crawl", timeout=10)
        if reply.status_code == 200:
            return reply.json()
        assert serving.poll() is None, f"serve exited {serving.returncode}: {said.read_text(errors='replace')[-2000:]}"
        time.sleep(0.5)
    pytest.fail(f"no juesuan-crawl deployment on the server after {deadline_s} s")


def test_serve_registers_cron_with_time_zone_and_the_runs_options(prefect_server, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    out = tmp_path / "out"
    env = clean_env(tmp_path / "home", PREFECT_API_URL=prefect_server)
    serve_log = (tmp_path / "serve.log").open("wb")
    serving = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--sources", str(sources),
                                "--out", str(out), "--ocr", "never", "--max-pages", "50"],
                               env=env, cwd=tmp_path, stdout=serve_log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        found = deployment(prefect_server, 120, serving, tmp_path / "serve.log")
    finally:
        stop(serving)
        serve_log.close()
    [schedule] = [s["schedule"] for s in found["schedules"]]
    assert (schedule["cron"], schedule["timezone"]) == ("0 3 * * *", "Asia/Shanghai")
    params = found["parameters"]
    assert params["ocr"] == "never" and params["limits"]["max_pages"] == 50
    assert params["sources"] == str(sources.resolve()) and params["out"] == str(out.resolve())
    said = (tmp_path / "serve.log").read_text(errors="replace")
    assert f"Prefect server at {prefect_server}" in said


def test_serve_without_a_prefect_server_is_one_line_and_exit_3(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    done = juesuan(["serve", "--sources", str(sources), "--out", str(tmp_path / "out")],
                   clean_env(tmp_path / "home"), timeout=120)
    assert done.returncode == 3, done.stderr[-2000:]
    [line] = done.stderr.strip().splitlines()
    assert "prefect server start" in line and "PREFECT_API_URL" in line


def test_a_bad_time_zone_is_a_usage_error_in_one_line(tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES + "timezone: Asia/Beijing\n", encoding="utf-8")  # not an IANA name
    done = juesuan(["serve", "--sources", str(sources), "--out", str(tmp_path / "out")],
                   clean_env(tmp_path / "home"), timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    [line] = done.stderr.strip().splitlines()
    assert "'timezone'" in line and "Asia/Beijing" in line and str(sources) in line


def test_the_time_zone_key_defaults_to_beijing_time():
    raw = {"sources": [{"name": "a", "start_urls": ["https://x.gov.cn/"], "allow_hosts": ["x.gov.cn"]}],
           "schedule": "0 3 * * *"}
    assert parse_config(raw).timezone == DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert parse_config({**raw, "timezone": "UTC"}).timezone == "UTC"
    for bad in ("Mars/Olympus", "", 8, "../etc/passwd"):
        with pytest.raises(ValueError, match="'timezone'"):
            parse_config({**raw, "timezone": bad})


def test_a_crawl_logs_no_http_client_chatter(prefect_server, portal_site, tmp_path):
    """Every call of Prefect's client to its API was an httpx INFO line in juesuan.log (29 of a
    45-line crawl): none at the default level now, juesuan's and Prefect's own lines kept."""
    _, sources = portal_site
    out = tmp_path / "out"
    done = juesuan(["crawl", "--sources", str(sources), "--out", str(out)],
                   clean_env(tmp_path / "home", PREFECT_API_URL=prefect_server))
    assert done.returncode == 0, done.stderr[-3000:]
    log = (out / "juesuan.log").read_text(encoding="utf-8").splitlines()
    assert any("Beginning flow run" in line for line in log), log  # the log is written, not empty
    chatter = [line for line in log + done.stderr.splitlines() if "HTTP Request:" in line]
    assert chatter == []
