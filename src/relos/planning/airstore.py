"""The process-wide airspace, and its derived data kept in the cache directory.

The state polygons, their sea belts and the corner graphs of the closed areas are derived
from the world-atlas file and the airspace law: `relos plan warm` builds them and pickles
them into $RELOS_CACHE_DIR, named by the hash of those inputs, so a new process loads them
instead of decoding the atlas again.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import threading
from datetime import date
from pathlib import Path

from relos.planning.air import Airspace
from relos.planning.airspace import digest_text as airspace_text
from relos.planning.airspace import load_airspace
from relos.planning.borders import Borders, atlas_path, borders
from relos.planning.network import cache_dir, read_cache, write_cache

_airspace: list[Airspace] = []
_loading = threading.Lock()
FORMAT = 1  # bump when the pickled layout changes


def cache_path() -> Path:
    """Derived airspace (polygons, sea belts, corner graphs) in the cache directory, named
    by the hash of its inputs: the world-atlas file, the airspace law and the format."""
    digest = hashlib.sha256(atlas_path().read_bytes())
    digest.update(airspace_text().encode())
    digest.update(str(FORMAT).encode())
    return cache_dir() / f"airspace-{digest.hexdigest()[:16]}.pickle"


def airspace() -> Airspace:
    """The process-wide airspace: from the cache `relos plan warm` writes, else decoded."""
    if not _airspace:
        with _loading:
            if not _airspace:
                _airspace.append(_load())
    return _airspace[0]


def _load() -> Airspace:
    law = load_airspace()
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
        cached = read_cache(cache_path())
        if isinstance(cached, tuple) and len(cached) == 2:
            states, areas = cached
            if isinstance(states, Borders) and isinstance(areas, dict):
                space = Airspace(law, states)
                space._areas.update(areas)
                return space
    return Airspace(law, borders())


def save_airspace(space: Airspace) -> Path:
    """Write the derived airspace to the cache (best effort), for the next process."""
    path = cache_path()
    with space._lock:
        areas = dict(space._areas)
    write_cache(path, (space.borders, areas))
    for old in path.parent.glob("airspace-*.pickle"):  # built from other inputs
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    return path


def warm_air(flags: tuple[str, ...], day: date) -> int:
    """Build the closed areas and their corner graphs the flags meet on the day; returns how
    many corners were joined (run by `relos plan warm`, and at server start)."""
    space = airspace()
    joined = 0
    for flag in flags:
        area = space.closed_area(space.closed(flag, day))
        if area is not None:
            for i in range(len(area.corners)):
                joined += len(area.corner_edges(i))
    return joined


def warm_and_save(flags: tuple[str, ...], day: date) -> int:
    """`relos plan warm`: join the corners, then keep everything in the cache."""
    joined = warm_air(flags, day)
    save_airspace(airspace())
    return joined
