"""Near-duplicate articles: syndicated and lightly edited copies linked to their original.

A text is read as a set of word *shingles* (``shingle`` consecutive words of the body, after the
wire dateline is dropped, the text lower-cased and its punctuation stripped) and a set of
*facts*: the numbers (but years) and the words written with a capital inside a sentence (names).
A :class:`Signature` keeps a MinHash of the shingles (datasketch, ``num_perm`` 32-bit values,
fixed seed), the number of distinct shingles and the ``FACTS`` smallest hashes of the facts.
Only signatures are kept, never the texts or the shingle sets.

An article added to :class:`NearDuplicateIndex` is compared with the earlier articles whose
signatures share an LSH band (``bands`` bands of ``rows`` values; a pair of Jaccard similarity
``s`` shares one with probability ``1 - (1 - s**rows)**bands``). It is a copy of one of them when

* the *containment* of the smaller text in the other, estimated from the Jaccard similarity
  ``J`` and the sizes as ``J * (n1 + n2) / ((1 + J) * min(n1, n2))``, reaches ``threshold``: a
  copy cut to its first half keeps a containment near 1 though its ``J`` falls to 0.5;
* and the facts agree: at least ``fact_threshold`` of the names and numbers of the text with
  fewer of them are found in the other. Two reports of two happenings of one kind share the
  wire's phrases ("militants attacked army positions around the town of ...") and often a
  background paragraph word for word, but not their tolls, days, people and places.

A copy is linked to the earliest article of its family (a copy of a copy to the first original).
Signatures are kept in numpy blocks, the band table in sorted numpy arrays (12 bytes per band
and article) with a small dict for the latest entries, merged into the arrays as it grows;
datasketch's ``MinHashLSH`` keeps a Python set per band key (about 11 KB per article at these
settings). See ``docs/eval/neardup.md`` for the parameters and what they score.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from eventwatch.dateline import find_dateline
from eventwatch.errors import ConfigError, StoreError

THRESHOLD = 0.6  # containment of the smaller text in the other that makes it a copy
FACT_THRESHOLD = 0.8  # share of the names and numbers of one text found in the other
NUM_PERM = 128
SHINGLE = 4  # words per shingle
BANDS = 32
ROWS = 2  # 32 bands of 2: found at Jaccard 0.3 with probability 0.95, at 0.4 with 0.995
SEED = 1
SCHEME = "affine32"  # datasketch's permutation scheme (32-bit values)
FACTS = 64  # names and numbers kept per text (the smallest hashes: a bottom-k sketch)
MIN_FACTS = 3  # fewer names and numbers than this: the shingles alone decide
NEAR_IDENTICAL = 0.8  # a Jaccard similarity this high is reported as "near-identical"
MIN_SHINGLES = 8  # a smaller text links only when nearly identical (its estimate is too rough)

_MAGIC = b"EWND"
_VERSION = 1
# magic, version, shingle, num_perm, seed, shingles, facts (distinct), facts kept
_HEADER = struct.Struct("<4sBBHIIIH")
_JOINED = re.compile(r"(?<=\w)[’'.,-](?=\w)")  # "3,000", "al-Shabaab", "group's", "U.S"
_WORD = re.compile(r"[^\W_]+")
_CAPITALISED = re.compile(r"(?<![^\W_])[A-ZÀ-ÖØ-Þ][^\W_]*")
# what comes before the first word of a sentence: a stop, a colon, a blank line, the start
_OPENS = re.compile(r"(?:^|[.!?:]|\n\s*\n)[\s\"“‘'(\[]*$")
_YEAR = re.compile(r"(?:19|20)\d\d")
_PRIME = np.uint64(0x100000001B3)  # mixes the word hashes of a shingle
_MASK32 = np.uint64(0xFFFFFFFF)
_BAND_SALT = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.empty(0, dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """``article_id`` is a copy of ``original_id`` (the earliest article of its family)."""

    article_id: str
    original_id: str
    similarity: float  # estimated Jaccard similarity of the shingle sets
    containment: float  # estimated share of the smaller text's shingles found in the other
    reason: str


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    """What the index keeps of a text (``to_bytes`` is about 0.8 KB at the defaults)."""

    hashes: np.ndarray  # uint32 MinHash values of the shingles
    size: int  # distinct shingles; 0 for a text without words
    facts: np.ndarray  # uint32, sorted: the smallest hashes of the names and numbers
    fact_count: int  # distinct names and numbers in the text
    shingle: int = SHINGLE
    seed: int = SEED

    def to_bytes(self) -> bytes:
        header = _HEADER.pack(
            _MAGIC,
            _VERSION,
            self.shingle,
            len(self.hashes),
            self.seed,
            self.size,
            self.fact_count,
            len(self.facts),
        )
        return header + self.hashes.astype("<u4").tobytes() + self.facts.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """Read :meth:`to_bytes` output; raises :class:`StoreError` on anything else."""
        if len(data) < _HEADER.size:
            raise StoreError(f"near-duplicate signature too short ({len(data)} bytes)")
        magic, version, shingle, num_perm, seed, size, fact_count, kept = _HEADER.unpack_from(data)
        if magic != _MAGIC or version != _VERSION:
            raise StoreError("not a near-duplicate signature (or of another version)")
        if len(data) != _HEADER.size + 4 * (num_perm + kept):
            raise StoreError(f"near-duplicate signature of {len(data)} bytes is cut or padded")
        values = np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
        return cls(values[:num_perm], size, values[num_perm:], fact_count, shingle, seed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    __hash__ = None  # type: ignore[assignment]


# ------------------------------------------------------------------------------------ text
def read_text(title: str, text: str) -> tuple[list[str], set[str]]:
    """The words compared (the body without its dateline, lower case, no punctuation; the
    title joins in only when the body has fewer than ``MIN_SHINGLES`` words) and the facts:
    numbers but years, and words written with a capital after the start of a sentence."""
    dateline = find_dateline(text)
    words, facts = _read(text[dateline.end :] if dateline else text)
    if len(words) < MIN_SHINGLES:
        words = _read(title)[0] + words
    return words, facts


def _read(text: str) -> tuple[list[str], set[str]]:
    joined = _JOINED.sub("", text)
    words = _WORD.findall(joined.lower())
    facts = {t.lower() for t in _WORD.findall(joined) if not t.isalpha() and not _YEAR.fullmatch(t)}
    for match in _CAPITALISED.finditer(joined):
        if not _OPENS.search(joined, max(0, match.start() - 12), match.start()):
            facts.add(match[0].lower())
    return words, facts


def _crc(words: list[str] | set[str]) -> np.ndarray:
    return np.fromiter((zlib.crc32(w.encode()) for w in words), np.uint64, len(words))


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the ``size``-word shingles (one shingle if fewer words)."""
    if not words:
        return _EMPTY
    hashed = _crc(words)
    width = min(size, len(hashed))
    count = len(hashed) - width + 1
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        mixed = mixed * _PRIME + hashed[offset : offset + count]
    return np.unique(((mixed >> np.uint64(32)) ^ mixed) & _MASK32).astype(np.uint32)


def fact_agreement(a: Signature, b: Signature) -> float | None:
    """Share of the facts of the text with fewer of them found in the other (estimated from
    the two bottom-k sketches below the smaller of their cut-offs); None when it has fewer than
    ``MIN_FACTS``."""
    small, large = (a, b) if a.fact_count <= b.fact_count else (b, a)
    if small.fact_count < MIN_FACTS:
        return None
    limit = min(int(s.facts[-1]) if s.fact_count > len(s.facts) else 2**32 for s in (a, b))
    sample = small.facts[small.facts <= limit]
    return float(np.isin(sample, large.facts).mean()) if len(sample) else None


# ------------------------------------------------------------------------------------ storage
class _BandTable:
    """Band key -> article numbers: sorted arrays for the bulk, a dict for the latest entries."""

    MIN_RECENT = 65_536

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.uint64)
        self._numbers = np.empty(0, dtype=np.int32)
        self._recent: dict[int, list[int]] = {}
        self._pending = 0

    def add(self, keys: np.ndarray, number: int) -> None:
        for key in keys.tolist():
            self._recent.setdefault(key, []).append(number)
        self._pending += len(keys)
        if self._pending >= max(self.MIN_RECENT, len(self._keys) // 8):
            self._merge()

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Sorted distinct numbers of the articles holding any of ``keys``."""
        starts = np.searchsorted(self._keys, keys, side="left").tolist()
        ends = np.searchsorted(self._keys, keys, side="right").tolist()
        found = [self._numbers[a:b] for a, b in zip(starts, ends, strict=True) if b > a]
        found += [
            np.asarray(self._recent[k], dtype=np.int32) for k in keys.tolist() if k in self._recent
        ]
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int32)

    def _merge(self) -> None:
        keys = np.empty(self._pending, dtype=np.uint64)
        numbers = np.empty(self._pending, dtype=np.int32)
        i = 0
        for key, owners in self._recent.items():
            keys[i : i + len(owners)], numbers[i : i + len(owners)] = key, owners
            i += len(owners)
        order = np.argsort(keys, kind="stable")
        keys, numbers = keys[order], numbers[order]
        at = np.searchsorted(self._keys, keys, side="right")  # after the older entries
        self._keys = np.insert(self._keys, at, keys)
        self._numbers = np.insert(self._numbers, at, numbers)
        self._recent, self._pending = {}, 0

    @property
    def nbytes(self) -> int:
        return self._keys.nbytes + self._numbers.nbytes + 120 * self._pending


class _Rows:
    """Rows of fixed width kept in blocks of ``BLOCK`` rows: growing never copies (a block is
    zeroed by the OS as it is first written)."""

    BLOCK = 16_384

    def __init__(self, width: int, dtype: type[np.generic]) -> None:
        self.shape = (self.BLOCK, width) if width else (self.BLOCK,)
        self.dtype = dtype
        self.blocks: list[np.ndarray] = []
        self.count = 0

    def append(self, row: np.ndarray | int) -> None:
        block, at = divmod(self.count, self.BLOCK)
        if block == len(self.blocks):
            self.blocks.append(np.zeros(self.shape, dtype=self.dtype))
        if isinstance(row, np.ndarray):
            self.blocks[block][at, : len(row)] = row
        else:
            self.blocks[block][at] = row
        self.count += 1

    def __getitem__(self, number: int) -> np.ndarray:
        return self.blocks[number // self.BLOCK][number % self.BLOCK]

    def take(self, numbers: np.ndarray) -> np.ndarray:
        """The rows of ``numbers`` (in that order)."""
        blocks, offsets = np.divmod(numbers, self.BLOCK)
        out = np.empty((len(numbers), *self.shape[1:]), dtype=self.dtype)
        for block in np.unique(blocks).tolist():
            chosen = blocks == block
            out[chosen] = self.blocks[block][offsets[chosen]]
        return out

    @property
    def nbytes(self) -> int:
        return sum(b.nbytes for b in self.blocks)


# ------------------------------------------------------------------------------------ index
class NearDuplicateIndex:
    """An incremental index of article signatures that links copies to their original."""

    def __init__(
        self,
        *,
        threshold: float = THRESHOLD,
        fact_threshold: float = FACT_THRESHOLD,
        num_perm: int = NUM_PERM,
        shingle: int = SHINGLE,
        bands: int = BANDS,
        rows: int = ROWS,
        seed: int = SEED,
    ) -> None:
        if not (0 < threshold <= 1 and 0 <= fact_threshold <= 1):
            raise ConfigError(
                f"near-duplicate thresholds must be in (0, 1], not {threshold} and {fact_threshold}"
            )
        if not 1 <= shingle <= 255 or num_perm < 8 or min(bands, rows) < 1:
            raise ConfigError(
                f"near-duplicate index: need 1 <= shingle <= 255, num_perm >= 8, "
                f"bands and rows >= 1 (got {shingle}, {num_perm}, {bands}x{rows})"
            )
        if bands * rows > num_perm:
            raise ConfigError(
                f"near-duplicate index: {bands} bands of {rows} need more than "
                f"{num_perm} MinHash values"
            )
        self.threshold, self.fact_threshold = threshold, fact_threshold
        self.num_perm, self.shingle, self.seed = num_perm, shingle, seed
        self.bands, self.rows = bands, rows
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, scheme=SCHEME)
        self._mix = np.random.default_rng(seed).integers(1, 2**63, rows, dtype=np.uint64) | 1
        self._salts = np.arange(bands, dtype=np.uint64) * _BAND_SALT
        self._ids: list[str] = []
        self._numbers: dict[str, int] = {}
        self._links: dict[int, NearDuplicate] = {}
        self._hashes = _Rows(num_perm, np.uint32)
        self._sizes = _Rows(0, np.int32)
        self._facts = _Rows(FACTS, np.uint32)
        self._fact_counts = _Rows(0, np.int32)
        self._roots = _Rows(0, np.int32)  # the number of each article's original
        self._table = _BandTable()
        self.compared = 0  # candidate pairs compared so far (the LSH's work)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._numbers

    def signature(self, title: str, text: str) -> Signature:
        """The signature of a text under this index's settings (store its ``to_bytes()`` to
        rebuild the index later without the texts)."""
        words, facts = read_text(title, text)
        hashes = shingle_hashes(words, self.shingle)
        minhash = self._template.copy()
        if len(hashes):
            minhash.update_batch(hashes.tolist())
        fact_hashes = np.unique(_crc(facts).astype(np.uint32))
        return Signature(
            minhash.hashvalues.astype(np.uint32),
            len(hashes),
            fact_hashes[:FACTS],
            len(fact_hashes),
            self.shingle,
            self.seed,
        )

    def add(self, article_id: str, title: str, text: str) -> NearDuplicate | None:
        """Index an article; its link when it copies an earlier one. Adding an id again
        changes nothing and returns its first answer."""
        if article_id in self._numbers:
            return self.link(article_id)
        return self.add_signature(article_id, self.signature(title, text))

    def add_signature(self, article_id: str, signature: Signature) -> NearDuplicate | None:
        """:meth:`add` from a stored signature (articles re-added in their first order get
        the same links)."""
        if article_id in self._numbers:
            return self.link(article_id)
        found = self.match(signature)
        number = len(self._ids)
        self._ids.append(article_id)
        self._numbers[article_id] = number
        self._hashes.append(signature.hashes)
        self._sizes.append(signature.size)
        self._facts.append(signature.facts[:FACTS])
        self._fact_counts.append(signature.fact_count)
        self._roots.append(number if found is None else self._numbers[found.original_id])
        if found is not None:
            found = NearDuplicate(
                article_id, found.original_id, found.similarity, found.containment, found.reason
            )
            self._links[number] = found
        if signature.size:
            self._table.add(self._band_keys(signature.hashes), number)
        return found

    def link(self, article_id: str) -> NearDuplicate | None:
        """The link found when ``article_id`` was added (None: an original, or unknown)."""
        number = self._numbers.get(article_id)
        return None if number is None else self._links.get(number)

    def original_of(self, article_id: str) -> str | None:
        """The earliest article of ``article_id``'s family (itself for an original)."""
        number = self._numbers.get(article_id)
        return None if number is None else self._ids[int(self._roots[number])]

    def match(self, signature: Signature) -> NearDuplicate | None:
        """The earlier article a signature copies, without adding it (``article_id`` empty)."""
        self._check(signature)
        if signature.size == 0 or not self._ids:
            return None
        candidates = self._table.find(self._band_keys(signature.hashes))
        self.compared += len(candidates)
        if len(candidates) == 0:
            return None
        similarity = (self._hashes.take(candidates) == signature.hashes).mean(axis=1)
        sizes = self._sizes.take(candidates).astype(np.float64)
        smaller = np.minimum(sizes, signature.size)
        common = similarity * (sizes + signature.size) / (1 + similarity)
        containment = np.minimum(common / np.maximum(smaller, 1), 1.0)
        ok = (containment >= self.threshold) & (sizes > 0)
        ok &= (smaller >= MIN_SHINGLES) | (similarity >= NEAR_IDENTICAL)
        passed = np.flatnonzero(ok)
        # the strongest evidence first; among equals the earliest article
        keys = (candidates[passed], -similarity[passed], -containment[passed])
        for i in passed[np.lexsort(keys)]:
            number = int(candidates[i])
            agreement = fact_agreement(signature, self._stored(number))
            if agreement is None or agreement >= self.fact_threshold:
                return self._describe(
                    number, float(similarity[i]), float(containment[i]), agreement, signature.size
                )
        return None

    def _stored(self, number: int) -> Signature:
        count = int(self._fact_counts[number])
        facts = self._facts[number][: min(count, FACTS)]
        hashes = self._hashes[number]
        return Signature(hashes, int(self._sizes[number]), facts, count, self.shingle, self.seed)

    def _describe(
        self, number: int, similarity: float, containment: float, facts: float | None, size: int
    ) -> NearDuplicate:
        root = int(self._roots[number])
        other = int(self._sizes[number])
        if similarity >= NEAR_IDENTICAL:
            how = f"near-identical text (Jaccard {similarity:.2f})"
        else:
            part = "the new text" if size <= other else "the earlier text"
            how = (
                f"{containment:.0%} of {part} found in the other (Jaccard {similarity:.2f}, "
                f"{size} and {other} shingles)"
            )
        how += "" if facts is None else f", {facts:.0%} of the names and numbers shared"
        via = f", via its copy {self._ids[number]}" if root != number else ""
        return NearDuplicate(
            "", self._ids[root], round(similarity, 4), round(containment, 4), how + via
        )

    def _band_keys(self, hashes: np.ndarray) -> np.ndarray:
        block = hashes[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        return (block * self._mix).sum(axis=1, dtype=np.uint64) ^ self._salts

    def _check(self, signature: Signature) -> None:
        made = (len(signature.hashes), signature.shingle, signature.seed)
        if made != (self.num_perm, self.shingle, self.seed):
            raise StoreError(
                f"signature made with num_perm, shingle, seed = {made}; this index uses "
                f"{(self.num_perm, self.shingle, self.seed)}: recompute the signatures"
            )

    @property
    def nbytes(self) -> int:
        """Bytes held in arrays: signatures, sizes, facts, links to originals, band table (the
        ids and the links found are Python objects on top)."""
        arrays = (self._hashes, self._sizes, self._facts, self._fact_counts, self._roots)
        return sum(a.nbytes for a in arrays) + self._table.nbytes
