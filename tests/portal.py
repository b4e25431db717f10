"""A fake disclosure portal on loopback for fetch tests: real HTTP, injectable faults per path.

    with Portal() as portal:
        portal.add_pdf("/docs/a.pdf", data)
        portal.fault("/docs/a.pdf", "status", code=500, times=2)
        portal.url("/docs/a.pdf"); portal.count("/docs/a.pdf")

Every handler is bounded (the longest is a `sleep` fault, a second or so); the server thread is
a daemon and `stop()` shuts it down."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "native"
ERROR_PAGE = "<!DOCTYPE html><html><head><title>系统繁忙 Service busy</title></head><body>请稍后再试</body></html>"


@dataclass
class Route:
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: float | None = None  # unix time
    content_length: bool = True


@dataclass
class Fault:
    kind: str  # status | sleep | reset | truncate | html200 | redirect
    times: int | None  # None: always
    args: dict = field(default_factory=dict)


@dataclass
class Hit:
    t: float  # time.monotonic()
    path: str
    headers: dict


class Portal:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # -- content ------------------------------------------------------------------------------
    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes | str, content_type: str, **kw) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.routes[path] = Route(body, content_type, **kw)

    def add_html(self, path: str, html: str) -> None:
        self.add(path, html, "text/html; charset=utf-8")

    def add_pdf(self, path: str, data: bytes, etag: bool = True, last_modified: bool = True,
                content_length: bool = True) -> None:
        tag = f'"{hashlib.sha256(data).hexdigest()[:16]}"' if etag else None
        lm = 1_700_000_000.0 if last_modified else None
        self.add(path, data, "application/pdf", etag=tag, last_modified=lm, content_length=content_length)

    def fault(self, path: str, kind: str, times: int | None = None, **args) -> None:
        """Inject a fault on `path` for the next `times` requests (None: every request).
        kinds: status(code), sleep(seconds, then serve), reset, truncate, html200, redirect(location)."""
        self.faults.setdefault(path, []).append(Fault(kind, times, args))

    # -- observation --------------------------------------------------------------------------
    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for h in self.hits if h.path == path)

    def requests_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> Portal:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection; bodies end at close
            timeout = 5  # bound reads from the client

            def log_message(self, *a):
                pass

            def do_GET(self):
                portal._handle(self)

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.handle_error = lambda *a: None  # clients hang up on purpose (timeouts, caps)
        self._server, self.port = server, server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- serving ------------------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults.get(path, []):
                if f.times is None:
                    return f
                if f.times > 0:
                    f.times -= 1
                    return f
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            self.hits.append(Hit(time.monotonic(), path, {k.lower(): v for k, v in h.headers.items()}))
        f = self._take_fault(path)
        if f is not None:
            if f.kind == "status":
                return _send(h, f.args.get("code", 500), b"<html><body>error</body></html>", "text/html")
            if f.kind == "reset":
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                h.connection.close()
                h.close_connection = True
                return
            if f.kind == "html200":
                return _send(h, 200, ERROR_PAGE.encode(), "text/html; charset=utf-8")
            if f.kind == "redirect":
                return _send(h, f.args.get("code", 302), b"", "text/html",
                             {"Location": f.args["location"]})
            if f.kind == "sleep":
                time.sleep(f.args.get("seconds", 1.0))
            if f.kind == "truncate":
                route = self.routes[path]
                h.send_response(200)
                h.send_header("Content-Type", route.content_type)
                h.send_header("Content-Length", str(len(route.body)))
                h.end_headers()
                h.wfile.write(route.body[: len(route.body) // 2])
                h.wfile.flush()
                h.close_connection = True
                return
        route = self.routes.get(path)
        if route is None:
            return _send(h, 404, b"<html><body>not found</body></html>", "text/html")
        extra = {}
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified is not None:
            extra["Last-Modified"] = formatdate(route.last_modified, usegmt=True)
        if route.etag and h.headers.get("If-None-Match") == route.etag:
            return _send(h, 304, b"", None, extra)
        ims = h.headers.get("If-Modified-Since")
        if ims and route.last_modified is not None and not h.headers.get("If-None-Match"):
            try:
                if parsedate_to_datetime(ims).timestamp() >= route.last_modified:
                    return _send(h, 304, b"", None, extra)
            except (TypeError, ValueError):
                pass
        _send(h, 200, route.body, route.content_type, extra, content_length=route.content_length)


def _send(h, code, body, content_type, extra=None, content_length=True):
    h.send_response(code)
    if content_type:
        h.send_header("Content-Type", content_type)
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    if content_length and code != 304:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body and code != 304:
        with contextlib.suppress(OSError):
            h.wfile.write(body)


def fake_disclosure_site(portal: Portal) -> dict:
    """Paginated index (index.html -> index_1.html -> index_2.html -> index_3.html) under /jsgk/,
    with relative, root-relative and absolute links; dept_a is published under two URLs; links to
    example.invalid and to `localhost` (not allowed) are present and must never be fetched."""
    pdfs = {p.stem: p.read_bytes() for p in sorted(SAMPLES.glob("*.pdf"))}
    a, b, c = pdfs["dept_a_2022"], pdfs["dept_b_2023"], pdfs["dept_c_2023"]
    portal.add_pdf("/jsgk/docs/dept_a_2022.pdf", a)
    portal.add_pdf("/mirror/a-copy.pdf", a)  # same document, second URL
    portal.add_pdf("/jsgk/docs/dept_b_2023.pdf", b)
    portal.add_pdf("/files/dept_c_2023.pdf", c)
    portal.add_pdf("/deep/too_deep.pdf", c)
    portal.add_pdf("/offsite.pdf", a)
    portal.add_html("/jsgk/about.html", "<html>about</html>")
    abs_b = portal.url("/jsgk/docs/dept_b_2023.pdf")
    portal.add_html("/jsgk/index.html", f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>决算公开</title></head><body>
<a href="#top">top</a> <a href="javascript:void(0)">js</a> <a href="mailto:x@example.gov.cn">mail</a>
<ul>
 <li><a href="docs/dept_a_2022.pdf">甲部门2022年度部门决算</a></li>
 <li><A HREF='{abs_b}'>乙部门2023年度部门决算</A></li>
 <li><a href="http://example.invalid/x.pdf">外站</a></li>
 <li><a href="about.html">关于</a></li>
</ul>
<a href="index_1.html">下一页</a></body></html>""")
    portal.add_html("/jsgk/index_1.html", f"""<html><body>
<a href="/mirror/a-copy.pdf">甲部门 (镜像)</a>
<a href="docs/dept_a_2022.pdf#page=2">甲部门 again</a>
<a href="{portal.url('/offsite.pdf', host='localhost')}">localhost is not an allowed host</a>
<a href="index.html">首页</a> <a href="./index_2.html">下一页</a></body></html>""")
    portal.add_html("/jsgk/index_2.html", """<html><head><base href="/files/"></head><body>
<a href="dept_c_2023.pdf">丙部门2023年度部门决算</a>
<a href="/jsgk/index_1.html">上一页</a> <a href="/jsgk/index_3.html">下一页</a></body></html>""")
    portal.add_html("/jsgk/index_3.html", """<html><body>
<a href="/deep/too_deep.pdf">beyond max_depth</a></body></html>""")
    return {"a": a, "b": b, "c": c}
