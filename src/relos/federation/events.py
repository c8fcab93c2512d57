"""The federation's part of the event log: loading it registers the outbox's append hook
(the catalogue imports every feature's `events` module before the first event is recorded).
"""

from __future__ import annotations

from relos.federation import outbox

__all__ = ["outbox"]
