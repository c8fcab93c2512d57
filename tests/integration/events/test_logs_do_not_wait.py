"""Appends to different logs never wait on each other (PostgreSQL: one lock per log)."""

from __future__ import annotations

import threading
import time

import pytest

from relos.access.domain import SYSTEM
from relos.audit.service import record
from relos.audit.verify import verify
from relos.kit.db import Database

pytestmark = pytest.mark.postgres


def test_an_open_append_to_one_log_does_not_block_another(postgres_database: Database) -> None:
    db = postgres_database
    holding, release = threading.Event(), threading.Event()

    def hold_log_a() -> None:
        with db.transaction() as session:
            record(session, SYSTEM, "test.hold", "thing", "a", ["IN"], log="log-a")
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold_log_a)
    holder.start()
    assert holding.wait(30)
    started = time.monotonic()
    with db.transaction() as session:  # another agreement's log: no wait
        record(session, SYSTEM, "test.other", "thing", "b", ["RU"], log="log-b")
    other_log = time.monotonic() - started

    blocked = threading.Event()

    def same_log() -> None:
        with db.transaction() as session:
            record(session, SYSTEM, "test.same", "thing", "c", ["IN"], log="log-a")
        blocked.set()

    waiter = threading.Thread(target=same_log)
    waiter.start()
    time.sleep(1.0)
    waited = not blocked.is_set()  # the same log waits for the holder's commit
    release.set()
    holder.join(30)
    waiter.join(30)
    assert other_log < 5.0 and waited and blocked.is_set()
    with db.transaction(write=False) as session:
        assert verify(session, SYSTEM).whole
