"""Support orders through the pages: raise, refuse, sign on both sides, deliver, receive."""

from __future__ import annotations

import re

from tests.e2e.web.conftest import Login, csrf_of

ORDER = {
    "agreement": "in-ru-relos",
    "facility": "RUVVO",
    "settlement": "cash",
    "l0.category": "fuel",
    "l0.item": "F-76",
    "l0.quantity": "100",
    "l0.unit": "t",
}


def test_an_order_from_request_to_delivery(login: Login) -> None:
    india = login("in-logistics")
    token = csrf_of(india.get("/logistics/orders/new").text)
    raised = india.post("/logistics/orders/new", data={**ORDER, "csrf": token})
    assert raised.status_code == 200 and "status-requested" in raised.text
    order = raised.url.path
    signed = india.post(f"{order}/sign", data={"csrf": csrf_of(raised.text)})
    # one signature does not bind it yet
    assert "status-requested" in signed.text and "in-logistics" in signed.text
    russia = login("ru-logistics")
    page = russia.get(order).text
    agreed = russia.post(f"{order}/sign", data={"csrf": csrf_of(page)})
    assert "status-agreed" in agreed.text
    delivered = russia.post(
        f"{order}/deliveries",
        data={
            "csrf": csrf_of(agreed.text),
            "qty-0": "40",
            "delivered_at": "2026-06-01",
            "received_by": "Lt. Rao",
        },
    )
    assert delivered.status_code == 200 and "status-partially_delivered" in delivered.text
    assert "Lt. Rao" in delivered.text
    # the supplier records the delivery; only the requesting party acknowledges receipt
    assert 'data-testid="receipt-form"' not in delivered.text
    page = india.get(order).text
    form = re.search(r'action="(/logistics/orders/[^"]+/receipt)"', page)
    assert form
    received = india.post(
        form.group(1), data={"csrf": csrf_of(page), "received_by": "Lt A. Rao", "note": "sealed"}
    )
    assert received.status_code == 200 and 'data-testid="receipt"' in received.text
    assert "Receipt acknowledged by Lt A. Rao" in received.text
    assert 'data-testid="receipt-form"' not in received.text
    finance = login("in-finance")
    page = finance.get(order).text
    owed = re.search(r'name="amount" inputmode="decimal" required value="([0-9.]+)"', page)
    assert owed and float(owed.group(1)) > 0
    settled = finance.post(
        f"{order}/settlements",
        data={
            "csrf": csrf_of(page),
            "amount": owed.group(1),
            "currency": "RUB",
            "settled_at": "2026-06-10",
            "reference": "SWIFT 123",
        },
    )
    assert settled.status_code == 200 and "Record a cash settlement" not in settled.text
    assert "Balances" in finance.get("/logistics").text


def test_money_pages_follow_the_ledger_roles(login: Login) -> None:
    planner = login("in-planner")
    assert "Balances" not in planner.get("/logistics").text
    assert planner.get("/logistics/statement").status_code == 403
    finance = login("in-finance")
    statement = finance.get("/logistics/statement?start=2026-01-01&end=2027-12-31")
    assert statement.status_code == 200 and 'data-testid="statement"' in statement.text
    assert "/api/v1/ledger/statement?party=IN" in statement.text


def test_excluded_support_is_refused_with_the_rule(login: Login) -> None:
    india = login("in-logistics")
    token = csrf_of(india.get("/logistics/orders/new").text)
    refused = india.post(
        "/logistics/orders/new", data={**ORDER, "l0.category": "ammunition", "csrf": token}
    )
    assert refused.status_code == 422
    # the rule in words (from its code category_excluded), beside the line it concerns
    assert "Line 1: The agreement excludes this category of support." in refused.text


def test_a_viewer_may_not_raise_orders(login: Login) -> None:
    viewer = login("in-viewer")
    assert viewer.get("/logistics/orders/new").status_code == 403
    assert "/logistics/orders/new" not in viewer.get("/logistics").text
