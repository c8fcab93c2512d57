"""`relos deployments ...` as a user runs it: a real process on a fresh SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.e2e.cli_runner import relos
from tests.integration.deployments.deployment_bodies import day, filing, personnel, warship


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("deployments-cli")
    environment = {**os.environ, "RELOS_DATA_DIR": str(folder), "COLUMNS": "200"}
    environment.pop("RELOS_DATABASE_URL", None)
    for command in (("db", "upgrade"), ("demo", "load")):
        result = relos(environment, *command)
        assert result.returncode == 0, result.stderr
    return environment


def write(folder: Path, name: str, body: object) -> str:
    path = folder / name
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def test_demo_season_is_listed_and_idempotent(env: dict[str, str]) -> None:
    assert relos(env, "demo", "load").returncode == 0
    listed = json.loads(relos(env, "deployments", "list", "--json").stdout)
    assert len(listed) == 5
    assert {d["status"] for d in listed} == {"cleared", "pending_host_consent"}
    table = relos(env, "deployments", "list", "--party", "RU").stdout
    assert "Visakhapatnam" in table and "INDRA" in table and "Vladivostok harbour" not in table


def test_file_dry_run_refusal_and_consent(env: dict[str, str], tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", filing(personnel(100, start=400, end=410)))
    dry = relos(env, "deployments", "file", good, "--dry-run")
    assert dry.returncode == 0 and "would be cleared" in dry.stdout
    assert len(json.loads(relos(env, "deployments", "list", "--json").stdout)) == 5
    created = relos(env, "deployments", "file", good, "--json")
    assert created.returncode == 0, created.stderr
    ident = json.loads(created.stdout)["id"]
    ships = [warship(f"X{i}", start=400, end=405) for i in range(6)]
    over = write(tmp_path, "over.json", filing(*ships))
    refused = relos(env, "deployments", "file", over)
    assert refused.returncode == 1
    assert "cap_exceeded" in refused.stdout and "would be" in refused.stdout
    asked = write(tmp_path, "asked.json", filing(*ships, request_exception=True))
    pending = json.loads(relos(env, "deployments", "file", asked, "--json").stdout)
    assert pending["status"] == "pending_host_consent"
    wrong = relos(
        env, "deployments", "consent", pending["id"], "approve", "--as", "in-host-liaison"
    )
    assert wrong.returncode == 1 and "host party RU" in wrong.stderr
    ok = relos(env, "deployments", "consent", pending["id"], "approve", "--as", "ru-host-liaison")
    assert ok.returncode == 0 and "cleared" in ok.stdout
    shown = relos(env, "deployments", "show", pending["id"])
    assert "ru-host-liaison" in shown.stdout and "approved" in shown.stdout
    assert "cancelled" in relos(env, "deployments", "cancel", ident).stdout


def test_headroom_utilisation_and_complete(env: dict[str, str], tmp_path: Path) -> None:
    body = filing(warship("Y1", start=500, end=510))
    ident = json.loads(
        relos(env, "deployments", "file", write(tmp_path, "y.json", body), "--json").stdout
    )["id"]
    window = ("--party", "IN", "--start", day(495), "--end", day(520))
    room = json.loads(
        relos(env, "deployments", "headroom", "in-ru-relos", *window, "--json").stdout
    )
    assert room["warships"] == {"limit": 5, "peak": 1, "free": 4, "at": day(500)}
    table = relos(env, "deployments", "headroom", "in-ru-relos", *window).stdout
    assert "binding at" in table and "warships" in table
    done = relos(env, "deployments", "complete", ident, "--actual-end", day(505))
    assert done.returncode == 0 and "completed" in done.stdout
    steps = json.loads(
        relos(env, "deployments", "utilisation", "in-ru-relos", *window, "--json").stdout
    )
    assert [(s["start"], s["warships"]) for s in steps] == [
        (day(495), 0),
        (day(500), 1),
        (day(505), 0),
    ]
    bad = relos(env, "deployments", "headroom", "in-ru-relos", "--party", "IN", "--start", "soon")
    assert bad.returncode == 1 and "RFC 3339" in bad.stderr


def test_amend_rejudges_and_guards_the_version(env: dict[str, str], tmp_path: Path) -> None:
    body = filing(personnel(100, start=500, end=510))
    created = relos(env, "deployments", "file", write(tmp_path, "f.json", body), "--json")
    assert created.returncode == 0, created.stderr
    ident = json.loads(created.stdout)["id"]
    bigger = write(tmp_path, "a.json", {"elements": [personnel(3001, start=500, end=510)]})
    refused = relos(env, "deployments", "amend", ident, bigger, "--json")
    assert refused.returncode == 1
    assert "cap_exceeded" in {v["code"] for v in json.loads(refused.stdout)["violations"]}
    smaller = write(tmp_path, "b.json", {"elements": [personnel(200, start=500, end=510)]})
    amended = relos(env, "deployments", "amend", ident, smaller, "--json")
    assert amended.returncode == 0, amended.stderr
    assert json.loads(amended.stdout)["elements"][0]["count"] == 200
    stale = relos(env, "deployments", "amend", ident, smaller, "--version", "1")
    assert stale.returncode == 1 and "changed since you read it" in stale.stderr
