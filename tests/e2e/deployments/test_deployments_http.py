"""The deployments contract over HTTP (docs/api.md "Deployments")."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import TokenFactory
from tests.integration.deployments.deployment_bodies import (
    aircraft,
    day,
    filing,
    personnel,
    warship,
)

PROBLEM = "application/problem+json"
URL = "/api/v1/deployments"


def test_file_get_and_list(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    body = filing(warship("F44"), aircraft("IN321"), personnel(400))
    created = client.post(URL, json=body, headers=india)
    assert created.status_code == 201, created.text
    data = created.json()
    assert (data["status"], data["host_party"]) == ("cleared", "RU")
    got = client.get(f"{URL}/{data['id']}", headers=india)
    assert got.headers["etag"] and got.json()["history"][0]["action"] == "filed"
    listed = client.get(
        URL,
        params={
            "agreement": "in-ru-relos",
            "party": "IN",
            "status": "cleared",
            "active_at": day(3),
        },
        headers=india,
    )
    assert [d["id"] for d in listed.json()] == [data["id"]]
    assert client.get(URL, params={"active_at": "yesterday"}, headers=india).status_code == 422


def test_refusal_is_a_422_problem_with_violations(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    body = filing(*(warship(f"F{i}") for i in range(6)), purpose="tourism")
    response = client.post(URL, json=body, headers=india)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422
    assert [v["code"] for v in problem["violations"]] == ["purpose_not_permitted", "cap_exceeded"]
    assert problem["violations"][1] == {
        "code": "cap_exceeded",
        "message": problem["violations"][1]["message"],
        "element": 5,
        "category": "warships",
        "at": day(0),
        "limit": 5,
        "would_be": 6,
    }
    assert client.get(URL, headers=india).json() == []


def test_validate_stores_nothing(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    ok = client.post(f"{URL}/validate", json=filing(warship("F44")), headers=india).json()
    assert ok == {"ok": True, "status": "cleared", "violations": []}
    over = filing(*(warship(f"F{i}") for i in range(6)), request_exception=True)
    result = client.post(f"{URL}/validate", json=over, headers=india).json()
    assert (result["ok"], result["status"]) == (False, "pending_host_consent")
    assert [v["code"] for v in result["violations"]] == ["cap_exceeded"]
    crowded = filing(personnel(3001), request_exception=True)
    result = client.post(f"{URL}/validate", json=crowded, headers=india).json()
    assert (result["ok"], result["status"]) == (False, None)
    codes = [v["code"] for v in result["violations"]]
    assert codes == ["facility_capacity_exceeded", "cap_exceeded"]
    assert client.get(URL, headers=india).json() == []


def test_bad_bodies_are_4xx_never_500(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    for body in (
        {},
        filing({"kind": "submarine", "facility": "RUVVO", "start": day(0), "end": day(1)}),
        filing({**warship("F1"), "start": "not a time"}),
        filing(warship("F1"), agreement="nope"),
        filing({**personnel(10), "start": "2027-07-01T00:00:00"}),
    ):
        response = client.post(URL, json=body, headers=india)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == PROBLEM
    naive = client.post(
        URL, json=filing({**personnel(10), "start": "2027-07-01T00:00:00"}), headers=india
    )
    assert naive.json()["violations"][0]["code"] == "invalid_period"


def test_idempotency_key(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    headers = {**india, "Idempotency-Key": "indra-26-naval"}
    first = client.post(URL, json=filing(warship("F44")), headers=headers)
    again = client.post(URL, json=filing(warship("F44")), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert len(client.get(URL, headers=india).json()) == 1
    other = client.post(URL, json=filing(warship("F45")), headers=headers)
    assert other.status_code == 422 and other.headers["content-type"] == PROBLEM


def test_amend_with_if_match(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    created = client.post(URL, json=filing(warship("F44")), headers=india).json()
    url = f"{URL}/{created['id']}"
    tag = client.get(url, headers=india).headers["etag"]
    change = {"elements": [warship("F44", start=1, end=10)]}
    assert client.patch(url, json=change, headers=india).status_code == 428
    amended = client.patch(url, json=change, headers={**india, "If-Match": tag})
    assert amended.status_code == 200, amended.text
    assert amended.json()["start"] == day(1)
    assert amended.headers["etag"] != tag
    stale = client.patch(url, json=change, headers={**india, "If-Match": tag})
    assert stale.status_code == 412 and stale.headers["content-type"] == PROBLEM
    assert client.get(url, headers=india).headers["etag"] == amended.headers["etag"]


def test_exception_consent_complete_cancel(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    ru_liaison = auth("ru-liaison", "RU", ("host_liaison",))
    in_liaison = auth("in-liaison", "IN", ("host_liaison",))
    ships = [warship(f"F{i}") for i in range(6)]
    pending = client.post(URL, json=filing(*ships, request_exception=True), headers=india).json()
    assert pending["status"] == "pending_host_consent"
    url = f"{URL}/{pending['id']}"
    assert (
        client.post(f"{url}/consent", json={"decision": "approve"}, headers=in_liaison).status_code
        == 403
    )
    assert (
        client.post(f"{url}/consent", json={"decision": "approve"}, headers=india).status_code
        == 403
    )
    approved = client.post(f"{url}/consent", json={"decision": "approve"}, headers=ru_liaison)
    assert approved.json()["status"] == "cleared"
    done = client.post(f"{url}/complete", json={"actual_end": day(5)}, headers=india)
    assert (done.json()["status"], done.json()["actual_end"]) == ("completed", day(5))
    assert client.post(f"{url}/cancel", headers=india).status_code == 409
    later = client.post(URL, json=filing(warship("G1", start=5, end=9)), headers=india).json()
    cancelled = client.post(f"{URL}/{later['id']}/cancel", headers=india)
    assert cancelled.json()["status"] == "cancelled"
    history = client.get(url, headers=ru_liaison).json()["history"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("filed", "in-planner"),
        ("approved", "ru-liaison"),
        ("completed", "in-planner"),
    ]


def test_headroom_and_utilisation(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    client.post(
        URL,
        json=filing(warship("F44"), warship("F45", start=2, end=4), personnel(400)),
        headers=india,
    )
    params = {"party": "IN", "start": day(0), "end": day(30)}
    room = client.get(
        "/api/v1/agreements/in-ru-relos/headroom", params=params, headers=india
    ).json()
    assert room["warships"] == {"limit": 5, "peak": 2, "free": 3, "at": day(2)}
    assert room["personnel"] == {"limit": 3000, "peak": 400, "free": 2600, "at": day(0)}
    steps = client.get(
        "/api/v1/agreements/in-ru-relos/utilisation", params=params, headers=india
    ).json()
    assert [(s["start"], s["end"], s["warships"]) for s in steps] == [
        (day(0), day(2), 1),
        (day(2), day(4), 2),
        (day(4), day(14), 1),
        (day(14), day(30), 0),
    ]
    bad = client.get(
        "/api/v1/agreements/in-ru-relos/headroom", params={**params, "end": day(-1)}, headers=india
    )
    assert bad.status_code == 422
    us = auth("us-planner", "US", ("planner",))
    assert (
        client.get("/api/v1/agreements/in-ru-relos/headroom", params=params, headers=us).status_code
        == 404
    )


def test_term_in_force_and_its_extension(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    late = filing(
        {**personnel(100), "start": "2031-06-01T00:00:00Z", "end": "2031-06-10T00:00:00Z"}
    )
    refused = client.post(URL, json=late, headers=india)
    assert [v["code"] for v in refused.json()["violations"]] == ["agreement_not_in_force"]
    consents = "/api/v1/agreements/in-ru-relos/consents"
    client.post(
        consents,
        json={"party": "IN", "extend_years": 5},
        headers=auth("in-admin", "IN", ("admin",)),
    )
    assert client.post(URL, json=late, headers=india).status_code == 422
    client.post(
        consents,
        json={"party": "RU", "extend_years": 5},
        headers=auth("ru-admin", "RU", ("admin",)),
    )
    assert client.post(URL, json=late, headers=india).status_code == 201


def test_extreme_instants_are_refused_not_crashed(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    ancient = {**personnel(10), "start": "0001-01-01T00:00:00Z", "end": "0001-01-02T00:00:00Z"}
    distant = {**personnel(10), "start": "9999-12-30T00:00:00Z", "end": "9999-12-31T23:59:59Z"}
    for element in (ancient, distant):
        response = client.post(URL, json=filing(element), headers=india)
        assert response.status_code == 422, response.text
        assert response.json()["violations"][0]["code"] == "agreement_not_in_force"
    params = {"party": "IN", "start": "0001-01-01T00:00:00Z", "end": "9999-12-31T00:00:00Z"}
    room = client.get("/api/v1/agreements/in-ru-relos/headroom", params=params, headers=india)
    assert room.status_code == 200, room.text
    assert room.json()["warships"]["peak"] == 0


def test_lists_page_and_link_the_next_page(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    ids = []
    for hull in ("F40", "F41", "F42"):
        created = client.post(URL, json=filing(warship(hull)), headers=india)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    first = client.get(URL, params={"limit": 2}, headers=india)
    assert len(first.json()) == 2
    assert 'rel="next"' in first.headers["link"] and "offset=2" in first.headers["link"]
    following = first.headers["link"].split(">")[0].lstrip("<")
    second = client.get(following, headers=india)
    assert len(second.json()) == 1 and "link" not in second.headers
    assert sorted(d["id"] for d in first.json() + second.json()) == sorted(ids)
    assert client.get(URL, params={"limit": 0}, headers=india).status_code == 422
