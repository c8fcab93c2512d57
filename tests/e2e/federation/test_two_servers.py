"""Two real server processes on loopback, IN on SQLite and RU on PostgreSQL, started by
`relos peer demo`: a filing on IN's node appears on RU's with the same id, RU's consent
shows as cleared on IN's; an order is raised, signed on both, delivered, settled, and both
ledgers agree; each by `relos sync` over HTTP and by bundles alone."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from tests.conftest import PG_ADMIN_URL, _pg_url
from tests.e2e.cli_runner import relos
from tests.e2e.federation.orders_flow import PRICES, check_order_crossing
from tests.integration.deployments.deployment_bodies import filing, warship

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
API = "/api/v1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    party: str
    url: str
    env: dict[str, str]

    def token(self, user: str) -> dict[str, str]:
        made = relos(self.env, "token", "create", user)
        assert made.returncode == 0, made.stderr
        return {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1]}"}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return relos(self.env, *args)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    folder = tmp_path_factory.mktemp("two-nodes")
    name = f"relos_ru_e2e_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    ports = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELOS_")}
    command = [sys.executable, "-m", "relos", "peer", "demo", "--folder", str(folder)]
    command += ["--in-port", str(ports[0]), "--ru-port", str(ports[1])]
    command += ["--ru-database", _pg_url(name), "--sync-every", "0"]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    made = [
        Server(
            party,
            f"http://127.0.0.1:{port}",
            {**env, "RELOS_DATA_DIR": str(folder / party.lower()), "RELOS_DATABASE_URL": url},
        )
        for party, port, url in (
            ("IN", ports[0], f"sqlite:///{folder / 'in' / 'relos.db'}"),
            ("RU", ports[1], _pg_url(name)),
        )
    ]
    try:
        deadline = time.monotonic() + 180
        for server in made:
            while True:
                assert process.poll() is None, "the demo stopped"
                assert time.monotonic() < deadline, "the nodes did not start"
                try:
                    if httpx.get(f"{server.url}{API}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
        prices = folder / "prices.csv"
        prices.write_text(PRICES)
        for server in made:  # each node imports the supplier's published price list
            done = server.cli("prices", "import", str(prices))
            assert done.returncode == 0, done.stdout + done.stderr
        yield made[0], made[1]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _file(server: Server, body: dict[str, Any], token: dict[str, str]) -> dict[str, Any]:
    answer = httpx.post(f"{server.url}{API}/deployments", json=body, headers=token)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _get(server: Server, deployment: str, token: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{server.url}{API}/deployments/{deployment}", headers=token)


def _sync(server: Server, peer: str) -> None:
    done = server.cli("sync", "--peer", peer)
    assert done.returncode == 0, done.stdout + done.stderr


def _carry(source: Server, target: Server, folder: Path) -> None:
    path = folder / f"{source.party}-{uuid.uuid4().hex[:6]}.json"
    out = source.cli("bundle", "export", "--peer", target.party, "--out", str(path))
    assert out.returncode == 0, out.stderr
    done = target.cli("bundle", "import", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    again = target.cli("bundle", "import", str(path))
    assert again.returncode == 0 and "0 received, 0 applied" in again.stdout, again.stdout


def _check_crossing(india: Server, russia: Server, carry: Any, hull: str, day: float) -> None:
    """File, carry, ask an exception, consent on RU, carry back; `day` keeps runs apart."""
    planner, liaison = india.token("in-planner"), russia.token("ru-host-liaison")
    viewer = russia.token("ru-viewer")
    filed = _file(india, filing(warship(f"{hull}0", day, day + 14)), planner)
    assert _get(russia, filed["id"], viewer).status_code == 404
    carry(india, russia)
    seen = _get(russia, filed["id"], viewer)
    assert seen.status_code == 200 and seen.json()["status"] == filed["status"]
    for i in range(1, 5):
        _file(india, filing(warship(f"{hull}{i}", day, day + 14)), planner)
    asked = _file(
        india,
        filing(warship(f"{hull}X", day, day + 14), request_exception=True, justification="x"),
        planner,
    )
    assert asked["status"] == "pending_host_consent"
    carry(india, russia)
    decided = httpx.post(
        f"{russia.url}{API}/deployments/{asked['id']}/consent",
        json={"decision": "approve"},
        headers=liaison,
    )
    assert decided.status_code == 200, decided.text
    carry(russia, india)
    assert _get(india, asked["id"], planner).json()["status"] == "cleared"
    carry(india, russia)  # RU sees IN's acknowledgements
    for server in (india, russia):
        status = server.cli("peer", "status", "--json")
        assert status.returncode == 0, status.stdout
        (peer,) = json.loads(status.stdout)
        assert (peer["lag"], peer["unacknowledged"], peer["incidents"]) == (0, 0, [])


def test_by_http_sync(servers: tuple[Server, Server]) -> None:
    india, russia = servers
    _check_crossing(india, russia, lambda a, b: _sync(b, a.party), "H", 0)


def test_by_bundles_only(servers: tuple[Server, Server], tmp_path: Path) -> None:
    india, russia = servers
    _check_crossing(india, russia, lambda a, b: _carry(a, b, tmp_path), "B", 100)


def test_an_order_crosses_by_http_sync_and_both_books_agree(
    servers: tuple[Server, Server],
) -> None:
    india, russia = servers
    check_order_crossing(india, russia, lambda a, b: _sync(b, a.party), "100")


def test_an_order_crosses_by_bundles_only_and_both_books_agree(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    india, russia = servers
    check_order_crossing(india, russia, lambda a, b: _carry(a, b, tmp_path), "40")


def test_a_node_refuses_a_fact_its_party_may_not_write(servers: tuple[Server, Server]) -> None:
    india, _ = servers
    chief = india.token("in-admin")
    body = filing(warship("R9", facility="INVTZ"), party="RU")
    answer = httpx.post(f"{india.url}{API}/deployments", json=body, headers=chief)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
