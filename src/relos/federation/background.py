"""`relos serve --sync-every SECONDS`: sync with every peer in a background thread."""

from __future__ import annotations

import logging
import threading

from relos.kit.db import Database

log = logging.getLogger("relos.federation")


def start(db: Database, seconds: float) -> threading.Event:
    """Sync every `seconds` until the returned event is set; a failure is logged, not fatal."""
    from relos.federation.sync import sync

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            try:
                for party, result in sync(db).items():
                    if isinstance(result, str):
                        log.warning("sync with %s: %s", party, result)
            except Exception:  # one bad round must not end the loop
                log.exception("sync round failed")

    threading.Thread(target=loop, name="relos-sync", daemon=True).start()
    return stop
