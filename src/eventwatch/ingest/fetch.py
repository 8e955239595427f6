"""HTTP(S) fetching with urllib: a timeout, a size cap, errors as :class:`FetchError`."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from functools import lru_cache
from importlib import metadata
from typing import IO
from urllib.parse import urlsplit

from eventwatch.config import IngestSettings
from eventwatch.errors import FetchError
from eventwatch.ingest.articles import too_large

# Content types (without parameters) to the reader that handles them.
CONTENT_KINDS: dict[str, str] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "text",
}


@lru_cache(maxsize=1)
def user_agent() -> str:
    """The User-Agent sent with every request."""
    try:
        version = metadata.version("eventwatch")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"eventwatch/{version} (news event coder; Python urllib)"


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: its final URL (after redirects), body, content type and charset."""

    url: str
    data: bytes
    content_type: str
    charset: str | None

    @property
    def kind(self) -> str | None:
        """The reader for this content type, or None to sniff the body."""
        return CONTENT_KINDS.get(self.content_type)


def _read_response(url: str, response: http.client.HTTPResponse, max_bytes: int) -> Fetched:
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(url, too_large(int(length), max_bytes))
    data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FetchError(url, too_large(None, max_bytes))
    return Fetched(
        url=response.geturl(),
        data=data,
        content_type=response.headers.get_content_type().lower(),
        charset=response.headers.get_content_charset(),
    )


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (urllib would also follow one to ``ftp:``)."""

    def redirect_request(  # type: ignore[override]
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_url(newurl):
            reason = f"redirect to a non-HTTP URL {newurl!r}"
            raise urllib.error.HTTPError(newurl, code, reason, headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(url: str, settings: IngestSettings) -> Fetched:
    """GET ``url`` (redirects followed); raises :class:`FetchError` naming what went wrong."""
    if not is_url(url):
        raise FetchError(url, "not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": "*/*"})
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    try:
        with opener.open(request, timeout=settings.timeout) as response:
            return _read_response(url, response, settings.max_bytes)
    except urllib.error.HTTPError as exc:
        raise FetchError(url, f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise FetchError(url, f"timed out after {settings.timeout}s") from exc
        raise FetchError(url, f"unreachable: {exc.reason}") from exc
    except TimeoutError as exc:
        raise FetchError(url, f"timed out after {settings.timeout}s") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(url, f"fetch failed: {type(exc).__name__}: {exc}") from exc
