"""Opening inputs: files, directories (walked lazily), standard input and http(s) URLs.

Every input becomes an :class:`Input`: a binary stream with its first bytes already read for
format sniffing (and put back in front of the stream), plus what is known about it (file name,
Content-Type, charset, size). gzip-compressed inputs are decompressed on the fly.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from eventwatch.config import IngestSettings
from eventwatch.ingest.detect import GZIP_MAGIC
from eventwatch.ingest.fetch import fetch_url
from eventwatch.ingest.normalize import SNIFF_BYTES, ChunkStream

CHUNK_BYTES = 1 << 16
STDIN_SOURCE = "<stdin>"

READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
"""What reading a local stream can raise for a reason outside the program (a vanished file, a
permission, a truncated or corrupt gzip member)."""


@dataclass(slots=True)
class Input:
    """One opened input: where it comes from, its content and what is known about it."""

    source: str  # the name given to its records: path, URL or <stdin>
    stream: IO[bytes]  # the whole content, from the first byte (``prefix`` included)
    prefix: bytes  # the first SNIFF_BYTES bytes (fewer if the input is shorter)
    name: str = ""  # file name or URL path, for detection by extension
    declared: str | None = None  # format announced by an HTTP Content-Type
    charset: str | None = None  # charset announced by an HTTP Content-Type
    url: str | None = None  # final URL (after redirects) of a fetched input
    size: int | None = None  # size in bytes, when known before reading


def read_prefix(stream: IO[bytes], size: int = SNIFF_BYTES) -> bytes:
    """Up to ``size`` bytes from ``stream`` (several reads if a pipe delivers less at once)."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def rejoin(prefix: bytes, rest: IO[bytes]) -> IO[bytes]:
    """A buffered stream that yields ``prefix`` and then what is left in ``rest``."""
    chunks = chain([prefix], iter(partial(rest.read, CHUNK_BYTES), b""))
    return io.BufferedReader(ChunkStream(chunks), buffer_size=CHUNK_BYTES)


def _decompressed(stream: IO[bytes], prefix: bytes) -> tuple[IO[bytes], bytes]:
    """The stream and prefix of the decompressed content when ``prefix`` starts a gzip member."""
    if not prefix.startswith(GZIP_MAGIC):
        return stream, prefix
    unzipped = gzip.GzipFile(fileobj=rejoin(prefix, stream), mode="rb")
    return unzipped, read_prefix(unzipped)


def stream_input(stream: IO[bytes], source: str, name: str = "", size: int | None = None) -> Input:
    """An :class:`Input` over a readable binary stream (a file, stdin), decompressing gzip."""
    prefix = read_prefix(stream)
    content, head = _decompressed(stream, prefix)
    if content is not stream:
        size = None
    return Input(source=source, stream=rejoin(head, content), prefix=head, name=name, size=size)


def url_input(url: str, settings: IngestSettings) -> Input:
    """Fetch ``url`` into an :class:`Input`; raises :class:`~eventwatch.errors.FetchError`."""
    fetched = fetch_url(url, settings)
    name = urlsplit(fetched.url).path
    found = stream_input(io.BytesIO(fetched.data), url, name=name, size=len(fetched.data))
    found.declared = fetched.kind if fetched.kind != "text" else None  # text/plain: look closer
    found.charset = fetched.charset
    found.url = fetched.url
    return found


def describe_read_error(exc: BaseException) -> str:
    """A failure reason for an exception in :data:`READ_ERRORS`."""
    if isinstance(exc, gzip.BadGzipFile | zlib.error):
        return f"corrupt gzip data: {exc}"
    if isinstance(exc, EOFError):
        return "truncated gzip data: the compressed stream ends early"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return f"cannot read: {type(exc).__name__}: {exc}"


def _listing(directory: Path) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """The regular files under ``root``, depth first, each directory's entries sorted by name;
    hidden files and directories (``.name``) are skipped and symlink loops are not followed.

    Yields ``(path, None)`` for a file and ``(directory, reason)`` for a directory that could not
    be listed. Only one directory's listing is held at a time per level.
    """
    seen: set[tuple[int, int]] = set()

    def visit(directory: Path) -> Iterator[tuple[Path, str | None]]:
        try:
            info = directory.stat()
            key = (info.st_dev, info.st_ino)
            if key in seen:
                return  # a symlink back to a directory already walked
            seen.add(key)
            entries = _listing(directory)
        except OSError as exc:
            yield directory, describe_read_error(exc)
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as exc:
                yield path, describe_read_error(exc)
                continue
            if is_dir:
                yield from visit(path)
            elif is_file:
                yield path, None

    yield from visit(root)
