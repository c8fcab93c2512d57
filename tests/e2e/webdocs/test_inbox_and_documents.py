"""The inbox and the documents over HTTP on both databases."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader
from tests.conftest import TokenFactory
from tests.e2e.logistics.test_http import PRICES, agreed_order, deliver, order_body
from tests.integration.deployments.deployment_bodies import filing, iso, warship

URL = "/api/v1/deployments"


def _kinds(client: TestClient, who: dict[str, str]) -> list[tuple[str, str]]:
    response = client.get("/api/v1/inbox", headers=who)
    assert response.status_code == 200, response.text
    return [(item["kind"], item["reference"]) for item in response.json()]


def test_consent_and_notice_items_come_and_go(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    ru_liaison = auth("ru-liaison", "RU", ("host_liaison",))
    viewer = auth("ru-viewer", "RU", ("viewer",))
    ships = [warship(f"F{i}") for i in range(6)]
    pending = client.post(URL, json=filing(*ships, request_exception=True), headers=india).json()
    assert _kinds(client, ru_liaison) == [("consent_requested", pending["reference"])]
    assert _kinds(client, viewer) == []  # cannot act on it
    item = client.get("/api/v1/inbox", headers=ru_liaison).json()[0]
    assert item["record_type"] == "deployment" and item["record_id"] == pending["id"]
    assert item["title"] == pending["title"] and item["due"] == pending["start"]
    decided = client.post(
        f"{URL}/{pending['id']}/consent", json={"decision": "decline"}, headers=ru_liaison
    )
    assert decided.status_code == 200
    assert _kinds(client, ru_liaison) == []

    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    ship = {**warship("F90"), "start": iso(soon), "end": iso(soon + timedelta(days=3))}
    early = client.post(URL, json=filing(ship), headers=india).json()
    assert ("notice_due", early["reference"]) not in _kinds(client, india)  # 20 days away
    nearer = {**ship, "hull": "F91", "name": "INS F91"}
    nearer["start"] = iso(soon - timedelta(days=10))
    filed = client.post(URL, json=filing(nearer, request_exception=True), headers=india).json()
    assert ("notice_due", filed["reference"]) in _kinds(client, india)
    client.post(f"{URL}/{filed['id']}/cancel", headers=india)
    assert ("notice_due", filed["reference"]) not in _kinds(client, india)


def test_signature_receipt_and_overdue_items(client: TestClient, auth: TokenFactory) -> None:
    people = {
        "in-log": auth("in-log", "IN", ("logistics",)),
        "ru-log": auth("ru-log", "RU", ("logistics",)),
        "in-fin": auth("in-fin", "IN", ("finance",)),
    }
    csv_headers = {**people["ru-log"], "Content-Type": "text/csv"}
    client.post("/api/v1/price-lists", content=PRICES, headers=csv_headers)
    order = client.post("/api/v1/support-orders", json=order_body(), headers=people["in-log"])
    ref = order.json()["reference"]
    assert ("signature_requested", ref) in _kinds(client, people["ru-log"])
    assert ("signature_requested", ref) in _kinds(client, people["in-fin"])
    client.post(f"/api/v1/support-orders/{order.json()['id']}/sign", headers=people["ru-log"])
    assert ("signature_requested", ref) not in _kinds(client, people["ru-log"])
    assert ("signature_requested", ref) in _kinds(client, people["in-log"])

    agreed = agreed_order(client, people)
    agreed_ref = client.get(f"/api/v1/support-orders/{agreed}", headers=people["in-log"]).json()
    assert ("receipt_requested", agreed_ref["reference"]) in _kinds(client, people["in-log"])
    # Delivered on 3 July 2026: the cash deadline (RELOS: 90 days) has passed.
    assert deliver(client, people["ru-log"], agreed, "420").status_code == 201
    inbox = _kinds(client, people["in-fin"])
    assert ("receipt_requested", agreed_ref["reference"]) not in _kinds(client, people["in-log"])
    assert ("settlement_overdue", agreed_ref["reference"]) in inbox
    assert ("settlement_overdue", agreed_ref["reference"]) not in _kinds(client, people["ru-log"])


def test_agreement_expiry_and_extension_consent(client: TestClient, auth: TokenFactory) -> None:
    admin = auth("in-admin", "IN", ("admin",))
    items = client.get("/api/v1/inbox", headers=admin).json()
    expiring = [i for i in items if i["kind"] == "agreement_expiring"]
    for item in expiring:  # every item is within 180 days of its end
        end = datetime.fromisoformat(item["due"].replace("Z", "+00:00"))
        assert end - datetime.now(UTC) < timedelta(days=181)
    consents = [i for i in items if i["kind"] == "extension_consent"]
    assert {i["record_id"] for i in consents} <= {i["record_id"] for i in expiring}
    for item in consents:
        recorded = client.post(
            f"/api/v1/agreements/{item['record_id']}/consents",
            json={"party": "IN", "extend_years": 5},
            headers=admin,
        )
        assert recorded.status_code in (200, 201), recorded.text
    left = client.get("/api/v1/inbox", headers=admin).json()
    assert [i for i in left if i["kind"] == "extension_consent"] == []


def test_order_pdf_names_both_signatories(client: TestClient, auth: TokenFactory) -> None:
    people = {
        "in-log": auth("in-log", "IN", ("logistics",)),
        "ru-log": auth("ivan.petrov", "RU", ("logistics",)),
    }
    order_id = agreed_order(client, people)
    url = f"/api/v1/documents/support-orders/{order_id}"
    html = client.get(url, headers=people["in-log"])
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    pdf = client.get(url, headers={**people["in-log"], "Accept": "application/pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    reference = client.get(f"/api/v1/support-orders/{order_id}", headers=people["in-log"]).json()
    assert reference["reference"] in text
    assert "in-log" in text and "ivan.petrov" in text  # both signature blocks
    assert "70" in text and "000.00" in text  # the line's price in force
    russian = client.get(url, params={"lang": "ru", "format": "pdf"}, headers=people["in-log"])
    ru_text = PdfReader(io.BytesIO(russian.content)).pages[0].extract_text()
    assert "Заказ на материально-техническое обеспечение" in ru_text
    assert client.get(url, params={"lang": "fr"}, headers=people["in-log"]).status_code == 422
    stranger = auth("us-log", "US", ("logistics",))
    assert client.get(url, headers=stranger).status_code == 404


def test_notice_invoice_and_statement_documents(client: TestClient, auth: TokenFactory) -> None:
    india = auth("in-planner", "IN", ("planner",))
    people = {
        "in-log": auth("in-log", "IN", ("logistics",)),
        "ru-log": auth("ru-log", "RU", ("logistics",)),
        "in-fin": auth("in-fin", "IN", ("finance",)),
    }
    title = "Визит во Владивосток"
    filed = client.post(URL, json=filing(warship("F44"), title=title), headers=india).json()
    url = f"/api/v1/documents/deployments/{filed['id']}/notice"
    notice = client.get(url, headers=india)
    assert notice.status_code == 200
    for fact in (
        filed["reference"],
        "INS F44",
        "F44",
        "Talwar class (Project 11356) frigate",
        "4035",
        "124.8",
        "A. Kumar",
    ):
        assert fact in notice.text
    pdf = client.get(url, params={"lang": "ru"}, headers={**india, "Accept": "application/pdf"})
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert title in text and "Уведомление о заходе кораблей" in text  # Cyrillic renders
    order_id = agreed_order(client, people)
    assert deliver(client, people["ru-log"], order_id, "100").status_code == 201
    invoice = client.get(
        f"/api/v1/documents/support-orders/{order_id}/invoice", headers=people["in-fin"]
    )
    assert invoice.status_code == 200 and "7\u202f000\u202f000.00" in invoice.text
    statement = client.get(
        "/api/v1/documents/statement",
        params={"start": "2026-01-01", "end": "2027-01-01", "format": "pdf"},
        headers=people["in-fin"],
    )
    assert statement.status_code == 200, statement.text
    text = PdfReader(io.BytesIO(statement.content)).pages[0].extract_text()
    assert "\u22127\u202f000\u202f000.00" in text or "−7 000 000.00" in text  # IN owes: negative
