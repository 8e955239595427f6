"""Bytes to clean text: binary sniffing, decoding with fallbacks, whitespace normalisation."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator

import charset_normalizer

from eventwatch.errors import FormatError

# Leading bytes of common binary formats, with a name for the failure reason.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x7fELF", "ELF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE/Office"),
    (b"SQLite format 3\x00", "SQLite"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, newline, vertical tab, form feed, carriage return and escape.
_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D}
_BINARY_RATIO = 0.05
SNIFF_BYTES = 65_536


def binary_kind(sample: bytes) -> str | None:
    """Name the binary format of ``sample`` (a file's first bytes); None if it looks like text."""
    if any(sample.startswith(bom) for bom, _ in _BOMS):
        return None
    for signature, name in _SIGNATURES:
        if sample.startswith(signature):
            return name
    head = sample[:8192]
    if not head:
        return None
    controls = sum(1 for byte in head if byte in _CONTROL_BYTES)
    return "binary" if controls / len(head) > _BINARY_RATIO else None


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode ``data``: a BOM, then UTF-8, the declared charset, cp1252, charset detection.

    Raises :class:`FormatError` when the bytes are binary or cannot be decoded at all.
    """
    kind = binary_kind(data[:SNIFF_BYTES])
    if kind:
        raise FormatError(source, f"binary content ({kind}), not text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    for encoding in ("utf-8", declared):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise FormatError(source, "undecodable bytes: not UTF-8 and no other encoding fits")
    return str(best)


def _mostly_utf8(data: bytes) -> str | None:
    """``data`` decoded as UTF-8 with replacement characters when it is UTF-8 with a few stray
    bytes (more valid multi-byte characters than invalid bytes); None otherwise."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for char in text if ord(char) > 0x7F) - bad
    return text if good > bad else None


def guess_stream_encoding(prefix: bytes) -> str:
    """Encoding for a text stream whose first bytes are ``prefix`` (UTF-8 unless clearly not)."""
    for bom, encoding in _BOMS:
        if prefix.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no control characters, single spaces, paragraphs split by one
    blank line (``\\n\\n``), no leading or trailing blank lines."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    # NFC after the control characters are gone (removing one can bring a base letter and a
    # combining mark together) and before spacing (NFC maps some spaces to other spaces).
    text = unicodedata.normalize("NFC", text)
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def normalize_title(text: str) -> str:
    """Like :func:`normalize_text`, on one line."""
    return " ".join(normalize_text(text).split())


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Normalise each paragraph and join the non-empty ones with a blank line."""
    cleaned = (normalize_text(p) for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


class ChunkStream(io.RawIOBase):
    """A readable binary stream over an iterator of byte chunks (e.g. a sniffed prefix followed
    by the rest of a file, or a text stream encoded on the fly)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        super().__init__()
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]  # a view: no copy of the rest of the chunk
        return size
