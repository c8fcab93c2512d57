"""The catalog loads once, and a caller on another thread waits for a load in progress."""

from __future__ import annotations

import threading
import time

import pytest

import relos.registry
from relos.events import catalog


def test_a_second_caller_waits_for_the_load_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog.load()  # the real load; the modules stay imported
    monkeypatch.setattr(catalog, "_loaded", False)
    imported: list[str] = []

    def slow_parts(kind: str) -> list[object]:
        time.sleep(0.2)  # importing the features takes a while on a busy worker
        imported.append(kind)
        return []

    monkeypatch.setattr(relos.registry, "parts", slow_parts)
    first = threading.Thread(target=catalog.load)
    first.start()
    time.sleep(0.05)
    catalog.load()  # a request on another thread, while the first is still importing
    assert imported == ["events", "projections"], "returned before the load ended"
    first.join()
    catalog.load()
    assert imported == ["events", "projections"], "loaded twice"
    assert catalog.projector_for("support_order.raised.v1") is not None
