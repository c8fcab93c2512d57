"""Writers racing to extend the chain never fork it (advisory lock / BEGIN IMMEDIATE)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from relos.access.domain import SYSTEM
from relos.audit.service import record
from relos.audit.verify import verify
from relos.kit.db import Database

WRITERS, EACH = 6, 8


def _write(url: str, writer: int) -> None:
    db = Database(url)  # its own engine and connections, as another process would have
    try:
        for i in range(EACH):
            with db.transaction() as session:
                record(session, SYSTEM, "test.race", "thing", f"{writer}-{i}", ["IN", "RU"])
    finally:
        db.dispose()


def test_racing_writers_keep_one_chain(database: Database) -> None:
    with database.transaction(write=False) as session:
        before = verify(session, SYSTEM).entries
    with ThreadPoolExecutor(WRITERS) as pool:
        for future in [pool.submit(_write, database.url, w) for w in range(WRITERS)]:
            future.result()
    with database.transaction(write=False) as session:
        verdict = verify(session, SYSTEM)
    assert verdict.whole, verdict.broken
    assert verdict.entries == before + WRITERS * EACH
