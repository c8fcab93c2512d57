"""The per-process cache of agreements in force is never stale: every edit gives a new key."""

from __future__ import annotations

import copy

from relos.access.domain import SYSTEM, Principal
from relos.agreements import repository, service
from relos.agreements.events import AgreementLoaded
from relos.agreements.schemas import ConsentIn
from relos.events import record
from relos.kit.db import Database
from relos.kit.timeutil import utcnow

IN_ADMIN = Principal(1, "in-admin", "IN", frozenset({"admin"}))
RU_ADMIN = Principal(2, "ru-admin", "RU", frozenset({"admin"}))
AGREEMENT = "in-ru-relos"


def _in_force_until(database: Database) -> object:
    with database.transaction(write=False) as session:
        return service.agreement_in_force(session, AGREEMENT).term.end


def _reload_with(database: Database, short_name: str) -> None:
    """Record the agreement file again with one field changed (as an edited file would)."""
    with database.transaction() as session:
        row = repository.get(session, AGREEMENT)
        assert row is not None
        definition = copy.deepcopy(row.definition)
        definition["short_name"] = short_name
        now = utcnow()
        loaded = AgreementLoaded(
            agreement_id=AGREEMENT,
            parties=(row.party_a, row.party_b),
            title=row.title,
            signed=row.signed,
            entry_into_force=row.entry_into_force,
            definition=definition,
            loaded_at=row.loaded_at,  # the same instant: the key must not rely on it
        )
        record(session, SYSTEM, loaded, now)


def test_a_consent_moves_the_cached_term_at_once(database: Database) -> None:
    before = _in_force_until(database)
    assert _in_force_until(database) == before  # served from the cache now
    for admin, party in ((IN_ADMIN, "IN"), (RU_ADMIN, "RU")):
        with database.transaction() as session:
            service.record_consent(
                session, admin, AGREEMENT, ConsentIn(party=party, extend_years=5)
            )
    after = _in_force_until(database)
    assert after != before
    with database.transaction(write=False) as session:
        term = service.agreement_in_force(session, AGREEMENT).term
    assert term.extensions == 1


def test_an_edit_in_the_same_transaction_is_seen_in_it(database: Database) -> None:
    with database.transaction() as session:
        first = service.agreement_in_force(session, AGREEMENT)
        assert len(first.consents) == 0
        service.record_consent(session, IN_ADMIN, AGREEMENT, ConsentIn(party="IN", extend_years=5))
        second = service.agreement_in_force(session, AGREEMENT)
        assert [c.party for c in second.consents] == ["IN"]


def test_a_reloaded_definition_replaces_the_cached_one(database: Database) -> None:
    with database.transaction(write=False) as session:
        assert service.agreement_in_force(session, AGREEMENT).agreement.short_name != "EDITED"
    _reload_with(database, "EDITED")
    with database.transaction(write=False) as session:
        assert service.agreement_in_force(session, AGREEMENT).agreement.short_name == "EDITED"


def test_two_databases_never_share_an_entry(
    sqlite_database: Database, postgres_database: Database
) -> None:
    # Both start from the same agreements and events; then each is edited differently.
    _reload_with(sqlite_database, "ONE")
    _reload_with(postgres_database, "TWO")
    for database, name in ((sqlite_database, "ONE"), (postgres_database, "TWO")):
        with database.transaction(write=False) as session:
            assert service.agreement_in_force(session, AGREEMENT).agreement.short_name == name
