"""The deployment use cases on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.integration.deployments.deployment_bodies import (
    IN_LIAISON,
    IN_PLANNER,
    RU_LIAISON,
    RU_PLANNER,
    START,
    aircraft,
    filing,
    iso,
    personnel,
    warship,
)

from relos.access.domain import Principal
from relos.deployments import service
from relos.deployments.schemas import (
    AmendmentIn,
    CompletionIn,
    ConsentIn,
    DeploymentOut,
    FilingIn,
)
from relos.kit.db import Database
from relos.kit.errors import Conflict, Forbidden, PreconditionFailed, RuleViolations

APPROVE = ConsentIn(decision="approve")
DECLINE = ConsentIn(decision="decline")


def file(db: Database, body: dict[str, Any], caller: Principal = IN_PLANNER) -> dict[str, Any]:
    with db.transaction() as session:
        return service.file(session, caller, FilingIn.model_validate(body)).model_dump()


def ships(prefix: str, n: int, start: float = 0, end: float = 14) -> list[dict[str, Any]]:
    return [warship(f"{prefix}{i}", start, end) for i in range(n)]


def test_file_clear_list_get_with_history(database: Database) -> None:
    created = file(database, filing(warship("F44"), aircraft("IN321"), personnel(400)))
    assert (created["status"], created["host_party"], created["violations"]) == (
        "cleared",
        "RU",
        [],
    )
    assert created["elements"][0]["class"] == "talwar"
    with database.transaction(write=False) as session:
        got, tag = service.get_deployment(session, RU_LIAISON, created["id"])
        listed = service.list_deployments(
            session, IN_PLANNER, agreement="in-ru-relos", status="cleared"
        )
        active = service.list_deployments(session, IN_PLANNER, active_at=START + timedelta(days=20))
    assert [e.model_dump() for e in got.elements] == created["elements"]
    assert [h.action for h in got.history or []] == ["filed"]
    assert tag.startswith('"')
    assert [d.id for d in listed] == [created["id"]]
    assert active == []


def test_refusal_names_every_violation_and_stores_nothing(database: Database) -> None:
    file(database, filing(*ships("A", 5)))
    with pytest.raises(RuleViolations) as caught:
        file(database, filing(warship("B1"), personnel(10, facility="INVTZ"), purpose="tourism"))
    codes = [v.code for v in caught.value.violations]
    assert codes == ["purpose_not_permitted", "facility_not_in_host_territory", "cap_exceeded"]
    cap = caught.value.violations[-1]
    assert (cap.element, cap.category, cap.limit, cap.would_be, cap.at) == (
        0,
        "warships",
        5,
        6,
        "2027-07-01T00:00:00Z",
    )
    with database.transaction(write=False) as session:
        assert len(service.list_deployments(session, IN_PLANNER)) == 1


def test_exception_waits_for_the_host_liaison(database: Database) -> None:
    file(database, filing(*ships("A", 5)))
    pending = file(database, filing(warship("B1"), request_exception=True, justification="INDRA"))
    assert pending["status"] == "pending_host_consent"
    assert [v["code"] for v in pending["violations"]] == ["cap_exceeded"]
    with database.transaction() as session, pytest.raises(Forbidden):
        service.consent(session, IN_LIAISON, pending["id"], APPROVE)
    with database.transaction() as session:
        approved = service.consent(
            session,
            RU_LIAISON,
            pending["id"],
            ConsentIn(decision="approve", note="agreed at staff talks"),
        )
    assert (approved.status, approved.by_exception) == ("cleared", True)
    with database.transaction() as session, pytest.raises(Conflict):
        service.consent(session, RU_LIAISON, pending["id"], DECLINE)
    # Pending and approved exceptions hold headroom: a further ship is refused.
    with pytest.raises(RuleViolations):
        file(database, filing(warship("C1")))


def test_declined_exception_frees_its_headroom(database: Database) -> None:
    file(database, filing(*ships("A", 4)))
    pending = file(database, filing(*ships("B", 2), request_exception=True))
    with pytest.raises(RuleViolations):
        file(database, filing(warship("C1")))
    with database.transaction() as session:
        assert service.consent(session, RU_LIAISON, pending["id"], DECLINE).status == "declined"
    assert file(database, filing(warship("C1")))["status"] == "cleared"


def test_complete_and_cancel_free_headroom(database: Database) -> None:
    first = file(database, filing(*ships("A", 5)))
    with database.transaction() as session:
        end = CompletionIn(actual_end=START + timedelta(days=7))
        done = service.complete(session, IN_PLANNER, first["id"], end)
    assert (done.status, done.actual_end) == ("completed", "2027-07-08T00:00:00Z")
    with pytest.raises(RuleViolations):
        file(database, filing(warship("B1", start=6, end=9)))
    second = file(database, filing(*ships("B", 5, start=7, end=9)))
    with database.transaction() as session:
        room = service.headroom(
            session, IN_PLANNER, "in-ru-relos", "IN", START, START + timedelta(days=30)
        )
        steps = service.utilisation(
            session, RU_LIAISON, "in-ru-relos", "IN", START, START + timedelta(days=30)
        )
    warships = room.warships.model_dump()
    assert warships == {"limit": 5, "peak": 5, "free": 0, "at": "2027-07-01T00:00:00Z"}
    assert [(s.start, s.end, s.warships) for s in steps] == [
        ("2027-07-01T00:00:00Z", "2027-07-10T00:00:00Z", 5),
        ("2027-07-10T00:00:00Z", "2027-07-31T00:00:00Z", 0),
    ]
    with database.transaction() as session:
        service.cancel(session, IN_PLANNER, second["id"])
        room = service.headroom(
            session,
            IN_PLANNER,
            "in-ru-relos",
            "IN",
            START + timedelta(days=7),
            START + timedelta(days=30),
        )
    assert room.warships.free == 5
    with database.transaction() as session, pytest.raises(Conflict):
        service.cancel(session, IN_PLANNER, second["id"])


def test_both_parties_at_once(database: Database) -> None:
    file(database, filing(*ships("A", 5)))
    russian = [warship(f"R{i}", facility="INVTZ") for i in range(5)]
    assert file(database, filing(*russian, party="RU"), RU_PLANNER)["host_party"] == "IN"
    with database.transaction() as session, pytest.raises(Forbidden):
        service.file(session, RU_PLANNER, FilingIn.model_validate(filing(warship("X"))))


def test_amend_needs_the_current_etag_and_is_judged_against_the_rest(database: Database) -> None:
    base = file(database, filing(*ships("A", 3)))
    file(database, filing(*ships("B", 2, start=10, end=20)))
    with database.transaction(write=False) as session:
        _, tag = service.get_deployment(session, IN_PLANNER, base["id"])
    later = AmendmentIn.model_validate({"elements": ships("A", 4)})
    with database.transaction() as session, pytest.raises(RuleViolations):
        service.amend(session, IN_PLANNER, base["id"], later, tag)
    fits = AmendmentIn.model_validate(
        {"elements": ships("A", 3, start=2, end=19), "title": "moved"}
    )
    with database.transaction() as session:
        amended = service.amend(session, IN_PLANNER, base["id"], fits, tag)
    assert (amended.title, amended.version, amended.start) == (
        "moved",
        2,
        "2027-07-03T00:00:00Z",
    )
    with database.transaction() as session, pytest.raises(PreconditionFailed):
        service.amend(session, IN_PLANNER, base["id"], fits, tag)
    with database.transaction(write=False) as session:
        got, _ = service.get_deployment(session, IN_PLANNER, base["id"])
    history = got.history or []
    assert [h.action for h in history] == ["filed", "amended"]
    assert history[1].detail["changed"] == ["elements", "title"]


def test_parties_see_only_their_own(database: Database) -> None:
    from tests.integration.deployments.deployment_bodies import US_PLANNER

    created = file(database, filing(warship("F44")))
    with database.transaction(write=False) as session:
        assert service.list_deployments(session, US_PLANNER) == []
        assert len(service.list_deployments(session, RU_LIAISON)) == 1
        with pytest.raises(Exception, match="no deployment"):
            service.get_deployment(session, US_PLANNER, created["id"])


def test_amendment_keeps_notice_while_the_arrival_is_unchanged(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    arrival = now + timedelta(days=20)

    def ship(start: datetime, end: datetime) -> dict[str, Any]:
        return {**warship("F44"), "start": iso(start), "end": iso(end)}

    created = file(database, filing(ship(arrival, arrival + timedelta(days=5))))
    later = now + timedelta(days=10)  # only 10 days before the arrival
    monkeypatch.setattr("relos.deployments.service.utcnow", lambda: later)
    with database.transaction(write=False) as session:
        _, tag = service.get_deployment(session, IN_PLANNER, created["id"])
    longer = AmendmentIn.model_validate({"elements": [ship(arrival, arrival + timedelta(days=9))]})
    with database.transaction() as session:
        amended = service.amend(session, IN_PLANNER, created["id"], longer, tag)
    assert amended.status == "cleared"
    moved = AmendmentIn.model_validate(
        {"elements": [ship(arrival + timedelta(days=1), arrival + timedelta(days=9))]}
    )
    with database.transaction() as session, pytest.raises(RuleViolations) as caught:
        service.amend(session, IN_PLANNER, created["id"], moved, records_etag(amended))
    assert [v.code for v in caught.value.violations] == ["notice_too_short"]


def records_etag(data: DeploymentOut) -> str:
    from relos.deployments.records import etag_for

    return etag_for(data)
