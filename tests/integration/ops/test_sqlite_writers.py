"""SQLite writers of one process take turns on a lock, not on SQLite's busy timer."""

from __future__ import annotations

import itertools
import threading
import time

from sqlalchemy import text

from relos.kit.db import Database


def test_a_writer_starts_when_the_last_one_ends_and_all_get_in(
    sqlite_database: Database,
) -> None:
    other = Database(sqlite_database.url, sqlite_database.data_dir)  # another pool, same file
    spans: list[tuple[float, float]] = []

    def write(db: Database, hold: float) -> None:
        with db.transaction() as session:
            began = time.monotonic()
            session.execute(text("SELECT COUNT(*) FROM events"))
            time.sleep(hold)
            spans.append((began, time.monotonic()))

    try:
        threads = [
            threading.Thread(target=write, args=(db, 0.05)) for db in (sqlite_database, other) * 6
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other.dispose()
    assert len(spans) == 12
    spans.sort()
    for (_, ended), (began, _) in itertools.pairwise(spans):
        assert began >= ended, "two write transactions of one process overlapped"


def test_reads_do_not_wait_for_a_writer(sqlite_database: Database) -> None:
    holding, done = threading.Event(), threading.Event()

    def hold_the_write() -> None:
        with sqlite_database.transaction():
            holding.set()
            done.wait(5)

    writer = threading.Thread(target=hold_the_write)
    writer.start()
    try:
        assert holding.wait(5)
        began = time.monotonic()
        with sqlite_database.transaction(write=False) as session:
            session.execute(text("SELECT 1"))
        assert time.monotonic() - began < 1
    finally:
        done.set()
        writer.join()
