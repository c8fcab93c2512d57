"""Reference numbering: concurrent creations never share or skip a number, on both
databases, and the migration numbers existing rows as creation would have."""

from __future__ import annotations

import threading

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.conftest import TokenFactory
from tests.integration.deployments.deployment_bodies import filing, warship

from relos.events import replay
from relos.kit.db import Database
from relos.kit.migrate import alembic_config
from relos.lifecycle import upgrade_database
from relos.references.numbering import agreement_code, next_reference

URL = "/api/v1/deployments"


def test_agreement_codes() -> None:
    assert agreement_code("RELOS", "in-ru-relos") == "RELOS"
    assert agreement_code("India–Japan RPSS", "in-jp-acsa") == "RPSS"
    assert agreement_code("India–France accord", "in-fr-rls") == "INFRRLS"


def test_concurrent_numbers_are_consecutive_and_unique(database: Database) -> None:
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(5):
                with database.transaction() as session:
                    reference = next_reference(session, "TEST-IN-2027")
                with lock:
                    taken.append(reference)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == [f"TEST-IN-2027-{n:04d}" for n in range(1, 31)]


def test_a_rolled_back_creation_gives_its_number_back(database: Database) -> None:
    class Abort(Exception):
        pass

    try:
        with database.transaction() as session:
            next_reference(session, "TEST-RU-2027")
            raise Abort
    except Abort:
        pass
    with database.transaction() as session:
        assert next_reference(session, "TEST-RU-2027") == "TEST-RU-2027-0001"


def test_migration_numbers_existing_rows(
    database: Database, client: TestClient, auth: TokenFactory
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    filed = [
        client.post(URL, json=filing(warship(hull)), headers=india).json()
        for hull in ("F40", "F41")
    ]
    before = {d["id"]: d["reference"] for d in filed}
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0004_logistics")  # only 0010_references builds on it
        columns = connection.execute(text("SELECT * FROM deployments")).keys()
        assert "reference" not in columns
    upgrade_database(database)
    after = {d["id"]: d["reference"] for d in client.get(URL, headers=india).json()}
    assert after == before
    third = client.post(URL, json=filing(warship("F42")), headers=india).json()
    assert third["reference"] == "RELOS-IN-2027-0003"


def test_replay_reproduces_the_deployment_reference(
    database: Database, client: TestClient, auth: TokenFactory
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    filed = client.post(URL, json=filing(warship("F43")), headers=india).json()
    assert filed["reference"] == "RELOS-IN-2027-0001"
    assert replay.check(database) is None
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE deployments SET reference = 'RELOS-IN-2027-0099'"))
    difference = replay.check(database)
    assert difference is not None and difference.table == "deployments"
    with database.transaction() as session:
        replay.rebuild(session)
    again = client.get(f"{URL}/{filed['id']}", headers=india).json()
    assert again["reference"] == "RELOS-IN-2027-0001"
