"""Air routes over HTTP: the C-17 from Agra to Ayni goes round Pakistan with each state's
clearance and its deadline; no way round is a 422 problem+json with the reasons."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

from relos.planning.airstore import airspace

PROBLEM = "application/problem+json"
SUMMER = "2026-07-15T06:00:00Z"


def route(client: TestClient, headers: dict[str, str], **query: str) -> Any:
    return client.get("/api/v1/air-route", params={"depart": SUMMER, **query}, headers=headers)


def test_the_c17_plan_goes_round_pakistan_with_each_clearance(
    client: TestClient, auth: TokenFactory
) -> None:
    body = {
        "platform": "c17_in",
        "origin": "VIAG",
        "destination": "TJ-AYNI",
        "depart": SUMMER,
        "agreements": ["in-ru-relos"],
    }
    response = client.post("/api/v1/plans/route", json=body, headers=auth("p", "IN"))
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["feasible"] is True, plan["reason"]
    [leg] = plan["legs"]
    assert leg["distance_nm"] > 1.5 * 826
    flown = shapely.LineString(leg["geometry"]["coordinates"])
    assert not shapely.intersects(airspace().borders.shapes["PK"], flown)
    assert len(leg["geometry"]["coordinates"]) > 10  # drawn along the route, not end to end
    over = {n["state"]: n for n in plan["notices"] if n["kind"] == "overflight"}
    assert "IR" in over and "TJ" in over and ({"AF", "TM"} & set(over))
    assert "PK" not in over
    for notice in over.values():
        assert notice["reason_code"]["code"] == "airspace.clearance"
        assert notice["reason_code"]["params"]["lead_days"] == notice["days"]
        assert notice["file_by"] < notice["visit"]
    assert over["TJ"]["days"] == 30 and "illustrative" in over["TJ"]["reason"]
    assert "airspace" in plan["sources"]


def test_the_air_route_lists_every_state_entered_with_its_deadline(
    client: TestClient, auth: TokenFactory
) -> None:
    response = route(
        client, auth("v", "IN", ("viewer",)), **{"from": "VIAG", "to": "TJ-AYNI"}, platform="c17_in"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert 820 < body["great_circle_nm"] < 830 < 1.5 * 826 < body["distance_nm"]
    assert "PK" in body["avoided"] and body["flag"] == "IN"
    states = [o["state"] for o in body["overflights"]]
    assert states[0] == "IR" and states[-1] == "TJ"
    assert all(o["file_by"] < o["enter"] for o in body["overflights"])


def test_an_open_sky_air_route_is_the_great_circle(client: TestClient, auth: TokenFactory) -> None:
    response = route(
        client, auth("v", "IN", ("viewer",)), **{"from": "VIAG", "to": "VOPB"}, platform="c17_in"
    )
    body = response.json()
    assert abs(body["distance_nm"] - body["great_circle_nm"]) < 0.1
    assert body["overflights"] == []


def test_no_way_round_is_a_422_problem_with_the_rule(
    client: TestClient, auth: TokenFactory
) -> None:
    headers = auth("p", "IN")
    islamabad = {"from": "VIAG", "to": "73.05,33.68"}
    response = route(client, headers, **islamabad, platform="c17_in")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert any("Pakistan" in r and "NOTAM" in r for r in problem["reasons"])
    assert problem["reason_codes"][0]["code"] == "airspace.closed"
    assert problem["reason_codes"][0]["params"]["state"] == "PK"
    body = {"platform": "c17_in", "origin": "VIAG", "destination": "73.05,33.68", "depart": SUMMER}
    planned = client.post("/api/v1/plans/route", json=body, headers=headers)
    assert planned.status_code == 422 and planned.headers["content-type"] == PROBLEM
    assert any("Pakistan" in r for r in planned.json()["reasons"])


@pytest.mark.parametrize(
    "query",
    [
        {"from": "VIAG", "to": "TJ-AYNI", "platform": "talwar"},
        {"from": "VIAG", "to": "TJ-AYNI", "platform": "nope"},
        {"from": "VIAG", "to": "TJ-AYNI"},
        {"from": "XXNOPE", "to": "TJ-AYNI", "platform": "c17_in"},
        {"from": "VIAG", "to": "TJ-AYNI", "platform": "c17_in", "depart": "9999-12-25"},
        {"from": "VIAG", "to": "TJ-AYNI", "platform": "c17_in", "speed_kn": "0.0001"},
    ],
)
def test_bad_air_route_input_is_422(
    client: TestClient, auth: TokenFactory, query: dict[str, str]
) -> None:
    response = client.get("/api/v1/air-route", params=query, headers=auth("v", "IN", ("viewer",)))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
