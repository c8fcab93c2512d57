"""Replaying the event log rebuilds the same read tables, and a tampered row is caught."""

from __future__ import annotations

from sqlalchemy import text

from relos.access import service as access
from relos.access.schemas import IssueToken, NewUser, RevokeToken, SetActive, SetPassword
from relos.events import replay
from relos.kit.db import Database


def _users_and_tokens(db: Database) -> None:
    with db.transaction() as session:
        access.add_user(
            session,
            NewUser(name="in-planner", party="IN", roles=("planner",), password="long-passphrase"),
        )
        access.add_user(
            session, NewUser(name="ru-finance", party="RU", roles=("finance", "logistics"))
        )
        token = access.create_token(session, IssueToken(name="in-planner", days=10)).token
        access.create_token(session, IssueToken(name="ru-finance", days=3))
        access.set_active(session, SetActive(name="ru-finance", active=False))
        access.set_password(session, SetPassword(name="in-planner", password="another-passphrase"))
        access.revoke_token(session, RevokeToken(token=token))


def test_check_finds_the_live_tables_rebuilt(database: Database) -> None:
    _users_and_tokens(database)
    assert replay.check(database) is None


def test_check_names_a_row_changed_behind_its_back(database: Database) -> None:
    _users_and_tokens(database)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = true WHERE name = 'ru-finance'"))
    difference = replay.check(database)
    assert difference is not None and difference.table == "users"
    assert "ru-finance" in difference.detail


def test_rebuild_in_place_gives_the_same_rows(database: Database) -> None:
    _users_and_tokens(database)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE users SET party = 'US' WHERE name = 'ru-finance'"))
    assert replay.check(database) is not None
    with database.transaction() as session:
        assert replay.rebuild(session) > 0
    assert replay.check(database) is None
