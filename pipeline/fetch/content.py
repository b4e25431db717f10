"""What came back: file names from URLs, PDF and HTML sniffing, text decoding, transport errors.

Entry points: `looks_like_pdf(data)`, `url_filename(url)`, `decode_text(data, content_type)`."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx


def url_filename(url: str) -> str:
    """The base name a URL points at, for display / documents.filename only — never a path."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = name.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
    return "index" if name in ("", ".", "..") else name


def looks_like_pdf(data: bytes) -> bool:
    # PDF readers accept a header anywhere in the first 1024 bytes.
    return b"%PDF-" in data[:1024]


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<")) or b"<html" in head


def html_title(data: bytes) -> str:
    m = re.search(rb"<title[^>]*>(.*?)</title>", data[:8192], re.I | re.S)
    if not m:
        return ""
    return decode_text(m.group(1), None).strip()[:80]


def decode_text(data: bytes, content_type: str | None) -> str:
    charset: str | None = None
    if content_type:
        m = re.search(r"charset=([\w.-]+)", content_type, re.I)
        charset = m and m.group(1)
    if not charset:
        meta = re.search(rb"<meta[^>]+charset=[\"']?([\w.-]+)", data[:4096], re.I)
        charset = meta and meta.group(1).decode("ascii", "replace")
    for enc in filter(None, [charset, "utf-8"]):
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def strip_fragment(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path or "/", p.query, ""))


def transport_error_text(e: Exception) -> str:
    text = str(e) or type(e).__name__
    low = text.lower()
    if isinstance(e, httpx.TimeoutException):
        return f"timeout ({type(e).__name__})"
    if "reset" in low or isinstance(e.__context__, ConnectionResetError):
        return f"connection reset ({text})"
    if "incomplete" in low or "complete message body" in low:
        return f"truncated body ({text})"
    return f"{type(e).__name__}: {text}"
