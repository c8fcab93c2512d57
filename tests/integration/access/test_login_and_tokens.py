from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from relos.access import service
from relos.access.domain import SYSTEM, Principal
from relos.access.models import TokenRow
from relos.access.schemas import IssueToken, NewUser, RevokeToken, SetActive, SetPassword
from relos.audit.service import list_entries
from relos.events.models import EventRow
from relos.kit.db import Database
from relos.kit.errors import InvalidInput, NotFound, TooManyRequests, Unauthenticated
from relos.kit.timeutil import utcnow

PASSWORD = "s3cret-passphrase"


def add(db: Database, name: str = "in-logistics", party: str = "IN") -> None:
    with db.transaction() as session:
        service.add_user(
            session, NewUser(name=name, party=party, roles=("logistics",), password=PASSWORD)
        )


def test_login_returns_the_principal(database: Database) -> None:
    add(database)
    with database.transaction() as session:
        who = service.login(session, "in-logistics", PASSWORD, "10.0.0.1")
    assert (who.name, who.party, who.roles) == ("in-logistics", "IN", {"logistics"})


def test_wrong_password_and_unknown_user_read_the_same(database: Database) -> None:
    add(database)
    with database.transaction() as session:
        with pytest.raises(Unauthenticated) as wrong:
            service.login(session, "in-logistics", "nope-nope", "10.0.0.1")
        with pytest.raises(Unauthenticated) as unknown:
            service.login(session, "nobody", "nope-nope", "10.0.0.1")
    assert wrong.value.detail == unknown.value.detail


def test_failed_logins_are_rate_limited_even_for_the_right_password(database: Database) -> None:
    add(database)
    for _ in range(5):
        with database.transaction() as session, pytest.raises(Unauthenticated):
            service.login(session, "in-logistics", "guess-guess", "10.0.0.7")
    with database.transaction() as session, pytest.raises(TooManyRequests):
        service.login(session, "in-logistics", PASSWORD, "10.0.0.7")
    with database.transaction() as session:
        assert service.login(session, "in-logistics", PASSWORD, "10.0.0.8").name == "in-logistics"


def test_session_tokens_expire_and_log_out(database: Database) -> None:
    add(database)
    with database.transaction() as session:
        who = service.login(session, "in-logistics", PASSWORD, "c")
        token = service.start_session(session, who).token
        assert service.authenticate_token(session, token) == who
        row = session.scalar(select(TokenRow).order_by(TokenRow.id.desc()))
        assert row is not None and row.expires_at <= utcnow() + timedelta(hours=12)
        service.revoke_token(session, RevokeToken(token=token), who)
        with pytest.raises(Unauthenticated):
            service.authenticate_token(session, token)


def test_expired_revoked_and_disabled_tokens_fail(database: Database) -> None:
    add(database)
    with database.transaction() as session:
        expired = service.create_token(session, IssueToken(name="in-logistics", days=1)).token
        revoked = service.create_token(session, IssueToken(name="in-logistics", days=1)).token
        kept = service.create_token(session, IssueToken(name="in-logistics", days=1)).token
        for row in session.scalars(select(TokenRow)):
            if row.prefix == expired[:12]:
                row.expires_at = utcnow() - timedelta(seconds=1)
        tokens = service.list_tokens(session, "in-logistics")
        service.revoke_token(session, RevokeToken(id=tokens[1].id))
    with database.transaction() as session:
        for token in (expired, revoked):
            with pytest.raises(Unauthenticated):
                service.authenticate_token(session, token)
        assert service.authenticate_token(session, kept).name == "in-logistics"
        states = [t.state for t in service.list_tokens(session, "in-logistics")]
        assert states == ["expired", "revoked", "active"]
        service.set_active(session, SetActive(name="in-logistics", active=False))
        with pytest.raises(Unauthenticated):
            service.authenticate_token(session, kept)


def test_token_lifetime_is_bounded(database: Database) -> None:
    add(database)
    with database.transaction() as session:
        for days in (0, 400):
            with pytest.raises(InvalidInput):
                service.create_token(session, IssueToken(name="in-logistics", days=days))
        with pytest.raises(NotFound):
            service.create_token(session, IssueToken(name="nobody", days=5))


def test_no_secret_reaches_logs_or_the_audit_trail(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add(database)
    with database.transaction() as session:
        token = service.create_token(session, IssueToken(name="in-logistics")).token
        with pytest.raises(Unauthenticated) as failed:
            service.login(session, "in-logistics", "wrong-" + PASSWORD, "c")
        service.revoke_token(session, RevokeToken(token=token))
        # The trail as auditors read it: each event decoded from its signed leaf.
        trail = " ".join(str(e.detail) for e in list_entries(session, SYSTEM))
        stored = " ".join(r.token_hash for r in session.scalars(select(TokenRow)))
    for secret in (token, PASSWORD, "wrong-" + PASSWORD):
        assert secret not in caplog.text and secret not in trail and secret not in stored
        assert secret not in failed.value.detail
    assert token[:12] in trail, "the public prefix identifies a token in the trail"


def test_user_and_token_changes_are_audited(database: Database) -> None:
    add(database, "ru-finance", "RU")
    with database.transaction() as session:
        token = service.create_token(session, IssueToken(name="ru-finance")).token
        service.revoke_token(session, RevokeToken(token=token))
        service.set_password(session, SetPassword(name="ru-finance", password="another-passphrase"))
        rows = list(session.scalars(select(EventRow).order_by(EventRow.id)))[-4:]
    assert [r.type for r in rows] == [
        "user.added.v1",
        "token.issued.v1",
        "token.revoked.v1",
        "user.password_set.v1",
    ]
    assert {r.parties for r in rows} == {"RU"}


def test_a_partys_admin_cannot_revoke_the_partners_tokens(database: Database) -> None:
    add(database, "ru-finance", "RU")
    india_admin = Principal(99, "in-admin", "IN", frozenset({"admin"}))
    with database.transaction() as session:
        token = service.create_token(session, IssueToken(name="ru-finance")).token
        token_id = service.list_tokens(session, "ru-finance")[-1].id
        with pytest.raises(NotFound):
            service.revoke_token(session, RevokeToken(id=token_id), india_admin)
        with pytest.raises(NotFound):
            service.revoke_token(session, RevokeToken(token=token), india_admin)
        assert service.authenticate_token(session, token).name == "ru-finance"
