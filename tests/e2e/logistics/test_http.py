"""The logistics and ledger API end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

PROBLEM = "application/problem+json"
PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to\n"
    "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31\n"
    "RU,,ration-pack,provisions,pack,850.50,RUB,2026-01-01,\n"
)
Headers = dict[str, str]


@pytest.fixture
def people(auth: TokenFactory) -> dict[str, Headers]:
    return {
        "in-log": auth("in-log", "IN", ("logistics",)),
        "ru-log": auth("ru-log", "RU", ("logistics",)),
        "in-fin": auth("in-fin", "IN", ("finance",)),
        "in-viewer": auth("in-viewer", "IN", ("viewer",)),
        "us-log": auth("us-log", "US", ("logistics",)),
    }


def order_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agreement": "in-ru-relos",
        "requesting_party": "IN",
        "supplying_party": "RU",
        "facility": "RUVVO",
        "settlement": "cash",
        "lines": [{"category": "fuel", "item": "F-76", "quantity": "420", "unit": "t"}],
    }
    body.update(changes)
    return body


def agreed_order(client: TestClient, people: dict[str, Headers], **changes: Any) -> str:
    csv_headers = {**people["ru-log"], "Content-Type": "text/csv"}
    assert (
        client.post("/api/v1/price-lists", content=PRICES, headers=csv_headers).status_code == 201
    )
    created = client.post(
        "/api/v1/support-orders", json=order_body(**changes), headers=people["in-log"]
    )
    assert created.status_code == 201, created.text
    order_id: str = created.json()["id"]
    for who in ("ru-log", "in-log"):
        signed = client.post(f"/api/v1/support-orders/{order_id}/sign", headers=people[who])
        assert signed.status_code == 200, signed.text
    return order_id


def deliver(
    client: TestClient, who: Headers, order_id: str, quantity: str, at: str = "2026-07-03T10:00:00Z"
) -> Any:
    body = {
        "lines": [{"line": 0, "quantity": quantity}],
        "delivered_at": at,
        "received_by": "Lt Cdr R. Singh",
    }
    return client.post(f"/api/v1/support-orders/{order_id}/deliveries", json=body, headers=who)


def test_price_list_errors_name_the_row(client: TestClient, people: dict[str, Headers]) -> None:
    bad = PRICES + "RU,,F-44,fuel,t,-1,RUB,2026-01-01,\nRU,,F-34,fuel,t,1,XXY,2026-01-01,\n"
    response = client.post(
        "/api/v1/price-lists", content=bad, headers={**people["ru-log"], "Content-Type": "text/csv"}
    )
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    messages = [v["message"] for v in response.json()["violations"]]
    assert messages[0].startswith("row 3:") and messages[1].startswith("row 4:")
    json_body = {
        "lines": [
            {
                "supplying_party": "RU",
                "item": "F-76",
                "category": "fuel",
                "unit": "t",
                "unit_price": "70000.00",
                "currency": "RUB",
                "valid_from": "2026-01-01",
            }
        ]
    }
    assert client.post("/api/v1/price-lists", json=json_body, headers=people["ru-log"]).json() == {
        "imported": 1,
        "unchanged": 0,
    }
    again = client.post("/api/v1/price-lists", json=json_body, headers=people["ru-log"])
    assert again.json() == {"imported": 0, "unchanged": 1}
    foreign = client.post("/api/v1/price-lists", json=json_body, headers=people["in-log"])
    assert foreign.status_code == 201  # unchanged lines are not a publication


def test_order_rules_are_reported_as_violations(
    client: TestClient, people: dict[str, Headers]
) -> None:
    client.post(
        "/api/v1/price-lists",
        content=PRICES,
        headers={**people["ru-log"], "Content-Type": "text/csv"},
    )
    ammunition = order_body(
        lines=[{"category": "ammunition", "item": "30mm", "quantity": "1000", "unit": "round"}]
    )
    cases = {
        "category_excluded": ammunition,
        "missing_element": order_body(facility=None),
        "facility_unknown": order_body(facility="XXNOP"),
        "facility_not_in_supplier_territory": order_body(facility="INBOM"),
        "deployment_unknown": order_body(deployment="no-such-deployment"),
        "no_price": order_body(
            lines=[{"category": "fuel", "item": "F-44", "quantity": "1", "unit": "t"}]
        ),
    }
    for code, body in cases.items():
        response = client.post("/api/v1/support-orders", json=body, headers=people["in-log"])
        assert response.status_code == 422, response.text
        assert [v["code"] for v in response.json()["violations"]] == [code]
    viewer = client.post("/api/v1/support-orders", json=order_body(), headers=people["in-viewer"])
    assert viewer.status_code == 403


def test_signing_delivering_and_settling_an_order(
    client: TestClient, people: dict[str, Headers]
) -> None:
    client.post(
        "/api/v1/price-lists",
        content=PRICES,
        headers={**people["ru-log"], "Content-Type": "text/csv"},
    )
    order_id = client.post(
        "/api/v1/support-orders", json=order_body(), headers=people["in-log"]
    ).json()["id"]
    assert deliver(client, people["ru-log"], order_id, "10").status_code == 409
    assert (
        client.post(
            f"/api/v1/support-orders/{order_id}/sign", headers=people["in-viewer"]
        ).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/support-orders/{order_id}/sign", headers=people["us-log"]).status_code
        == 404
    )
    half = client.post(f"/api/v1/support-orders/{order_id}/sign", headers=people["ru-log"]).json()
    assert half["status"] == "requested"
    assert (
        client.post(f"/api/v1/support-orders/{order_id}/sign", headers=people["ru-log"]).status_code
        == 409
    )
    agreed = client.post(f"/api/v1/support-orders/{order_id}/sign", headers=people["in-log"]).json()
    assert agreed["status"] == "agreed" and {s["party"] for s in agreed["signatures"]} == {
        "IN",
        "RU",
    }

    first = deliver(client, people["ru-log"], order_id, "200")
    assert first.status_code == 201 and first.json()["status"] == "partially_delivered"
    assert first.json()["owed"] == [{"currency": "RUB", "amount": "14000000.00"}]
    over = deliver(client, people["ru-log"], order_id, "220.5")
    assert over.status_code == 422 and over.json()["violations"][0]["code"] == "over_delivery"
    assert deliver(client, people["ru-log"], order_id, "220").json()["status"] == "delivered"

    finance = people["in-fin"]
    balances = client.get("/api/v1/ledger/balances?agreement=in-ru-relos", headers=finance).json()
    assert balances == [
        {
            "agreement": "in-ru-relos",
            "creditor": "RU",
            "debtor": "IN",
            "currency": "RUB",
            "amount": "29400000.00",
        }
    ]
    pay = {
        "order": order_id,
        "method": "cash",
        "amount": "29400000.01",
        "currency": "RUB",
        "settled_at": "2026-08-01T00:00:00Z",
        "reference": "SWIFT 1",
    }
    over_paid = client.post("/api/v1/settlements", json=pay, headers=finance)
    assert (
        over_paid.status_code == 422
        and over_paid.json()["violations"][0]["code"] == "over_settlement"
    )
    pay["amount"] = "29400000.00"
    settled = client.post(
        "/api/v1/settlements", json=pay, headers={**finance, "Idempotency-Key": "k1"}
    )
    assert settled.status_code == 201 and settled.json()["order_status"] == "settled"
    retry = client.post(
        "/api/v1/settlements", json=pay, headers={**finance, "Idempotency-Key": "k1"}
    )
    assert retry.json()["id"] == settled.json()["id"]
    assert client.get("/api/v1/ledger/balances", headers=finance).json() == []
    entries = client.get(f"/api/v1/ledger/entries?order={order_id}", headers=finance).json()
    assert [e["kind"] for e in entries] == ["delivery", "delivery", "settlement"]
    totals = client.get("/api/v1/ledger/trial-balance", headers=finance).json()
    assert totals["RUB"]["debit"] == totals["RUB"]["credit"]
    assert (
        client.get(f"/api/v1/support-orders/{order_id}", headers=people["us-log"]).status_code
        == 404
    )


def test_overdue_statement_and_reversal(client: TestClient, people: dict[str, Headers]) -> None:
    order_id = agreed_order(client, people)
    delivered = deliver(client, people["ru-log"], order_id, "100", at="2026-02-01T08:00:00Z").json()
    finance = people["in-fin"]
    [late] = client.get("/api/v1/ledger/overdue?as_of=2026-06-01", headers=finance).json()
    assert (late["amount"], late["due_on"], late["days_overdue"]) == (
        "7000000.00",
        "2026-05-02",
        30,
    )
    assert client.get("/api/v1/ledger/overdue?as_of=2026-05-02", headers=finance).json() == []
    statement = client.get(
        "/api/v1/ledger/statement?start=2026-01-01&end=2027-01-01", headers=finance
    ).json()
    assert statement["party"] == "IN" and statement["closing"][0]["amount"] == "-7000000.00"
    as_csv = client.get(
        "/api/v1/ledger/statement?start=2026-01-01&end=2027-01-01&format=csv", headers=finance
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.splitlines()[1].startswith("2026-02-01,")
    as_xlsx = client.get(
        "/api/v1/ledger/statement?start=2026-01-01&end=2027-01-01&format=xlsx", headers=finance
    )
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert as_xlsx.content[:2] == b"PK" and b"xl/worksheets/sheet1.xml" in as_xlsx.content
    foreign = client.get(
        "/api/v1/ledger/statement?party=RU&start=2026-01-01&end=2027-01-01", headers=finance
    )
    assert foreign.status_code == 403
    ref = delivered["deliveries"][0]["lines"][0]["posting"]
    reversed_ = client.post(
        "/api/v1/ledger/reversals", json={"ref": ref, "reason": "wrong grade"}, headers=finance
    )
    assert reversed_.status_code == 201, reversed_.text
    assert reversed_.json()["status"] == "agreed" and reversed_.json()["owed"] == [
        {"currency": "RUB", "amount": "0.00"}
    ]
    twice = client.post(
        "/api/v1/ledger/reversals", json={"ref": ref, "reason": "again"}, headers=finance
    )
    assert twice.status_code == 409
    assert client.get("/api/v1/ledger/overdue", headers=finance).json() == []
    # As of June the delivery was overdue; the reversal booked later does not rewrite that.
    assert len(client.get("/api/v1/ledger/overdue?as_of=2026-06-01", headers=finance).json()) == 1


def test_reporting_currency_uses_imported_rates(
    client: TestClient, people: dict[str, Headers]
) -> None:
    order_id = agreed_order(client, people)
    deliver(client, people["ru-log"], order_id, "100", at="2026-07-03T00:00:00Z")
    finance = people["in-fin"]
    missing = client.get("/api/v1/ledger/balances?currency=INR", headers=finance)
    assert missing.status_code == 422 and "RUB/INR" in missing.json()["detail"]
    rates = "base,quote,on,rate,source\nRUB,INR,2026-07-01,1.05,illustrative\n"
    imported = client.post(
        "/api/v1/rates", content=rates, headers={**finance, "Content-Type": "text/csv"}
    )
    assert imported.status_code == 201
    [balance] = client.get("/api/v1/ledger/balances?currency=INR", headers=finance).json()
    assert (balance["currency"], balance["amount"]) == ("INR", "7350000.00")


def test_hostile_numbers_are_422_not_500(client: TestClient, people: dict[str, Headers]) -> None:
    order_id = agreed_order(client, people)
    huge = order_body(
        lines=[{"category": "fuel", "item": "F-76", "quantity": "1E+999999", "unit": "t"}]
    )
    assert (
        client.post("/api/v1/support-orders", json=huge, headers=people["in-log"]).status_code
        == 422
    )
    assert deliver(client, people["ru-log"], order_id, "1E+999999").status_code == 422
    deliver(client, people["ru-log"], order_id, "1")
    pay = {
        "order": order_id,
        "method": "cash",
        "amount": "1E+999999",
        "currency": "RUB",
        "settled_at": "2026-08-01T00:00:00Z",
    }
    assert client.post("/api/v1/settlements", json=pay, headers=people["in-fin"]).status_code == 422
    price = PRICES.replace("850.50", "1E+20")
    imported = client.post(
        "/api/v1/price-lists",
        content=price,
        headers={**people["ru-log"], "Content-Type": "text/csv"},
    )
    assert imported.status_code == 422 and "large" in imported.json()["detail"]


def test_a_counter_order_must_run_the_other_way(
    client: TestClient, people: dict[str, Headers]
) -> None:
    order_id = agreed_order(client, people)
    same_way = order_body(settlement="equal_value_exchange", counter_to=order_id)
    response = client.post("/api/v1/support-orders", json=same_way, headers=people["in-log"])
    assert [v["code"] for v in response.json()["violations"]] == ["counter_order_mismatch"]
    unknown = order_body(counter_to="nope")
    response = client.post("/api/v1/support-orders", json=unknown, headers=people["in-log"])
    assert [v["code"] for v in response.json()["violations"]] == ["counter_order_unknown"]


def test_price_lines_longer_than_their_columns_or_with_nul_are_refused(
    client: TestClient, people: dict[str, Headers]
) -> None:
    csv_headers = {**people["ru-log"], "Content-Type": "text/csv"}
    line = {
        "supplying_party": "RU",
        "item": "F-76",
        "category": "fuel",
        "unit": "t",
        "unit_price": "1",
        "currency": "RUB",
        "valid_from": "2026-01-01",
    }
    for bad in ({"item": "x" * 101}, {"unit": "t\x00"}, {"source": "s" * 401}):
        refused = client.post(
            "/api/v1/price-lists", json={"lines": [{**line, **bad}]}, headers=people["ru-log"]
        )
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == PROBLEM
    long_csv = PRICES.replace("ration-pack", "r" * 101)
    refused = client.post("/api/v1/price-lists", content=long_csv, headers=csv_headers)
    assert refused.status_code == 422 and "lines.1.item" in refused.json()["detail"]
    nul_order = order_body(facility="RU\x00VO")
    refused = client.post("/api/v1/support-orders", json=nul_order, headers=people["in-log"])
    assert refused.status_code == 422
    listed = client.get("/api/v1/price-lists", headers=people["ru-log"])
    assert listed.json() == []


def test_a_price_list_has_a_line_limit(client: TestClient, people: dict[str, Headers]) -> None:
    from relos.logistics.prices.parse import MAX_PRICE_LINES

    header, row = PRICES.splitlines()[:2]
    body = "\n".join([header] + [row] * (MAX_PRICE_LINES + 1)) + "\n"
    csv_headers = {**people["ru-log"], "Content-Type": "text/csv"}
    refused = client.post("/api/v1/price-lists", content=body, headers=csv_headers)
    assert refused.status_code == 422 and "at most" in refused.json()["detail"]


def test_instants_past_the_last_utc_year_are_422(
    client: TestClient, people: dict[str, Headers]
) -> None:
    order_id = agreed_order(client, people)
    late = deliver(client, people["ru-log"], order_id, "1", at="9999-12-31T23:00:00-05:00")
    assert late.status_code == 422, late.text
    pay = {
        "order": order_id,
        "method": "cash",
        "amount": "1.00",
        "currency": "RUB",
        "settled_at": "9999-12-31T23:00:00-05:00",
    }
    assert client.post("/api/v1/settlements", json=pay, headers=people["in-fin"]).status_code == 422


def test_the_requesting_party_acknowledges_receipt_once(
    client: TestClient, people: dict[str, Headers]
) -> None:
    order_id = agreed_order(client, people)
    delivered = deliver(client, people["ru-log"], order_id, "10")
    assert delivered.status_code == 201, delivered.text
    delivery = delivered.json()["deliveries"][0]
    assert delivery["received_at"] is None
    url = f"/api/v1/support-orders/{order_id}/deliveries/{delivery['id']}/receipt"
    body = {"received_at": "2026-07-03T12:00:00Z", "received_by": "Lt A. Rao", "note": "sealed"}
    supplier = client.post(url, json=body, headers=people["ru-log"])
    assert supplier.status_code == 403 and supplier.headers["content-type"] == PROBLEM
    viewer = client.post(url, json=body, headers=people["in-viewer"])
    assert viewer.status_code == 403
    unknown = client.post(
        f"/api/v1/support-orders/{order_id}/deliveries/no-such/receipt",
        json=body,
        headers=people["in-log"],
    )
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    bad = client.post(url, json={**body, "received_at": "yesterday"}, headers=people["in-log"])
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    early = {**body, "received_at": "2026-07-01T00:00:00Z"}
    assert client.post(url, json=early, headers=people["in-log"]).status_code == 422
    received = client.post(url, json=body, headers=people["in-log"])
    assert received.status_code == 201, received.text
    shown = received.json()["deliveries"][0]
    assert shown["received_at"] == "2026-07-03T12:00:00Z"
    assert (shown["receipt_officer"], shown["receipt_note"]) == ("Lt A. Rao", "sealed")
    again = client.post(url, json=body, headers=people["in-log"])
    assert again.status_code == 409 and again.headers["content-type"] == PROBLEM
    seen = client.get(f"/api/v1/support-orders/{order_id}", headers=people["ru-log"]).json()
    assert seen["deliveries"][0]["receipt_officer"] == "Lt A. Rao"


def test_the_overdue_list_comes_in_pages_that_add_up_to_the_whole(
    client: TestClient, people: dict[str, Headers]
) -> None:
    for day in ("2026-02-01", "2026-02-02", "2026-02-03"):
        order_id = agreed_order(client, people)
        deliver(client, people["ru-log"], order_id, "10", at=f"{day}T08:00:00Z")
    finance = people["in-fin"]
    url = "/api/v1/ledger/overdue?as_of=2026-06-01"
    whole = client.get(url, headers=finance)
    assert len(whole.json()) == 3 and "link" not in whole.headers
    pages, following = [], f"{url}&limit=2"
    while following:
        answer = client.get(following, headers=finance)
        pages.append(answer.json())
        link = answer.headers.get("link", "")
        following = link[link.index("<") + 1 : link.index(">")] if link else ""
    assert [len(p) for p in pages] == [2, 1]
    assert [item for page in pages for item in page] == whole.json()
    assert [i["due_on"] for i in whole.json()] == ["2026-05-02", "2026-05-03", "2026-05-04"]
    assert client.get(f"{url}&limit=0", headers=finance).status_code == 422


def test_the_json_statement_comes_in_pages_that_add_up_to_the_whole(
    client: TestClient, people: dict[str, Headers]
) -> None:
    for day in ("2026-02-01", "2026-02-01", "2026-02-02", "2026-02-03", "2026-03-01"):
        order_id = agreed_order(client, people)
        deliver(client, people["ru-log"], order_id, "10", at=f"{day}T08:00:00Z")
    finance = people["in-fin"]
    url = "/api/v1/ledger/statement?start=2026-02-01&end=2026-03-01"
    whole = client.get(url, headers=finance)
    assert whole.status_code == 200 and "link" not in whole.headers
    statement = whole.json()
    assert len(statement["lines"]) == 4 and statement["opening"] == []
    assert statement["page"] == {
        "offset": 0,
        "limit": 500,
        "brought_forward": [],
        "carried_forward": statement["closing"],
    }
    pages, following = [], f"{url}&limit=3"
    while following:
        answer = client.get(following, headers=finance)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        link = answer.headers.get("link", "")
        following = link[link.index("<") + 1 : link.index(">")] if link else ""
    assert [len(p["lines"]) for p in pages] == [3, 1]
    assert [line for page in pages for line in page["lines"]] == statement["lines"]
    first, last = pages
    assert [p["page"]["offset"] for p in pages] == [0, 3]
    assert all((p["opening"], p["closing"]) == ([], statement["closing"]) for p in pages)
    # Page 2 brings forward what page 1 carried: India owed RU for three deliveries.
    assert last["page"]["brought_forward"] == first["page"]["carried_forward"]
    [owed] = last["page"]["brought_forward"]
    assert (owed["counterparty"], owed["currency"], owed["amount"]) == ("RU", "RUB", "-2100000.00")
    assert last["lines"][0]["balance"] == "-2800000.00"
    assert last["page"]["carried_forward"] == statement["closing"]
    # CSV and XLSX stay whole documents whatever the paging.
    as_csv = client.get(f"{url}&format=csv&limit=1", headers=finance)
    assert len(as_csv.text.splitlines()) == 1 + 4 + 1 and "link" not in as_csv.headers


@pytest.mark.parametrize(
    "paging",
    [
        "limit=0",
        "limit=-1",
        "limit=5001",
        "limit=ten",
        "limit=1.5",
        "offset=-1",
        "offset=x",
        "limit=1&limit=2",
        "offset=0&offset=1",
        "offset=2147483648",
    ],
)
def test_bad_statement_paging_is_422(
    client: TestClient, people: dict[str, Headers], paging: str
) -> None:
    url = f"/api/v1/ledger/statement?start=2026-02-01&end=2026-03-01&{paging}"
    response = client.get(url, headers=people["in-fin"])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
