"""The planner over HTTP: sea distance, route plans and reach, with problem+json on bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

PROBLEM = "application/problem+json"
SUMMER = "2026-07-15T00:00:00Z"


def get_distance(client: TestClient, headers: dict[str, str], **query: str) -> Any:
    return client.get("/api/v1/sea-distance", params=query, headers=headers)


def test_sea_distance_follows_the_season(client: TestClient, auth: TokenFactory) -> None:
    headers = auth("in-viewer", "IN", ("viewer",))
    august = get_distance(
        client, headers, **{"from": "RUMMK", "to": "JPYOK"}, depart="2026-08-01T00:00:00Z"
    )
    assert august.status_code == 200, august.text
    assert august.json()["via"] == ["Northern Sea Route"]
    assert august.json()["distance_nm"] == pytest.approx(5770, rel=0.07)
    january = get_distance(
        client, headers, **{"from": "RUMMK", "to": "JPYOK"}, depart="2026-01-15T00:00:00Z"
    )
    body = january.json()
    assert "Suez" in body["via"] and body["distance_nm"] == pytest.approx(12840, rel=0.03)
    line = body["geometry"]
    assert line["type"] == "LineString" and line["coordinates"][0] == [33.061295, 68.969106]


def test_a_blocked_sea_route_is_a_422_problem_with_reasons(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("in-viewer", "IN", ("viewer",))
    query = {"from": "RUNVS", "to": "GRPIR", "platform": "admiral_grigorovich"}
    response = get_distance(client, headers, **query, depart=SUMMER)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert any("Turkish Straits" in r and "article 19" in r for r in response.json()["reasons"])
    closed = get_distance(client, headers, **{"from": "INBOM", "to": "NLRTM", "close": "Suez"})
    assert closed.status_code == 200 and "Suez" not in closed.json()["via"]


@pytest.mark.parametrize(
    "query",
    [
        {"from": "XXNOPE", "to": "JPYOK"},
        {"from": "RUMMK", "to": "200,10"},
        {"from": "RUMMK", "to": "JPYOK", "depart": "yesterday"},
        {"from": "RUMMK", "to": "JPYOK", "close": "Atlantis"},
        {"from": "RUMMK", "to": "JPYOK", "depart": "9999-12-25"},
        {"from": "RUMMK", "to": "JPYOK", "depart": "9999-12-31T23:00:00-05:00"},
        {"from": "RUMMK", "to": "JPYOK", "depart": "1899-12-31T23:00:00Z"},
        {"from": "RUMMK", "to": "JPYOK", "speed_kn": "0.0001"},
        {"from": "RUMMK", "to": "JPYOK", "platform": "nope"},
        {"from": "RUMMK", "to": "JPYOK", "platform": "p8i"},
        {"from": "RUMMK", "to": "JPYOK", "kind": "warship"},  # no such parameter
        {"from": "RUMMK", "to": "JPYOK", "speed": "14"},
    ],
)
def test_bad_sea_distance_input_is_422(
    client: TestClient, auth: TokenFactory, query: dict[str, str]
) -> None:
    response = get_distance(client, auth("v", "IN", ("viewer",)), **query)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM


def test_unknown_or_repeated_query_parameters_are_refused(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("v", "IN", ("viewer",))
    response = client.get("/api/v1/sea-distance?from=RUMMK&to=JPYOK&kind=merchant", headers=headers)
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert "kind" in response.json()["detail"]
    twice = client.get("/api/v1/sea-distance?from=RUMMK&from=INBOM&to=JPYOK", headers=headers)
    assert twice.status_code == 422, twice.text
    listed = "/api/v1/sea-distance?from=INBOM&to=NLRTM&close=Suez&close=Panama"
    assert client.get(listed, headers=headers).status_code == 200
    body = route_body()
    posted = client.post("/api/v1/plans/route?fast=1", json=body, headers=auth("p", "IN"))
    assert posted.status_code == 422 and "fast" in posted.json()["detail"]


def test_the_planner_needs_a_token(client: TestClient) -> None:
    assert (
        client.get("/api/v1/sea-distance", params={"from": "RUMMK", "to": "JPYOK"}).status_code
        == 401
    )
    assert client.post("/api/v1/plans/route", json={}).status_code == 401


def route_body(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "platform": "talwar",
        "origin": "INBOM",
        "destination": "RUMMK",
        "depart": SUMMER,
        "agreements": ["in-ru-relos"],
        "objective": "distance",
        "reserve": "0.15",
    }
    body.update(extra)
    return body


def test_talwar_to_murmansk_is_feasible_only_with_relos(
    client: TestClient, auth: TokenFactory
) -> None:
    response = client.post("/api/v1/plans/route", json=route_body(), headers=auth("p", "IN"))
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["feasible"] is True and plan["baseline"]["feasible"] is False
    assert plan["difference"]["enabled_by_agreements"] is True
    assert all(leg["distance_nm"] <= plan["range_nm"] for leg in plan["legs"])
    assert plan["legs"][-1]["to"] == "RUMMK"
    assert {n["days"] for n in plan["notices"]} == {14, 90}
    assert plan["cost_source"] == "illustrative"
    assert "fuel_capacity_t" in plan["sources"]["platform_illustrative"]
    assert "two published points" in plan["sources"]["fuel_burn"]
    assert isinstance(plan["cost"], str)
    first = plan["legs"][0]["geometry"]["coordinates"]
    assert len(first) > 2  # a sea path, not a straight line over land


def test_plan_input_errors_are_422(client: TestClient, auth: TokenFactory) -> None:
    headers = auth("p", "IN")
    for body in (
        route_body(platform="nope"),
        route_body(agreements=["nope"]),
        route_body(objective="fastest"),
        route_body(reserve="1.5"),
        route_body(depart="2026-07-15T00:00:00"),
        route_body(origin="XXNOPE"),
        route_body(depart="9999-12-25T00:00:00Z"),
        route_body(depart="1850-01-01T00:00:00Z"),
        route_body(speed_kn=0.0001),
        route_body(speed_kn=45),  # Talwar tops out at 30 kn
    ):
        response = client.post("/api/v1/plans/route", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == PROBLEM


def test_an_agreement_of_other_parties_is_not_seen(client: TestClient, auth: TokenFactory) -> None:
    response = client.post("/api/v1/plans/route", json=route_body(), headers=auth("us", "US"))
    assert response.status_code == 422
    assert "in-ru-relos" in response.json()["detail"]


def test_reach_lists_what_relos_adds(client: TestClient, auth: TokenFactory) -> None:
    body = route_body()
    del body["destination"], body["objective"]
    response = client.post("/api/v1/plans/reach", json=body, headers=auth("p", "IN"))
    assert response.status_code == 200, response.text
    reach = response.json()
    assert "RUMMK" in reach["gained"]
    ids = {r["facility"] for r in reach["reachable"]}
    assert {r["facility"] for r in reach["baseline"]["reachable"]} < ids


def test_an_aircraft_plan_flies_legs_drawn_from_stop_to_stop(
    client: TestClient, auth: TokenFactory
) -> None:
    body = route_body(platform="p8i", origin="VOGO", destination="UHWW", reserve="0.1")
    plan = client.post("/api/v1/plans/route", json=body, headers=auth("p", "IN")).json()
    assert plan["feasible"] is True
    for a, b in zip(plan["legs"], plan["legs"][1:], strict=False):
        assert a["geometry"]["coordinates"][-1] == b["geometry"]["coordinates"][0]
    assert all(leg["distance_nm"] <= plan["range_nm"] for leg in plan["legs"])
    assert plan["days"] < 2


def test_the_openapi_document_describes_the_planner(client: TestClient, auth: TokenFactory) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    routes = ("sea-distance", "air-route", "plans/route", "plans/reach")
    for path in (f"/api/v1/{r}" for r in routes):
        assert path in spec["paths"]
    headers = auth("v", "IN", ("viewer",))
    body = get_distance(client, headers, **{"from": "INBOM", "to": "INMAA"}).json()
    assert body["from"] == "INBOM" and body["to"] == "INMAA"
    assert "Sea" not in body["via"]
