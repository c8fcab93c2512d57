"""Human references, and search, sort and filters on the lists, over HTTP on both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conftest import TokenFactory
from tests.e2e.logistics.test_http import agreed_order, deliver, order_body
from tests.integration.deployments.deployment_bodies import aircraft, filing, warship

URL = "/api/v1/deployments"


def _file(client: TestClient, who: dict[str, str], *elements: dict, **extra: object) -> dict:
    created = client.post(URL, json=filing(*elements, **extra), headers=who)
    assert created.status_code == 201, created.text
    return created.json()


def test_deployment_references_number_per_agreement_party_and_year(
    client: TestClient, auth: TokenFactory
) -> None:
    india = auth("in-planner", "IN", ("planner",))
    russia = auth("ru-planner", "RU", ("planner",))
    first = _file(client, india, warship("F40"))
    second = _file(client, india, warship("F41"))
    theirs = _file(client, russia, warship("A1", facility="INBOM"), party="RU")
    assert (first["reference"], second["reference"]) == ("RELOS-IN-2027-0001", "RELOS-IN-2027-0002")
    assert theirs["reference"] == "RELOS-RU-2027-0001"
    # A refused filing takes no number: the next one continues the sequence.
    refused = client.post(URL, json=filing(warship("F40")), headers=india)
    assert refused.status_code == 422
    assert _file(client, india, warship("F42"))["reference"] == "RELOS-IN-2027-0003"
    shown = client.get(f"{URL}/{first['id']}", headers=india).json()
    assert shown["reference"] == "RELOS-IN-2027-0001"


def test_deployment_list_search_sort_and_filters(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    a = _file(client, india, warship("F40"), title="Alpha visit")
    b = _file(client, india, aircraft("IN321", start=20, end=25), title="Bravo patrol")
    c = _file(client, india, warship("F77", start=40, end=45, facility="RUKGD"), title="Charlie")

    def refs(**params: object) -> list[str]:
        response = client.get(URL, params=params, headers=india)
        assert response.status_code == 200, response.text
        return [d["reference"] for d in response.json()]

    assert refs(q="bravo") == [b["reference"]]  # title, any case
    assert refs(q="in321") == [b["reference"]]  # serial
    assert refs(q="f77") == [c["reference"]]  # hull
    assert refs(q=a["reference"].lower()) == [a["reference"]]  # reference
    assert refs(q="RUKGD") == [c["reference"]]  # facility
    assert refs(q="100%_") == []  # wildcards are literal
    assert refs(facility="UHWW") == [b["reference"]]
    assert refs(sort="-title") == [c["reference"], b["reference"], a["reference"]]
    assert refs(sort="start") == [a["reference"], b["reference"], c["reference"]]
    assert refs(**{"from": "2027-07-21", "to": "2027-08-01"}) == [b["reference"]]
    assert refs(agreement="in-ru-relos", party="IN", sort="-reference")[0] == c["reference"]
    assert refs(agreement="in-us-lemoa") == []
    for bad in (
        {"sort": "commander"},
        {"from": "yesterday"},
        {"from": "2027-08-01", "to": "2027-07-01"},
    ):
        response = client.get(URL, params=bad, headers=india)
        assert response.status_code in (400, 422), (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    paged = client.get(URL, params={"sort": "-start", "limit": 2}, headers=india)
    assert [d["reference"] for d in paged.json()] == [c["reference"], b["reference"]]
    assert "sort=-start" in paged.headers["link"] and "offset=2" in paged.headers["link"]


def test_order_references_and_list_filters(client: TestClient, auth: TokenFactory) -> None:
    people = {
        "in-log": auth("in-log", "IN", ("logistics",)),
        "ru-log": auth("ru-log", "RU", ("logistics",)),
        "in-fin": auth("in-fin", "IN", ("finance",)),
        "auditor": auth("in-auditor", "IN", ("auditor",)),
    }
    first = agreed_order(client, people)
    rations = [{"category": "provisions", "item": "ration-pack", "quantity": "10", "unit": "pack"}]
    second = client.post(
        "/api/v1/support-orders", json=order_body(lines=rations), headers=people["in-log"]
    ).json()
    listed = client.get("/api/v1/support-orders", headers=people["in-log"]).json()
    year = listed[0]["created_at"][:4]
    assert [o["reference"] for o in listed] == [f"ORD-IN-{year}-0001", f"ORD-IN-{year}-0002"]
    assert second["reference"] == f"ORD-IN-{year}-0002"

    def refs(**params: object) -> list[str]:
        response = client.get("/api/v1/support-orders", params=params, headers=people["in-log"])
        assert response.status_code == 200, response.text
        return [o["reference"] for o in response.json()]

    assert refs(q="ration") == [second["reference"]]  # line item
    assert refs(q="0001") == [f"ORD-IN-{year}-0001"]
    assert refs(sort="-reference") == [f"ORD-IN-{year}-0002", f"ORD-IN-{year}-0001"]
    assert refs(facility="RUVVO", party="IN", supplier="RU", status="requested") == [
        second["reference"]
    ]
    assert refs(party="RU") == []
    assert refs(**{"from": f"{int(year) + 1}-01-01"}) == []
    assert (
        client.get(
            "/api/v1/support-orders", params={"sort": "price"}, headers=people["in-log"]
        ).status_code
        == 422
    )

    assert deliver(client, people["ru-log"], first, "100").status_code == 201
    entries = client.get(
        "/api/v1/ledger/entries", params={"q": "0001", "party": "RU"}, headers=people["in-fin"]
    )
    assert entries.status_code == 200, entries.text
    assert [e["order_reference"] for e in entries.json()] == [f"ORD-IN-{year}-0001"]
    assert (
        client.get(
            "/api/v1/ledger/entries", params={"facility": "INBOM"}, headers=people["in-fin"]
        ).json()
        == []
    )
    assert (
        client.get(
            "/api/v1/ledger/entries", params={"sort": "-amount"}, headers=people["in-fin"]
        ).status_code
        == 200
    )

    assert deliver(client, people["ru-log"], first, "50").status_code == 201
    head = client.get("/api/v1/ledger/entries", params={"limit": 1}, headers=people["in-fin"])
    assert len(head.json()) == 1 and 'rel="next"' in head.headers["link"]
    rest = client.get(head.headers["link"].split(">")[0].lstrip("<"), headers=people["in-fin"])
    assert len(rest.json()) == 1 and "link" not in rest.headers
    audit_page = client.get("/api/v1/audit", params={"limit": 2}, headers=people["auditor"])
    assert len(audit_page.json()) == 2 and "offset=2" in audit_page.headers["link"]
    signed = {"q": "support_order.signed", "sort": "-id"}
    audit = client.get("/api/v1/audit", params=signed, headers=people["auditor"])
    assert audit.status_code == 200, audit.text
    signs = audit.json()
    assert len(signs) == 2 and all(e["action"] == "support_order.signed" for e in signs)
    assert signs[0]["id"] > signs[1]["id"]
    foreign = client.get("/api/v1/audit", params={"party": "US"}, headers=people["auditor"])
    assert all("US" in e["parties"] and "IN" in e["parties"] for e in foreign.json()), (
        foreign.json()
    )
