"""Ten OS processes, each with its own engine, race for the last warship slot."""

from __future__ import annotations

import multiprocessing

import pytest
from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship
from tests.integration.deployments.race_worker import race

from relos.deployments import service
from relos.deployments.schemas import FilingIn, WarshipOut
from relos.kit.db import Database

RACERS = 10


@pytest.mark.slow
def test_exactly_one_racer_takes_the_last_slot(database: Database) -> None:
    with database.transaction() as session:
        body = filing(*(warship(f"A{i}") for i in range(4)))
        service.file(session, IN_PLANNER, FilingIn.model_validate(body))
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    ready, results = context.Queue(), context.Queue()
    racers = [
        context.Process(target=race, args=(database.url, f"R{i}", ready, start, results))
        for i in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    for _ in racers:
        ready.get(timeout=120)
    start.set()
    outcomes = [results.get(timeout=120) for _ in racers]
    for racer in racers:
        racer.join(30)
    assert [o for o in outcomes if o[1] == "error"] == []
    cleared = [o for o in outcomes if o[1] == "cleared"]
    refused = [o for o in outcomes if o[1] == "refused"]
    assert len(cleared) == 1
    assert len(refused) == RACERS - 1
    assert all(codes == ["cap_exceeded"] for _, _, codes in refused)
    with database.transaction(write=False) as session:
        stored = service.list_deployments(session, IN_PLANNER, status="cleared")
    hulls = sorted(e.hull for d in stored for e in d.elements if isinstance(e, WarshipOut))
    assert hulls == sorted(["A0", "A1", "A2", "A3", cleared[0][0]])
