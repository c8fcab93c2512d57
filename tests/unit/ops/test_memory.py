"""A served worker's collector: long-lived objects frozen, young collections rarer."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from relos.ops import memory
from relos.planning import service as planning


@pytest.fixture
def collector() -> Iterator[None]:
    """The test process's collector as it was, afterwards."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_what_lives_at_the_call_is_frozen_and_later_garbage_is_still_collected(
    collector: None,
) -> None:
    gc.unfreeze()
    kept = [[n] for n in range(1000)]
    memory.keep_long_lived()
    assert gc.get_freeze_count() >= len(kept)
    # A cycle made after the freeze is in the young generations and is collected.
    cycle = _Node()
    cycle.peer = cycle
    watched = weakref.ref(cycle)
    del cycle
    gc.collect()
    assert watched() is None


class _Node:
    peer: object = None


def test_young_collections_wait_for_more_allocations_and_older_ratios_stay(
    collector: None,
) -> None:
    _, middle, old = gc.get_threshold()
    memory.tune_collector()
    assert gc.get_threshold() == (memory.YOUNG_THRESHOLD, middle, old)


def test_the_planner_runs_what_follows_once_its_network_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order: list[str] = []
    monkeypatch.setattr(planning, "_load", lambda: order.append("loaded"))
    planning.load_in_background(then=lambda: order.append("then")).join(timeout=10)
    assert order == ["loaded", "then"]
    planning.load_in_background().join(timeout=10)
    assert order == ["loaded", "then", "loaded"]
    assert not any(t.name == "relos-planner-load" for t in threading.enumerate())
