"""Random sequences of commands through the services; after each, replay equals the state.

Each step runs one command in its own transaction (refusals roll back and change nothing),
then rebuilds every projection from the event log inside a rolled-back transaction and
compares it with the live tables, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.deployments.deployment_bodies import (
    IN_LIAISON,
    IN_PLANNER,
    RU_LIAISON,
    RU_PLANNER,
    filing,
    personnel,
    warship,
)

from relos.access import service as access
from relos.access.domain import Principal
from relos.access.schemas import IssueToken, NewUser, RevokeToken, SetActive, SetPassword
from relos.agreements import service as agreements
from relos.agreements.schemas import ConsentIn as AgreementConsentIn
from relos.deployments import service as deployments
from relos.deployments.models import DeploymentRow
from relos.deployments.schemas import AmendmentIn, CompletionIn, ConsentIn, FilingIn
from relos.events import replay
from relos.kit.db import Database
from relos.kit.errors import RelosError

IN_ADMIN = Principal(106, "in-admin", "IN", frozenset({"admin"}))
RU_ADMIN = Principal(107, "ru-admin", "RU", frozenset({"admin"}))
NAMES = ("in-a", "in-b", "ru-a")

Step = Callable[[Session], Any]


def _deployment(session: Session, pick: int) -> str | None:
    ids = sorted(session.scalars(select(DeploymentRow.id)))
    return ids[pick % len(ids)] if ids else None


def file_step(party: str, ships: int, crew: int, start: int, length: int, exc: bool) -> Step:
    def step(session: Session) -> Any:
        caller = IN_PLANNER if party == "IN" else RU_PLANNER
        facility = "RUVVO" if party == "IN" else "INVTZ"
        elements = [warship(f"H{party}{i}", start, start + length, facility) for i in range(ships)]
        elements.append(personnel(crew, start, start + length, facility))
        body = filing(*elements, party=party, request_exception=exc, justification="x")
        return deployments.file(session, caller, FilingIn.model_validate(body))

    return step


def change_step(kind: str, pick: int, title: str) -> Step:
    def step(session: Session) -> Any:
        target = _deployment(session, pick)
        if target is None:
            return None
        row = session.get(DeploymentRow, target)
        assert row is not None
        planner = IN_PLANNER if row.deploying_party == "IN" else RU_PLANNER
        liaison = RU_LIAISON if row.host_party == "RU" else IN_LIAISON
        if kind in ("approve", "decline"):
            decision = ConsentIn(decision="approve" if kind == "approve" else "decline", note=title)
            return deployments.consent(session, liaison, target, decision)
        if kind == "cancel":
            return deployments.cancel(session, planner, target)
        if kind == "complete":
            end = row.starts + (row.ends - row.starts) / 2
            return deployments.complete(session, planner, target, CompletionIn(actual_end=end))
        _, tag = deployments.get_deployment(session, planner, target)
        return deployments.amend(session, planner, target, AmendmentIn(title=title), tag)

    return step


def user_step(kind: str, pick: int, days: int) -> Step:
    name = NAMES[pick % len(NAMES)]

    def step(session: Session) -> Any:
        if kind == "add":
            return access.add_user(
                session,
                NewUser(
                    name=name, party=name[:2].upper(), roles=("planner",), password="passphrase1"
                ),
            )
        if kind == "token":
            return access.create_token(session, IssueToken(name=name, days=days)).token
        if kind == "revoke":
            tokens = access.list_tokens(session, name)
            return (
                access.revoke_token(session, RevokeToken(id=tokens[days % len(tokens)].id))
                if tokens
                else None
            )
        if kind == "disable":
            return access.set_active(session, SetActive(name=name, active=days % 2 == 0))
        return access.set_password(session, SetPassword(name=name, password=f"passphrase-{days}"))

    return step


def consent_step(party: str, years: int) -> Step:
    def step(session: Session) -> Any:
        caller = IN_ADMIN if party == "IN" else RU_ADMIN
        command = AgreementConsentIn(party=party, extend_years=years)
        return agreements.record_consent(session, caller, "in-ru-relos", command)

    return step


steps = st.one_of(
    st.builds(
        file_step,
        st.sampled_from(["IN", "RU"]),
        st.integers(0, 6),
        st.integers(1, 900),
        st.integers(0, 60),
        st.integers(1, 30),
        st.booleans(),
    ),
    st.builds(
        change_step,
        st.sampled_from(["approve", "decline", "cancel", "complete", "amend"]),
        st.integers(0, 20),
        st.text("abc ", min_size=1, max_size=8).filter(str.strip),
    ),
    st.builds(
        user_step,
        st.sampled_from(["add", "token", "revoke", "disable", "password"]),
        st.integers(0, 5),
        st.integers(1, 40),
    ),
    st.builds(consent_step, st.sampled_from(["IN", "RU"]), st.integers(1, 10)),
)


@pytest.mark.slow
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=6))
def test_replaying_the_events_gives_the_live_tables(
    database: Database, sequence: list[Step]
) -> None:
    for step in sequence:
        try:
            with database.transaction() as session:
                step(session)
        except RelosError:
            pass  # refused: nothing changed, and replay must agree
        difference = replay.check_in_place(database)
        assert difference is None, str(difference)
