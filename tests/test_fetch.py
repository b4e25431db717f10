"""Fetch stage over real HTTP on loopback (tests/portal.py); nothing in the fetcher is mocked."""

import hashlib
import time
from pathlib import Path

import pytest
from portal import Portal, fake_disclosure_site

from pipeline.fetch import (
    Fetcher,
    RateLimiter,
    Source,
    discover,
    extract_links,
    load_cache,
    load_sources,
    save_cache,
    store_bytes,
    url_filename,
)

FAST = dict(timeout=0.5, total_timeout=5.0, retries=2, backoff_base=0.01, backoff_max=0.05,
            rate_per_second=1000)


@pytest.fixture
def portal():
    with Portal() as p:
        yield p


@pytest.fixture
def site(portal):
    return fake_disclosure_site(portal)


@pytest.fixture
def make_fetcher(tmp_path):
    made = []

    def make(allow_hosts=("127.0.0.1",), **kw):
        opts = dict(FAST, allow_private=True, store_root=tmp_path / "raw")
        opts.update(kw)
        f = Fetcher(allow_hosts, **opts)
        made.append(f)
        return f

    yield make
    for f in made:
        f.close()


def source_for(portal, **kw):
    d = dict(name="fake", start_urls=(portal.url("/jsgk/index.html"),), allow_hosts=("127.0.0.1",),
             follow_pattern=r"index_\d+\.html$", link_pattern=r"\.pdf$", max_depth=2,
             rate_per_second=1000, allow_private=True)
    d.update(kw)
    return Source(**d)


def stored_files(root: Path):
    return sorted(p for p in root.rglob("*") if p.is_file())


# -- sources file -------------------------------------------------------------------------------

GOOD = """
sources:
  - name: putuo-2024
    start_urls: ["https://example.gov.cn/jsgk/index.html"]
    allow_hosts: ["example.gov.cn"]
    follow_pattern: "index_\\\\d+\\\\.html$"
    link_pattern: "\\\\.pdf$"
    max_depth: 2
    rate_per_second: 2
schedule: "0 3 * * *"
"""


def test_load_sources_spec_example(tmp_path):
    p = tmp_path / "sources.yaml"
    p.write_text(GOOD, encoding="utf-8")
    [s] = load_sources(p)
    assert s.name == "putuo-2024" and s.allow_hosts == ("example.gov.cn",)
    assert s.max_depth == 2 and s.rate_per_second == 2.0 and s.allow_private is False
    assert s.follows("https://example.gov.cn/jsgk/index_3.html")
    assert s.is_document("https://example.gov.cn/a/b.pdf") and not s.is_document("https://x/b.html")


@pytest.mark.parametrize("text, message", [
    ("sources: [", "invalid YAML"),
    ("- a\n- b\n", "top level must be a mapping"),
    ("sources: []\n", "'sources' must be a non-empty list"),
    (GOOD.replace("max_depth: 2", "max_depth: -1"), "max_depth"),
    (GOOD.replace("max_depth: 2", "max_depth: two"), "max_depth"),
    (GOOD.replace("rate_per_second: 2", "rate_per_second: 0"), "rate_per_second"),
    (GOOD.replace('link_pattern: "\\\\.pdf$"', 'link_pattern: "(["'), "link_pattern"),
    (GOOD.replace('allow_hosts: ["example.gov.cn"]', 'allow_hosts: ["other.cn"]'), "not in allow_hosts"),
    (GOOD.replace("https://example", "ftp://example"), "http(s)"),
    (GOOD.replace("max_depth: 2", "max_depth: 2\n    maxdepth: 3"), "unknown field"),
    (GOOD.replace("    allow_hosts", "    allow_private: yes-please\n    allow_hosts"), "allow_private"),
    (GOOD.replace('schedule: "0 3 * * *"', "schedule: daily"), "cron"),
    (None, "duplicate source name"),
])
def test_load_sources_rejects_bad_files(tmp_path, text, message):
    if text is None:  # the same source twice
        entry = GOOD.split("sources:\n")[1].split("schedule:")[0]
        text = "sources:\n" + entry + entry
    p = tmp_path / "sources.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        load_sources(p)
    assert str(p) in str(e.value)


def test_load_sources_missing_file(tmp_path):
    with pytest.raises(ValueError, match="cannot read"):
        load_sources(tmp_path / "nope.yaml")


# -- store ----------------------------------------------------------------------------------------

def test_store_bytes_content_addressed(tmp_path):
    data = b"%PDF-1.4 hello"
    sha, path = store_bytes(data, tmp_path)
    assert sha == hashlib.sha256(data).hexdigest()
    assert path == tmp_path / sha[:2] / sha[2:4] / f"{sha}.pdf" and path.read_bytes() == data
    assert store_bytes(data, tmp_path) == (sha, path)
    assert stored_files(tmp_path) == [path]  # one file, no temp leftovers


def test_cache_roundtrip(tmp_path):
    cache = {"http://h/a.pdf": {"etag": '"x"', "last_modified": None, "sha256": "0" * 64}}
    save_cache(cache, tmp_path / "c.json")
    assert load_cache(tmp_path / "c.json") == cache
    assert load_cache(tmp_path / "missing.json") == {}


def test_url_filename_is_a_name_not_a_path():
    assert url_filename("http://h/a/%E7%94%B2.pdf?x=1") == "甲.pdf"
    assert "/" not in url_filename("http://h/a/..%2F..%2Fetc%2Fpasswd")


# -- discovery ------------------------------------------------------------------------------------

def test_extract_links_relative_absolute_and_base():
    html = '<base href="/f/"><a href="a.pdf">x</a><a href="http://o/b.pdf#p">y</a><a href="mailto:q">z</a>'
    assert extract_links(html, "http://h/x/index.html") == ["http://h/f/a.pdf", "http://o/b.pdf"]


def test_discover_finds_reachable_pdfs_only(portal, site, make_fetcher):
    errors = []
    docs = discover(source_for(portal), make_fetcher(), errors=errors)
    assert docs == [
        portal.url("/jsgk/docs/dept_a_2022.pdf"),
        portal.url("/jsgk/docs/dept_b_2023.pdf"),
        portal.url("/mirror/a-copy.pdf"),
        portal.url("/files/dept_c_2023.pdf"),
    ]
    assert errors == []
    assert not any("example.invalid" in d or "localhost" in d for d in docs)
    # each index page read once; nothing beyond max_depth; no documents fetched by discovery
    for page in ("index.html", "index_1.html", "index_2.html"):
        assert portal.count(f"/jsgk/{page}") == 1
    assert portal.count("/jsgk/index_3.html") == 0
    assert portal.count("/offsite.pdf") == 0 and portal.count("/jsgk/about.html") == 0
    assert all(h.headers["user-agent"].startswith("juesuan/") for h in portal.hits)


def test_discover_depth_limit_and_failed_index(portal, site, make_fetcher):
    docs = discover(source_for(portal, max_depth=0), make_fetcher())
    assert docs == [portal.url("/jsgk/docs/dept_a_2022.pdf"), portal.url("/jsgk/docs/dept_b_2023.pdf")]
    portal.fault("/jsgk/index_1.html", "status", code=404)
    errors = []
    docs = discover(source_for(portal, max_depth=3), make_fetcher(), errors=errors)
    assert len(docs) == 2 and errors == [(portal.url("/jsgk/index_1.html"), "HTTP 404")]


def test_discover_then_fetch_dedupes_same_document(portal, site, make_fetcher, tmp_path):
    f = make_fetcher()
    results = [f.fetch(u) for u in discover(source_for(portal, max_depth=3), f)]
    assert [r.status for r in results] == ["fetched"] * 5
    by_url = {r.url.rsplit("/", 1)[-1]: r for r in results}
    assert by_url["dept_a_2022.pdf"].sha256 == by_url["a-copy.pdf"].sha256
    assert by_url["dept_a_2022.pdf"].path == by_url["a-copy.pdf"].path
    assert by_url["too_deep.pdf"].sha256 == by_url["dept_c_2023.pdf"].sha256
    files = stored_files(tmp_path / "raw")
    assert len(files) == 3 and {p.read_bytes() for p in files} == set(site.values())
    for r in results:
        assert r.path.read_bytes()[:5] == b"%PDF-" and r.size == r.path.stat().st_size


# -- faults ---------------------------------------------------------------------------------------

A = "/jsgk/docs/dept_a_2022.pdf"


def test_transient_500_retried_then_fetched(portal, site, make_fetcher):
    portal.fault(A, "status", code=500, times=2)
    r = make_fetcher().fetch(portal.url(A))
    assert r.status == "fetched" and r.attempts == 3 and portal.count(A) == 3
    assert r.sha256 == hashlib.sha256(site["a"]).hexdigest()


def test_persistent_503_fails_after_retries(portal, site, make_fetcher):
    portal.fault(A, "status", code=503)
    r = make_fetcher(retries=3).fetch(portal.url(A))
    assert r.status == "failed" and "HTTP 503" in r.error and "4 attempts" in r.error
    assert portal.count(A) == 4 and r.sha256 is None


@pytest.mark.parametrize("code", [404, 403, 410])
def test_4xx_fails_without_retry(portal, site, make_fetcher, code):
    path = "/jsgk/docs/missing.pdf" if code == 404 else A
    if code != 404:
        portal.fault(A, "status", code=code)
    r = make_fetcher().fetch(portal.url(path))
    assert r.status == "failed" and r.error == f"HTTP {code}" and r.http_status == code
    assert portal.count(path) == 1


def test_timeout_retried_then_fails(portal, site, make_fetcher):
    portal.fault(A, "sleep", seconds=1.0)
    t0 = time.monotonic()
    r = make_fetcher(timeout=0.2, retries=1).fetch(portal.url(A))
    assert r.status == "failed" and "timeout" in r.error.lower() and portal.count(A) == 2
    assert time.monotonic() - t0 < 1.5


def test_timeout_once_then_fetched(portal, site, make_fetcher):
    portal.fault(A, "sleep", seconds=0.6, times=1)
    r = make_fetcher(timeout=0.2).fetch(portal.url(A))
    assert r.status == "fetched" and portal.count(A) == 2


def test_connection_reset(portal, site, make_fetcher):
    portal.fault(A, "reset", times=1)
    assert make_fetcher().fetch(portal.url(A)).status == "fetched" and portal.count(A) == 2
    portal.fault(A, "reset")
    r = make_fetcher().fetch(portal.url(A))
    assert r.status == "failed" and portal.count(A) == 2 + 3
    assert "connection reset" in r.error and "3 attempts" in r.error


def test_truncated_body(portal, site, make_fetcher):
    portal.fault(A, "truncate", times=1)
    r = make_fetcher().fetch(portal.url(A))
    assert r.status == "fetched" and portal.count(A) == 2 and r.size == len(site["a"])
    portal.fault(A, "truncate")
    r = make_fetcher().fetch(portal.url(A))
    assert r.status == "failed" and "truncated" in r.error and portal.count(A) == 2 + 3


def test_html_error_page_with_200_is_failed(portal, site, make_fetcher, tmp_path):
    portal.fault(A, "html200")
    r = make_fetcher().fetch(portal.url(A))
    assert r.status == "failed" and "not a PDF" in r.error and "HTML" in r.error and "系统繁忙" in r.error
    assert portal.count(A) == 1 and r.sha256 is None and stored_files(tmp_path / "raw") == []


def test_redirect_followed_within_allowed_hosts(portal, site, make_fetcher):
    portal.fault("/old/a.pdf", "redirect", location="/jsgk/docs/dept_a_2022.pdf", code=301)
    r = make_fetcher().fetch(portal.url("/old/a.pdf"))
    assert r.status == "fetched" and r.final_url == portal.url(A)


def test_redirect_loop_fails(portal, site, make_fetcher):
    portal.fault("/loop/a.pdf", "redirect", location="/loop/b.pdf")
    portal.fault("/loop/b.pdf", "redirect", location=portal.url("/loop/a.pdf"))
    r = make_fetcher().fetch(portal.url("/loop/a.pdf"))
    assert r.status == "failed" and "redirect loop" in r.error
    assert portal.count("/loop/a.pdf") == 1 and portal.count("/loop/b.pdf") == 1


def test_too_many_redirects(portal, site, make_fetcher):
    for i in range(10):
        portal.fault(f"/hop/{i}.pdf", "redirect", location=f"/hop/{i + 1}.pdf")
    r = make_fetcher(max_redirects=3).fetch(portal.url("/hop/0.pdf"))
    assert r.status == "failed" and "too many redirects" in r.error and portal.count("/hop/4.pdf") == 0


def test_redirect_to_disallowed_host_never_requested(portal, site, make_fetcher):
    portal.fault("/go.pdf", "redirect", location=portal.url("/offsite.pdf", host="localhost"))
    portal.fault("/go2.pdf", "redirect", location="http://example.invalid/x.pdf")
    f = make_fetcher()
    for path in ("/go.pdf", "/go2.pdf"):
        r = f.fetch(portal.url(path))
        assert r.status == "failed" and "not in allow_hosts" in r.error
    assert portal.count("/offsite.pdf") == 0


def test_redirect_to_other_scheme_refused(portal, site, make_fetcher):
    portal.fault("/go.pdf", "redirect", location="file:///etc/passwd")
    r = make_fetcher().fetch(portal.url("/go.pdf"))
    assert r.status == "failed" and "scheme" in r.error


def test_conditional_get_etag_and_last_modified(portal, site, make_fetcher, tmp_path):
    portal.add_pdf("/lm-only.pdf", site["b"], etag=False)
    cache = {}
    f = make_fetcher(cache=cache)
    first = f.fetch(portal.url(A))
    assert first.status == "fetched" and first.etag and first.last_modified
    assert cache[portal.url(A)]["sha256"] == first.sha256
    # a new fetcher with the persisted cache, as the next crawl would have
    save_cache(cache, tmp_path / "cache.json")
    f2 = make_fetcher(cache=load_cache(tmp_path / "cache.json"))
    second = f2.fetch(portal.url(A))
    assert second.status == "not_modified" and second.sha256 == first.sha256 and second.path == first.path
    assert portal.requests_for(A)[-1].headers["if-none-match"] == first.etag
    assert f.fetch(portal.url("/lm-only.pdf")).status == "fetched"
    again = f.fetch(portal.url("/lm-only.pdf"))
    assert again.status == "not_modified"
    assert "if-modified-since" in portal.requests_for("/lm-only.pdf")[-1].headers
    # the stored file went missing: fetch unconditionally again
    first.path.unlink()
    third = f.fetch(portal.url(A))
    assert third.status == "fetched" and third.path.is_file()
    assert "if-none-match" not in portal.requests_for(A)[-1].headers


def test_size_cap(portal, site, make_fetcher):
    portal.add_pdf("/nolen.pdf", site["a"], content_length=False)
    f = make_fetcher(max_bytes=1000)
    for path in (A, "/nolen.pdf"):  # declared Content-Length, and a body read until close
        r = f.fetch(portal.url(path))
        assert r.status == "failed" and "size cap" in r.error and portal.count(path) == 1
    assert make_fetcher().fetch(portal.url("/nolen.pdf")).status == "fetched"


def test_rate_limit_spaces_requests_per_host(portal, site, make_fetcher):
    f = make_fetcher(rate_per_second=10)
    t0 = time.monotonic()
    results = [f.fetch(portal.url(A)) for _ in range(5)]
    elapsed = time.monotonic() - t0
    assert [r.status for r in results] == ["fetched"] + ["not_modified"] * 4
    assert elapsed >= 0.35
    times = [h.t for h in portal.requests_for(A)]
    assert all(b - a >= 0.08 for a, b in zip(times, times[1:]))


def test_rate_limiter_is_per_host():
    rl = RateLimiter(5)
    t0 = time.monotonic()
    for host in ("a", "b", "c", "d"):
        rl.wait(host)
    assert time.monotonic() - t0 < 0.1
    rl.wait("a")
    assert time.monotonic() - t0 >= 0.18


def test_private_addresses_refused_unless_allowed(portal, site, make_fetcher):
    f = make_fetcher(allow_hosts=("127.0.0.1", "localhost"), allow_private=False)
    for url in (portal.url(A), portal.url(A, host="localhost")):
        r = f.fetch(url)
        assert r.status == "failed" and "private/loopback" in r.error and "allow_private" in r.error
    assert portal.count(A) == 0
    with pytest.raises(Exception, match="private/loopback"):
        f.get_page(portal.url("/jsgk/index.html"))
    src = source_for(portal, allow_private=False)
    errors = []
    with Fetcher.for_source(src, **FAST) as g:
        assert discover(src, g, errors=errors) == []
    assert "private/loopback" in errors[0][1]
    assert portal.count("/jsgk/index.html") == 0
    for ip in ("10.0.0.1", "192.168.1.1", "169.254.169.254", "[::1]", "0.0.0.0"):
        g = make_fetcher(allow_hosts=(ip.strip("[]"),), allow_private=False)
        assert "private/loopback" in g.fetch(f"http://{ip}/x.pdf").error


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/a.pdf", "gopher://127.0.0.1/",
                                 "javascript:alert(1)", "/relative/a.pdf", "http://user:pw@127.0.0.1/a.pdf"])
def test_non_http_and_odd_urls_refused(make_fetcher, url):
    r = make_fetcher().fetch(url)
    assert r.status == "failed" and r.error.startswith("refused") and r.attempts == 0


def test_host_not_allowed_refused(portal, site, make_fetcher):
    r = make_fetcher(allow_hosts=("example.gov.cn",)).fetch(portal.url(A))
    assert r.status == "failed" and "not in allow_hosts" in r.error and portal.count(A) == 0
