"""Deadlines, budgets and host:port rules over real HTTP on loopback: a raw-socket server that drips
its response one byte at a time (httpx's timeouts restart with every byte, so only a wall-clock
deadline stops it), the fake portal (tests/portal.py) for the fast pages, and crawls through
pipeline.crawl's library entry point (no Prefect)."""
from __future__ import annotations

import socket
import threading
import time

import pytest
from portal import Portal, fake_disclosure_site

from pipeline.crawl import crawl
from pipeline.fetch import CrawlBudget, Fetcher, load_config, parse_config
from pipeline.fetch.sources import host_allowed
from pipeline.store import open_warehouse

DRIP_EVERY = 2.0  # seconds between bytes
MARGIN = 1.0  # seconds allowed past a limit: thread wake-up, connection teardown
PDF = b"%PDF-1.4\n" + b"x" * 64 + b"\n%%EOF\n"


class DripServer:
    """Raw HTTP/1.1 on loopback.  Paths: /drip-headers* (status line and headers one byte every
    DRIP_EVERY s), /drip-body* (headers at once, then the body one byte every DRIP_EVERY s), /fast*
    (a small PDF at once, connection kept alive so the next request reuses it).  Every drip loop
    ends when the client hangs up or the server stops."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop_event = threading.Event()
        self.requests: list[str] = []
        self.connections = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(p.startswith(prefix) for p in self.requests)

    def close(self) -> None:
        self.stop_event.set()
        self.sock.close()

    def _accept(self) -> None:
        while not self.stop_event.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        buf = b""
        try:
            while not self.stop_event.is_set():
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(4096)
                    if not data:
                        return
                    buf += data
                head, buf = buf.split(b"\r\n\r\n", 1)
                path = head.split(b" ")[1].decode()
                with self.lock:
                    self.requests.append(path)
                if not self._respond(conn, path):
                    return
        except OSError:  # the client shut the connection down: what a deadline does
            return
        finally:
            conn.close()

    def _respond(self, conn: socket.socket, path: str) -> bool:
        """Serve one request; True when the connection stays open for another."""
        headers = f"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: {len(PDF)}\r\n\r\n".encode()
        if path.startswith("/fast"):
            conn.sendall(headers + PDF)
            return True
        if path.startswith("/drip-headers"):
            self._drip(conn, headers + PDF)
        elif path.startswith("/drip-body"):
            conn.sendall(headers)
            self._drip(conn, PDF)
        return False

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            conn.sendall(data[i:i + 1])
            if self.stop_event.wait(DRIP_EVERY):
                return


@pytest.fixture
def drip():
    server = DripServer()
    yield server
    server.close()


@pytest.fixture
def portal():
    with Portal() as p:
        fake_disclosure_site(p)
        yield p


def fetcher(tmp_path, **kw) -> Fetcher:
    opts = dict(allow_private=True, store_root=tmp_path / "raw", rate_per_second=1000, timeout=30.0,
                backoff_base=0.01, backoff_max=0.05)
    opts.update(kw)
    return Fetcher(("127.0.0.1",), **opts)


def timed(fn, *args):
    t = time.monotonic()
    out = fn(*args)
    return out, time.monotonic() - t


def registry(out):
    w = open_warehouse(f"duckdb:///{out / 'warehouse.duckdb'}")
    try:
        return {e["url"]: e for e in w.rows("registry")}
    finally:
        w.close()


def sources_file(tmp_path, start: str, allow_hosts: str = '"127.0.0.1"', extra: str = "", top: str = ""):
    path = tmp_path / "sources.yaml"
    path.write_text(f"""sources:
  - name: slow-portal
    start_urls: ["{start}"]
    allow_hosts: [{allow_hosts}]
    allow_private: true
    link_pattern: "\\\\.pdf$"
    rate_per_second: 1000
{extra}{top}""", encoding="utf-8")
    return path


# -- one request: headers and body dripped -------------------------------------------------------

@pytest.mark.parametrize("path, phase", [("/drip-headers.pdf", "response headers"), ("/drip-body.pdf", "body")])
def test_dripped_response_fails_within_its_deadline(drip, tmp_path, path, phase):
    with fetcher(tmp_path, deadline=3.0, url_budget=3.0, retries=3) as f:
        result, elapsed = timed(f.fetch, drip.url(path))
    assert result.status == "failed" and elapsed < 3.0 + MARGIN, (elapsed, result.error)
    assert "deadline 3 s exceeded" in result.error and phase in result.error
    assert "slow host: " in result.error and "B/s" in result.error
    assert result.slow_host == "127.0.0.1" and drip.count(path) == 1  # the URL's budget held one attempt


def test_dripped_index_page_fails_within_its_deadline(drip, tmp_path):
    from pipeline.fetch import FetchError
    with fetcher(tmp_path, deadline=2.5, url_budget=2.5) as f:
        t = time.monotonic()
        with pytest.raises(FetchError, match="deadline 2.5 s exceeded") as e:
            f.get_page(drip.url("/drip-headers/index.html"))
    assert time.monotonic() - t < 2.5 + MARGIN and e.value.slow_host == "127.0.0.1"


def test_url_budget_bounds_all_attempts(drip, tmp_path):
    with fetcher(tmp_path, deadline=1.5, url_budget=4.0, retries=10) as f:
        result, elapsed = timed(f.fetch, drip.url("/drip-body.pdf"))
    assert result.status == "failed" and elapsed < 4.0 + MARGIN, (elapsed, result.error)
    assert "url budget 4 s" in result.error and 2 <= drip.count("/drip-body") <= 3


def test_deadline_holds_on_a_reused_keep_alive_connection(drip, tmp_path):
    # the socket is attached to the watchdog at each read, not only at connect: a pooled
    # connection that turns slow on its second request is cut off too
    with fetcher(tmp_path, deadline=2.0, url_budget=2.0) as f:
        assert f.fetch(drip.url("/fast.pdf")).status == "fetched"
        result, elapsed = timed(f.fetch, drip.url("/drip-headers-again.pdf"))
    assert drip.connections == 1  # the second request did reuse the first one's connection
    assert result.status == "failed" and elapsed < 2.0 + MARGIN and "deadline 2 s exceeded" in result.error


# -- crawls --------------------------------------------------------------------------------------

def test_crawl_goes_on_past_a_slow_url(portal, drip, tmp_path):
    links = "".join(f'<a href="{drip.url(p)}">slow</a>' for p in ("/drip-headers.pdf", "/drip-body.pdf"))
    portal.add_html("/slow/index.html", f'<html><body>{links}<a href="/files/dept_c_2023.pdf">ok</a></body></html>')
    sources = sources_file(tmp_path, portal.url("/slow/index.html"),
                           extra="    deadline_seconds: 2\n    url_budget_seconds: 2\n")
    out = tmp_path / "out"
    summary, elapsed = timed(crawl, sources, out)
    assert (summary.failed, summary.processed) == (2, 1)
    rows = registry(out)
    for path in ("/drip-headers.pdf", "/drip-body.pdf"):
        error = rows[drip.url(path)]["last_error"]
        assert rows[drip.url(path)]["status"] == "failed" and "deadline 2 s exceeded" in error and "slow host" in error
    assert rows[portal.url("/files/dept_c_2023.pdf")]["status"] == "processed"
    assert summary.slow_hosts == ["127.0.0.1"] and "slow hosts: 127.0.0.1" in summary.line()
    assert all(f.slow_host == "127.0.0.1" for f in summary.failures)
    assert elapsed < 60, elapsed  # two slow URLs cost their deadlines, not minutes


def test_crawl_budget_bounds_the_whole_crawl(portal, drip, tmp_path):
    slow = [drip.url(f"/drip-body-{i}.pdf") for i in range(6)]
    portal.add_html("/many/index.html", "<html><body>" + "".join(f'<a href="{u}">x</a>' for u in slow) + "</body></html>")
    sources = sources_file(tmp_path, portal.url("/many/index.html"),
                           extra="    deadline_seconds: 2\n    url_budget_seconds: 2\n", top="crawl_budget_seconds: 5\n")
    assert load_config(sources).crawl_budget_seconds == 5.0
    out = tmp_path / "out"
    summary, elapsed = timed(crawl, sources, out)
    assert elapsed < 5 + 2 * MARGIN + 2, elapsed  # the budget, plus writing the (empty) outputs
    assert summary.failed == 6 and summary.processed == 0
    rows = registry(out)
    assert all(rows[u]["status"] == "failed" for u in slow)
    refused = [u for u in slow if "crawl budget 5 s" in rows[u]["last_error"]]
    assert len(refused) >= 3 and drip.count("/drip-body") <= 3
    assert any("not fetched" in rows[u]["last_error"] for u in refused)


def test_crawl_budget_spent_refuses_start_pages(portal, tmp_path):
    spent = CrawlBudget(seconds=1, ends_at=time.time() - 1)
    with fetcher(tmp_path, crawl_budget=spent) as f:
        result = f.fetch(portal.url("/files/dept_c_2023.pdf"))
    assert result.status == "failed" and "crawl budget 1 s spent: not fetched" in result.error
    assert portal.count("/files/dept_c_2023.pdf") == 0


# -- config ---------------------------------------------------------------------------------------

def test_deadline_config_defaults_and_validation():
    base = {"sources": [{"name": "s", "start_urls": ["https://a.gov.cn/i.html"], "allow_hosts": ["a.gov.cn"]}]}
    config = parse_config(base)
    assert config.crawl_budget_seconds is None and config.sources[0].deadline_seconds is None
    with Fetcher.for_source(config.sources[0]) as f:
        assert (f.deadline, f.url_budget, f.crawl_budget) == (120.0, 300.0, None)
    custom = {**base, "crawl_budget_seconds": 3600,
              "sources": [{**base["sources"][0], "deadline_seconds": 60, "url_budget_seconds": 90}]}
    config = parse_config(custom)
    with Fetcher.for_source(config.sources[0]) as f:
        assert (f.deadline, f.url_budget) == (60.0, 90.0)
    assert config.crawl_budget_seconds == 3600.0
    for bad in ({**base, "crawl_budget_seconds": 0},
                {"sources": [{**base["sources"][0], "deadline_seconds": "soon"}]},
                {"sources": [{**base["sources"][0], "url_budget_seconds": -1}]}):
        with pytest.raises(ValueError, match="seconds"):
            parse_config(bad)


# -- host rules with ports ------------------------------------------------------------------------

def test_allow_hosts_entries_with_ports():
    assert host_allowed("a.gov.cn", ["a.gov.cn:8080"], 8080)
    assert not host_allowed("a.gov.cn", ["a.gov.cn:8080"], 8081)
    assert not host_allowed("a.gov.cn", ["a.gov.cn:8080"], None)
    assert host_allowed("a.gov.cn", ["a.gov.cn"], 9999)  # a bare entry: any port
    assert host_allowed("x.a.gov.cn", ["*.a.gov.cn:443"], 443) and not host_allowed("x.a.gov.cn", ["*.a.gov.cn:443"], 80)
    assert host_allowed("::1", ["[::1]:8080"], 8080) and host_allowed("::1", ["::1"], 1)
    base = {"name": "s", "start_urls": ["https://a.gov.cn:8443/i.html"]}
    assert parse_config({"sources": [{**base, "allow_hosts": ["a.gov.cn:8443"]}]}).sources[0].allow_hosts == ("a.gov.cn:8443",)
    with pytest.raises(ValueError, match="not in allow_hosts"):
        parse_config({"sources": [{**base, "allow_hosts": ["a.gov.cn:443"]}]})
    for bad in ("a.gov.cn:0", "a.gov.cn:http", "a.gov.cn:70000", "http://a.gov.cn"):
        with pytest.raises(ValueError, match="allow_hosts"):
            parse_config({"sources": [{**base, "allow_hosts": [bad]}]})


def test_redirect_to_another_port_refused_when_the_entry_names_a_port(portal, tmp_path):
    with Portal() as other:
        other.add_pdf("/elsewhere.pdf", PDF)
        portal.fault("/go.pdf", "redirect", location=other.url("/elsewhere.pdf"))
        pinned = Fetcher((f"127.0.0.1:{portal.port}",), allow_private=True, store_root=tmp_path / "raw",
                         rate_per_second=1000)
        with pinned:
            result = pinned.fetch(portal.url("/go.pdf"))
        assert result.status == "failed" and f"port {other.port}" in result.error and "not allowed" in result.error
        assert other.count("/elsewhere.pdf") == 0
        both = Fetcher((f"127.0.0.1:{portal.port}", f"127.0.0.1:{other.port}"), allow_private=True,
                       store_root=tmp_path / "raw", rate_per_second=1000)
        with both:
            result = both.fetch(portal.url("/go.pdf"))
        assert result.status == "fetched" and result.final_url == other.url("/elsewhere.pdf")
        bare = Fetcher(("127.0.0.1",), allow_private=True, store_root=tmp_path / "raw", rate_per_second=1000)
        with bare:  # a bare entry keeps allowing any port
            assert bare.fetch(portal.url("/go.pdf")).status == "fetched"


def test_discovery_skips_links_to_other_ports_of_a_pinned_host(portal, tmp_path):
    portal.add_html("/ports/index.html", f'<html><a href="{portal.url("/files/dept_c_2023.pdf")}">same</a>'
                                          f'<a href="http://127.0.0.1:1/x.pdf">other port</a></html>')
    sources = sources_file(tmp_path, portal.url("/ports/index.html"), allow_hosts=f'"127.0.0.1:{portal.port}"')
    from pipeline.crawl import CrawlSummary, discover_urls
    from pipeline.fetch import Fetcher, load_config

    (source,) = load_config(sources).sources
    summary = CrawlSummary()
    with Fetcher.for_source(source) as fetcher:
        urls = discover_urls(source, fetcher, summary)
    assert urls == [portal.url("/files/dept_c_2023.pdf")] and summary.failures == []
