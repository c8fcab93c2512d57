"""The deployment list (one prebuilt statement per sort and set of filters) against a
brute force over every stored deployment, for many combinations of filters and pages."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from tests.integration.deployments.deployment_bodies import (
    IN_PLANNER,
    RU_PLANNER,
    START,
    aircraft,
    filing,
    personnel,
    warship,
)

from relos.access.domain import Principal
from relos.deployments import records, service
from relos.deployments.domain import COUNTING_STATUSES
from relos.deployments.models import DeploymentRow
from relos.deployments.schemas import CompletionIn, DeploymentOut, FilingIn
from relos.kit.db import Database
from relos.kit.listing import ListFilter
from relos.kit.pagination import Page

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]


def _file_some(db: Database, rng: random.Random) -> None:
    for i, word in enumerate(WORDS):
        caller, party = rng.choice([(IN_PLANNER, "IN"), (RU_PLANNER, "RU")])
        site = "RUVVO" if party == "IN" else "INVTZ"
        first = rng.uniform(0, 60)
        elements = [personnel(5 + i, first, first + rng.uniform(1, 30), facility=site)]
        if i % 3 == 0:
            elements.append(warship(f"H{i}", first + 1, first + 5, facility=site))
        if i % 4 == 1 and party == "IN":
            elements.append(aircraft(f"S{i}", first, first + 3))
        body = filing(*elements, party=party, title=f"exercise {word}")
        with db.transaction() as session:
            made = service.file(session, caller, FilingIn.model_validate(body))
        if i % 4 == 2:
            with db.transaction() as session:
                end = CompletionIn(actual_end=START + timedelta(days=first + 0.5))
                service.complete(session, caller, made.id, end)
        if i % 5 == 4:
            with db.transaction() as session:
                service.cancel(session, caller, made.id)


def _brute_force(
    db: Database, caller: Principal, given: dict[str, Any], page: Page, filters: ListFilter
) -> list[DeploymentOut]:
    with db.transaction(write=False) as session:
        query = select(DeploymentRow).options(selectinload(DeploymentRow.elements))
        rows = list(session.scalars(query))
        kept = [row for row in rows if _keeps(row, caller, given, filters)]
        field = (filters.sort or "start").lstrip("-")
        column = {"party": "deploying_party", "start": "starts", "end": "ends"}.get(field, field)
        kept.sort(key=lambda row: row.id)
        kept.sort(key=lambda row: getattr(row, column), reverse=(filters.sort or "")[:1] == "-")
        end = None if page.limit is None else page.offset + page.limit
        return [records.describe(row) for row in kept[page.offset : end]]


def _keeps(row: DeploymentRow, caller: Principal, given: dict[str, Any], f: ListFilter) -> bool:
    ends = row.actual_end or row.ends
    at: datetime | None = given.get("active_at")
    q = (f.q or "").lower()
    texts = [row.reference, row.title] + [e.facility_id for e in row.elements]
    texts += [e.unit_key for e in row.elements if e.unit_key]
    return (
        caller.party in (row.deploying_party, row.host_party)
        and given.get("party", row.deploying_party) == row.deploying_party
        and given.get("status", row.status) == row.status
        and (at is None or (row.starts <= at < ends and row.status in COUNTING_STATUSES))
        and (not q or any(q in text.lower() for text in texts))
        and (f.facility is None or any(e.facility_id == f.facility for e in row.elements))
        and (f.start is None or ends > f.start)
        and (f.end is None or row.starts < f.end)
    )


def test_listing_matches_brute_force(database: Database) -> None:
    rng = random.Random(5)
    _file_some(database, rng)
    instants = [START + timedelta(days=d) for d in (-5, 10, 30, 70)]
    choices: dict[str, list[Any]] = {
        "party": [None, "IN", "RU"],
        "status": [None, "cleared", "completed", "cancelled"],
        "active_at": [None, *instants],
    }
    searches = [None, "ALPHA", "h3", "vvo", "ex", "%", "_", "zulu"]
    sorts = [None, "start", "-start", "end", "-end", "filed_at", "title", "-title", "party"]
    for _ in range(120):
        given = {k: rng.choice(v) for k, v in choices.items()}
        given = {k: v for k, v in given.items() if v is not None}
        since = rng.choice([None, *instants])
        until = rng.choice([None, *(i for i in instants if since is None or i > since)])
        filters = ListFilter(
            q=rng.choice(searches),
            sort=rng.choice(sorts),
            facility=rng.choice([None, "RUVVO", "INVTZ", "UHWW"]),
            start=since,
            end=until,
        )
        page = rng.choice([Page(), Page(3, 0), Page(3, 2), Page(50, 1)])
        caller = rng.choice([IN_PLANNER, RU_PLANNER])
        with database.reads() as session:
            listed = service.list_deployments(
                session, caller, "in-ru-relos", page=page, filters=filters, **given
            )
        assert listed == _brute_force(database, caller, given, page, filters), (given, filters)
    assert any(
        len(d.elements) > 1 for d in _brute_force(database, IN_PLANNER, {}, Page(), ListFilter())
    )
