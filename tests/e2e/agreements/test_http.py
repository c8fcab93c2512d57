from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

PROBLEM = "application/problem+json"


def test_health_and_openapi_need_no_token(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/agreements" in spec["paths"]


def test_no_or_bad_token_is_401_problem(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer relos_nope"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/agreements", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == 401


def test_list_and_show_relos(client: TestClient, auth: TokenFactory) -> None:
    headers = auth("in-viewer", "IN", ("viewer",))
    listed = client.get("/api/v1/agreements", headers=headers).json()
    assert {a["id"] for a in listed} >= {"in-ru-relos", "in-us-lemoa"}
    relos = client.get("/api/v1/agreements/in-ru-relos", headers=headers).json()
    assert relos["parties"] == ["IN", "RU"]
    assert relos["caps"] == {"warships": 5, "aircraft": 10, "personnel": 3000}
    assert relos["signed"] == "2025-02-18"
    assert relos["in_force_until"] == "2031-01-01T00:00:00Z"


def test_unknown_agreement_is_404_problem(client: TestClient, auth: TokenFactory) -> None:
    response = client.get("/api/v1/agreements/nope", headers=auth("v", "IN", ("viewer",)))
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert "nope" in response.json()["detail"]


def test_consents_over_http(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-admin", "IN", ("admin",))
    russia = auth("ru-admin", "RU", ("admin",))
    url = "/api/v1/agreements/in-ru-relos/consents"
    one = client.post(url, json={"party": "IN", "extend_years": 5}, headers=india)
    assert one.status_code == 201 and one.json()["in_force_until"] == "2031-01-01T00:00:00Z"
    two = client.post(url, json={"party": "RU", "extend_years": 5}, headers=russia)
    assert two.json()["in_force_until"] == "2036-01-01T00:00:00Z"
    bad = client.post(url, json={"party": "IN", "extend_years": "many"}, headers=india)
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    assert bad.json()["errors"][0]["field"] == "extend_years"
