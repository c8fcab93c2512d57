"""The read routes (list, headroom, utilisation, validate) check the bearer token on the
connection they read with: one pool checkout per request, and the same 401s as before."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from tests.conftest import TokenFactory
from tests.integration.deployments.deployment_bodies import day, filing, personnel

from relos.kit.db import Database

HEADROOM = "/api/v1/agreements/in-ru-relos/headroom"
WINDOW = {"party": "IN", "start": day(0), "end": day(30)}
READS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/v1/deployments", {"params": {"agreement": "in-ru-relos"}}),
    ("GET", HEADROOM, {"params": WINDOW}),
    ("GET", "/api/v1/agreements/in-ru-relos/utilisation", {"params": WINDOW}),
    ("POST", "/api/v1/deployments/validate", {"json": filing(personnel(10))}),
]


def test_one_pool_checkout_per_read(
    client: TestClient, auth: TokenFactory, database: Database
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    filed = client.post("/api/v1/deployments", json=filing(personnel(10)), headers=india)
    assert filed.status_code == 201, filed.text
    checkouts: list[object] = []

    def note(*_: object) -> None:
        checkouts.append(None)

    event.listen(database.engine, "checkout", note)
    try:
        for method, url, options in READS:
            checkouts.clear()
            answer = client.request(method, url, headers=india, **options)
            assert answer.status_code == 200, (url, answer.text)
            assert len(checkouts) == 1, url
    finally:
        event.remove(database.engine, "checkout", note)
    room = client.get(HEADROOM, params=WINDOW, headers=india).json()
    assert room["personnel"]["peak"] == 10


def test_reads_refuse_a_missing_or_unknown_token(client: TestClient, auth: TokenFactory) -> None:
    auth("in-planner", "IN", ("planner",))
    for method, url, options in READS:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
            answer = client.request(method, url, headers=headers, **options)
            assert answer.status_code == 401, (url, headers, answer.text)
        # A bad window is not looked at before the token is.
        bad = {"params": {"party": "IN", "start": "soon", "end": "later", "active_at": "x"}}
        if method == "GET":
            answer = client.request(method, url, headers={"Authorization": "Bearer no"}, **bad)
            assert answer.status_code == 401, url


def test_a_bad_token_is_401_before_a_bad_body_or_parameter_is_422(
    client: TestClient, auth: TokenFactory
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    incomplete: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/v1/deployments/validate", {"json": {}}),
        ("POST", "/api/v1/deployments", {"json": {"title": "no elements"}}),
        ("POST", "/api/v1/support-orders", {"json": {"lines": "none"}}),
        ("GET", "/api/v1/deployments", {"params": {"limit": "0"}}),
    ]
    for method, url, options in incomplete:
        refused = client.request(method, url, headers={"Authorization": "Bearer no"}, **options)
        assert refused.status_code == 401, (url, refused.text)
        assert refused.headers["www-authenticate"] == "Bearer"
        # With a good token the same request is judged on its content.
        assert client.request(method, url, headers=india, **options).status_code == 422, url
