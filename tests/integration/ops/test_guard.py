"""The request guard: limits, timeout, a stopped request's database work, the request id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from relos.kit.db import Database
from relos.kit.errors import InvalidInput
from relos.kit.guard import RequestGuard, json_depth
from relos.kit.problems import install as problems_install
from relos.kit.timeutil import format_instant, parse_instant

PROBLEM = "application/problem+json"


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 50 + b"]" * 50) == 50


def test_instants_utc_cannot_hold_are_invalid_and_year_one_keeps_four_digits() -> None:
    with pytest.raises(InvalidInput, match="outside"):
        parse_instant("9999-12-31T23:00:00-05:00", "since")
    with pytest.raises(InvalidInput, match="outside"):
        parse_instant("0001-01-01T00:30:00+01:00", "since")
    with pytest.raises(InvalidInput):
        parse_instant("2026-13-01", "day")
    assert format_instant(parse_instant("0001-01-01T00:00:00Z")) == "0001-01-01T00:00:00Z"


@pytest.fixture
def slow_app(database: Database) -> Iterator[tuple[TestClient, list[int]]]:
    """An app whose one route runs a statement every 20 ms for up to 5 s."""
    app = FastAPI()
    app.state.db = database
    problems_install(app)
    ran: list[int] = []

    @app.get("/slow")
    def slow() -> dict[str, int]:
        with database.transaction(write=False) as session:
            for i in range(250):
                session.execute(text("SELECT 1"))
                ran.append(i)
                time.sleep(0.02)
        return {"ran": len(ran)}

    @app.post("/echo")
    def echo(body: dict[str, object]) -> dict[str, object]:
        return body

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: RequestGuard(  # type: ignore[method-assign]
        build(), max_body_bytes=1000, max_json_depth=5, timeout_s=0.5
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, ran


def test_a_request_over_time_is_stopped_and_its_statements_end(
    slow_app: tuple[TestClient, list[int]],
) -> None:
    client, ran = slow_app
    began = time.monotonic()
    answer = client.get("/slow")
    assert answer.status_code == 503 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["request_id"] == answer.headers["x-request-id"]
    assert time.monotonic() - began < 3
    time.sleep(0.3)
    stopped_at = len(ran)
    time.sleep(0.3)
    assert len(ran) == stopped_at < 100, "the work stopped at its next statement"


def test_limits_answer_problems_and_the_id_is_kept(slow_app: tuple[TestClient, list[int]]) -> None:
    client, _ = slow_app
    big = client.post(
        "/echo", content=b"{" + b" " * 2000 + b"}", headers={"content-type": "application/json"}
    )
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    deep = client.post("/echo", content=b'{"a":' * 6 + b"1" + b"}" * 6)
    assert deep.status_code == 422 and "nested 6 deep" in deep.json()["detail"]
    nul = client.post("/echo", json={"a": "x\u0000y"})
    assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
    assert client.get("/slow?x=%00").status_code == 422
    ok = client.post("/echo", json={"a": [1, {"b": 2}]}, headers={"X-Request-ID": "trace-42"})
    assert ok.status_code == 200 and ok.headers["x-request-id"] == "trace-42"
    weird = client.post("/echo", json={}, headers={"X-Request-ID": "no spaces allowed"})
    assert weird.headers["x-request-id"] != "no spaces allowed"


def test_a_bug_is_a_500_problem_with_the_request_id(
    slow_app: tuple[TestClient, list[int]],
) -> None:
    client, _ = slow_app
    answer = client.get("/boom")
    assert answer.status_code == 500 and answer.headers["content-type"] == PROBLEM
    assert answer.json()["request_id"] == answer.headers["x-request-id"]
    assert client.post("/echo", json={"after": 1}).json() == {"after": 1}


def test_strings_longer_than_their_column_or_with_nul_are_refused_on_flush(
    database: Database,
) -> None:
    from relos.access.models import UserRow
    from relos.kit.timeutil import utcnow

    def user(name: str, roles: list[str]) -> UserRow:
        return UserRow(name=name, party="IN", roles=roles, active=True, created_at=utcnow())

    too_long = pytest.raises(InvalidInput, match="name: at most 100 characters")
    with too_long, database.transaction() as session:
        session.add(user("n" * 101, ["viewer"]))
    with pytest.raises(InvalidInput, match="name: a NUL"), database.transaction() as session:
        session.add(user("bad\x00name", ["viewer"]))
    with pytest.raises(InvalidInput, match="roles: a NUL"), database.transaction() as session:
        session.add(user("fine", ["view\x00er"]))
    with database.transaction() as session:
        session.add(user("n" * 100, ["viewer"]))


def test_settings_refuse_nonsense(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from relos.kit.settings import Settings

    monkeypatch.setenv("RELOS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("RELOS_MAX_BODY_BYTES", "lots")
    with pytest.raises(InvalidInput, match="RELOS_MAX_BODY_BYTES"):
        Settings.from_env()
    monkeypatch.setenv("RELOS_MAX_BODY_BYTES", "1000")
    assert Settings.from_env().max_body_bytes == 1000


def test_a_client_that_leaves_stops_its_request(database: Database) -> None:
    """The guard watches for the client leaving once a request has run WATCH_AFTER_S, and
    then the route's database work stops at its next statement (long before its 5 s)."""
    app = FastAPI()
    problems_install(app)
    ran: list[int] = []

    @app.get("/slow")
    def slow() -> dict[str, int]:
        with database.transaction(write=False) as session:
            for i in range(250):
                session.execute(text("SELECT 1"))
                ran.append(i)
                time.sleep(0.02)
        return {"ran": len(ran)}

    guard = RequestGuard(app, max_body_bytes=1000, max_json_depth=5, timeout_s=30)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/slow",
        "raw_path": b"/slow",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }

    async def leave_after_300_ms() -> float:
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, object]:
            if messages:
                return messages.pop()
            await asyncio.sleep(0.3)
            return {"type": "http.disconnect"}

        async def send(_: object) -> None:
            return None

        began = time.monotonic()
        await guard(scope, receive, send)  # type: ignore[arg-type]
        return time.monotonic() - began

    assert asyncio.run(leave_after_300_ms()) < 3
    time.sleep(0.2)
    stopped_at = len(ran)
    time.sleep(0.3)
    assert len(ran) == stopped_at < 100, "the work stopped at its next statement"
