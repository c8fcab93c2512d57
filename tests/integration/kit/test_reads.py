"""Database.reads: the sessions of authentication, validation, headroom and lists.

On PostgreSQL they run outside a transaction; each statement must still see what other
connections committed before it, and nothing a reads() session does may be left open.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from relos.access import service as access
from relos.access.schemas import IssueToken, NewUser, RevokeToken
from relos.kit.db import Database
from relos.kit.errors import Unauthenticated


def test_each_read_sees_what_another_connection_committed_before_it(database: Database) -> None:
    with database.transaction() as session:
        access.add_user(session, NewUser(name="in-reader", party="IN", roles=("planner",)))
        token = access.create_token(session, IssueToken(name="in-reader")).token
    with database.reads() as reading:
        assert access.authenticate_token(reading, token).name == "in-reader"
        # Revoked by another connection between two statements of this session: on
        # PostgreSQL the next statement sees it (as READ COMMITTED in a transaction would);
        # SQLite's read transaction keeps its snapshot until it ends.
        with database.transaction() as other:
            access.revoke_token(other, RevokeToken(token=token))
        if not database.sqlite:
            with pytest.raises(Unauthenticated):
                access.authenticate_token(reading, token)
    with database.reads() as reading, pytest.raises(Unauthenticated):
        access.authenticate_token(reading, token)


def test_on_postgresql_no_transaction_spans_two_reads(database: Database) -> None:
    if database.sqlite:
        # SQLite: an ordinary read transaction (BEGIN is emitted by relos itself).
        with database.reads() as session:
            assert session.execute(select(1)).scalar() == 1
        return
    with database.reads() as session:
        first = session.execute(text("SELECT now()")).scalar()
        session.execute(text("SELECT pg_sleep(0.01)"))
        second = session.execute(text("SELECT now()")).scalar()
        # now() is the transaction's start: it moves only when each statement is its own.
        assert first is not None and second is not None and second > first
    with database.transaction(write=False) as session:
        first = session.execute(text("SELECT now()")).scalar()
        session.execute(text("SELECT pg_sleep(0.01)"))
        assert session.execute(text("SELECT now()")).scalar() == first
