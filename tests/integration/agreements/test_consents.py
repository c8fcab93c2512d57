from __future__ import annotations

import pytest

from relos.access.domain import Principal
from relos.agreements import service
from relos.agreements.schemas import ConsentIn
from relos.kit.db import Database
from relos.kit.errors import Forbidden, InvalidInput, NotFound

IN_ADMIN = Principal(1, "in-admin", "IN", frozenset({"admin"}))
RU_ADMIN = Principal(2, "ru-admin", "RU", frozenset({"admin"}))
US_ADMIN = Principal(3, "us-admin", "US", frozenset({"admin"}))
IN_VIEWER = Principal(4, "in-viewer", "IN", frozenset({"viewer"}))


def test_list_is_filtered_by_party_in_the_query(database: Database) -> None:
    with database.transaction(write=False) as session:
        india = {a.id for a in service.list_agreements(session, IN_ADMIN)}
        russia = {a.id for a in service.list_agreements(session, RU_ADMIN)}
        usa = {a.id for a in service.list_agreements(session, US_ADMIN)}
    assert len(india) == 5
    assert russia == {"in-ru-relos"}
    assert usa == {"in-us-lemoa"}


def test_other_parties_cannot_see_an_agreement(database: Database) -> None:
    with database.transaction(write=False) as session, pytest.raises(NotFound):
        service.get_agreement(session, US_ADMIN, "in-ru-relos")


def test_term_moves_only_when_both_parties_consent(database: Database) -> None:
    with database.transaction() as session:
        first = service.record_consent(
            session, IN_ADMIN, "in-ru-relos", ConsentIn(party="IN", extend_years=5)
        )
    assert first.in_force_until == "2031-01-01T00:00:00Z"
    assert first.term.pending_consents[0].party == "IN"
    with database.transaction() as session:
        second = service.record_consent(
            session, RU_ADMIN, "in-ru-relos", ConsentIn(party="RU", extend_years=5)
        )
    assert second.in_force_until == "2036-01-01T00:00:00Z"
    assert second.term.extensions == 1 and second.term.pending_consents == []


def test_consent_rules(database: Database) -> None:
    with database.transaction() as session:
        with pytest.raises(Forbidden):
            service.record_consent(
                session, IN_ADMIN, "in-ru-relos", ConsentIn(party="RU", extend_years=5)
            )
        with pytest.raises(Forbidden):
            service.record_consent(
                session, IN_VIEWER, "in-ru-relos", ConsentIn(party="IN", extend_years=5)
            )
        with pytest.raises(InvalidInput):
            service.record_consent(
                session, IN_ADMIN, "in-us-lemoa", ConsentIn(party="IN", extend_years=5)
            )
        with pytest.raises(InvalidInput):
            service.record_consent(
                session, IN_ADMIN, "in-ru-relos", ConsentIn(party="US", extend_years=5)
            )
