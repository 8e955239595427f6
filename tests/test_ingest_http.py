"""http(s) sources, against a loopback server started for the test module (never the internet)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from eventwatch.config import IngestSettings
from eventwatch.ingest import read_sources
from eventwatch.records import Article, Status

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LONG_PAGE = """<!doctype html><html><head><title>Ceasefire talks resume</title></head><body>
<article><h1>Ceasefire talks resume</h1>
<p>Negotiators from the government and the rebel alliance met in the capital on Monday to resume
ceasefire talks that broke down in March, a mediator said.</p>
<p>The two sides agreed to exchange lists of prisoners and to let aid agencies into three
besieged towns before the next round, according to a joint statement read to reporters.</p>
</article></body></html>"""


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    send_length: bool = True
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.send_length:
            self.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client may have given up (timeout test)
            self.wfile.write(route.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up is expected here


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.routes = {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server: _Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def read(*sources: str, **settings: Any) -> list[Article]:
    return list(read_sources(list(sources), IngestSettings(**settings), io.BytesIO()))


def test_html_page(server: _Server) -> None:
    server.routes["/news/flooding.html"] = Route((FIXTURES / "page.html").read_bytes())
    [article] = read(base(server) + "/news/flooding.html")
    assert article.status == Status.PENDING
    assert article.title == "Flooding forces thousands from homes"
    assert article.source == base(server) + "/news/flooding.html"
    assert article.text.startswith("Heavy rain caused rivers to burst their banks")


def test_redirect_is_followed(server: _Server) -> None:
    server.routes["/talks"] = Route(LONG_PAGE.encode())
    server.routes["/old-talks"] = Route(b"", status=301, headers={"Location": "/talks"})
    [article] = read(base(server) + "/old-talks")
    assert article.status == Status.PENDING
    assert article.source == base(server) + "/old-talks"
    assert article.url == base(server) + "/talks"  # where the text really came from
    assert article.title == "Ceasefire talks resume"


def test_feed_entries_with_their_linked_pages(server: _Server) -> None:
    root = base(server)
    server.routes["/pages/talks.html"] = Route(LONG_PAGE.encode())
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>
      <item><title>Ceasefire talks resume</title><link>{root}/pages/talks.html</link>
        <description>Negotiators met in the capital on Monday.</description></item>
      <item><title>Port strike ends</title><link>{root}/pages/gone.html</link>
        <description>Dock workers at the northern port returned to work on Friday after the
        union accepted a new wage offer, the port authority said.</description></item>
      <item><title>Relative link</title><link>/pages/talks.html</link>
        <description>Short.</description></item>
    </channel></rss>"""
    server.routes["/feeds/world.rss"] = Route(feed.encode(), "application/rss+xml")
    talks, strike, relative = read(root + "/feeds/world.rss")
    assert talks.text.startswith("Negotiators from the government and the rebel alliance")
    assert talks.meta["text_from"] == root + "/pages/talks.html"
    assert talks.outlet == "Loopback Wire"
    assert strike.status == Status.PENDING  # the entry's own text is kept
    assert strike.meta["fetch_error"] == "HTTP 404 Not Found"
    assert strike.text.startswith("Dock workers at the northern port")
    assert relative.url == root + "/pages/talks.html"  # resolved against the feed's URL
    assert relative.text == talks.text
    without = read(root + "/feeds/world.rss", fetch_links=False)
    assert without[0].text == "Negotiators met in the capital on Monday."
    assert "text_from" not in without[0].meta


def test_jsonl_by_content_type_and_by_sniffing(server: _Server) -> None:
    data = (FIXTURES / "articles.jsonl").read_bytes()
    server.routes["/dump"] = Route(data, "application/x-ndjson")
    server.routes["/export/latest"] = Route(data, "application/octet-stream")
    server.routes["/dump.jsonl.gz"] = Route(gzip.compress(data), "application/gzip")
    for path in ("/dump", "/export/latest", "/dump.jsonl.gz"):
        articles = read(base(server) + path)
        assert [a.source for a in articles] == [f"{base(server)}{path}:{n}" for n in (1, 2)]
        assert articles[0].title == "Rebels seize border crossing"


def test_text_plain_is_sniffed(server: _Server) -> None:
    text = (
        "Rail unions called off a national strike on Sunday after the government agreed to talks."
    )
    record = {"title": "Rail strike called off", "text": text}
    server.routes["/api/items"] = Route(json.dumps([record]).encode(), "text/plain")
    server.routes["/notes"] = Route((FIXTURES / "article.txt").read_bytes(), "text/plain")
    [from_json] = read(base(server) + "/api/items")
    assert from_json.title == "Rail strike called off"
    [from_text] = read(base(server) + "/notes")
    assert from_text.title == "Dock workers strike at northern port"


def test_not_found(server: _Server) -> None:
    [article] = read(base(server) + "/missing.html")
    assert (article.status, article.reason) == (Status.FAILED, "HTTP 404 Not Found")
    assert article.source == base(server) + "/missing.html"


def test_timeout(server: _Server) -> None:
    server.routes["/slow"] = Route(LONG_PAGE.encode(), delay=1.0)
    started = time.monotonic()
    [article] = read(base(server) + "/slow", timeout=0.2)
    assert time.monotonic() - started < 1.0
    assert (article.status, article.reason) == (Status.FAILED, "timed out after 0.2s")


def test_oversized_body(server: _Server) -> None:
    body = LONG_PAGE.encode() * 10
    server.routes["/big"] = Route(body)
    server.routes["/big-unsized"] = Route(body, send_length=False)
    [sized] = read(base(server) + "/big", max_bytes=2000)
    assert sized.reason == f"too large: {len(body)} bytes > max_bytes (2000)"
    [unsized] = read(base(server) + "/big-unsized", max_bytes=2000)
    assert unsized.reason == "too large: more than max_bytes (2000) bytes"
    assert sized.status == unsized.status == Status.FAILED


def test_binary_response_and_unreachable_host(server: _Server) -> None:
    server.routes["/logo.png"] = Route(b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    server.routes["/talks"] = Route(LONG_PAGE.encode())
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    logo, nothing, good = read(base(server) + "/logo.png", closed, base(server) + "/talks")
    assert (logo.status, logo.reason) == (Status.FAILED, "binary content (PNG), not text")
    assert nothing.status == Status.FAILED
    assert (nothing.reason or "").startswith("unreachable: ")
    assert good.status == Status.PENDING
