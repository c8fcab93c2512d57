"""Reading the trail: each party's auditors see the entries of their party's records only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relos.access.domain import SYSTEM, Principal
from relos.audit.service import list_entries, record
from relos.kit.db import Database
from relos.kit.errors import Forbidden
from relos.kit.timeutil import utcnow


def auditor(party: str) -> Principal:
    return Principal(1, f"{party.lower()}-auditor", party, frozenset({"auditor"}))


def test_scoping_is_done_in_the_query(database: Database) -> None:
    with database.transaction() as session:
        for record_id, parties in [("a", ["IN", "RU"]), ("b", ["RU"]), ("c", ["AU", "IN", "RU"])]:
            record(session, SYSTEM, "test.touch", "thing", record_id, parties)
        record(session, SYSTEM, "test.touch", "thing", "d", ["US", "IN"])

    def seen(party: str) -> list[str]:
        with database.transaction(write=False) as session:
            entries = list_entries(session, auditor(party))
        return [e.record_id for e in entries if e.record_type == "thing"]

    assert seen("IN") == ["a", "c", "d"]
    assert seen("RU") == ["a", "b", "c"]
    assert seen("US") == ["d"]
    assert seen("AU") == ["c"]
    assert seen("I") == []


def test_since_and_limit(database: Database) -> None:
    with database.transaction() as session:
        for i in range(5):
            record(session, SYSTEM, "test.touch", "thing", str(i), ["IN"])
    with database.transaction(write=False) as session:
        everything = list_entries(session, SYSTEM)
        two = list_entries(session, SYSTEM, after_id=everything[-4].id, limit=2)
        later = list_entries(session, SYSTEM, since=utcnow() + timedelta(minutes=1))
    assert [e.record_id for e in two] == ["2", "3"]
    assert later == []


def test_only_auditors_and_admins_read_it(database: Database) -> None:
    clerk = Principal(2, "in-logistics", "IN", frozenset({"logistics", "finance"}))
    with database.transaction(write=False) as session, pytest.raises(Forbidden):
        list_entries(session, clerk)
