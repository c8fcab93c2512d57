"""Finance and admin screens: settlement by each method, imports refused whole, reconciliation,
users and tokens, the cost estimate, and refusals shown on the page they came from."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from tests.e2e.web.conftest import Login, csrf_of

ORDER_LINK = re.compile(r'href="/logistics/orders/([0-9a-f-]{36})"')
GOOD_PRICE = "IN,INBOM,lube-oil-X,lubricants,l,95.50,INR,2027-01-01,,Test list"
HEADER = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to,source"
)


def _rik_order(client: TestClient) -> str:
    """The demo's replacement-in-kind order: fuel Russia drew at Mumbai."""
    for order_id in dict.fromkeys(ORDER_LINK.findall(client.get("/logistics").text)):
        order = client.get(f"/api/v1/support-orders/{order_id}").json()
        if order["settlement"] == "replacement_in_kind":
            return str(order_id)
    raise AssertionError("the demo has a replacement-in-kind order")


def test_replacement_in_kind_is_settled_from_the_order_page(login: Login) -> None:
    russia = login("ru-finance")
    order = _rik_order(russia)
    page = russia.get(f"/logistics/orders/{order}").text
    assert "Record a replacement in kind" in page and 'name="return-0"' in page
    done = russia.post(
        f"/logistics/orders/{order}/settlements",
        data={
            "csrf": csrf_of(page),
            "method": "replacement_in_kind",
            "return-0": "30",
            "settled_at": "2026-11-20",
            "reference": "Tanker receipt 7",
        },
    )
    assert done.status_code == 200 and "Settlement recorded." in done.text
    assert "Tanker receipt 7" in done.text
    too_much = russia.post(
        f"/logistics/orders/{order}/settlements",
        data={
            "csrf": csrf_of(page),
            "method": "replacement_in_kind",
            "return-0": "100000",
            "settled_at": "2026-11-21",
        },
    )
    assert too_much.status_code in (409, 422) and 'data-testid="refused"' in too_much.text
    assert "Record a replacement in kind" in too_much.text  # the order page, not a dead end


def test_a_price_list_with_one_bad_row_is_refused_whole(login: Login) -> None:
    india = login("in-logistics")
    page = india.get("/finance").text
    before = len(india.get("/api/v1/price-lists").json())
    bad = f"{HEADER}\n{GOOD_PRICE}\nIN,INBOM,grease-Y,lubricants,kg,12,XXX,2027-01-01,,Test\n"
    refused = india.post(
        "/finance/prices",
        data={"csrf": csrf_of(page)},
        files={"file": ("prices.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 422 and 'data-testid="prices-refused"' in refused.text
    assert "Row 2: unknown currency" in refused.text
    assert len(india.get("/api/v1/price-lists").json()) == before
    good = india.post(
        "/finance/prices",
        data={"csrf": csrf_of(page)},
        files={"file": ("prices.csv", f"{HEADER}\n{GOOD_PRICE}\n".encode(), "text/csv")},
    )
    assert good.status_code == 200 and 'data-testid="prices-ok"' in good.text
    assert len(india.get("/api/v1/price-lists").json()) == before + 1


def test_rates_import_and_an_empty_upload_stay_on_the_page(login: Login) -> None:
    india = login("in-finance")
    page = india.get("/finance").text
    rates = "base,quote,on,rate,source\nUSD,INR,2026-11-02,83.1,RBI reference rate\n"
    done = india.post(
        "/finance/rates",
        data={"csrf": csrf_of(page)},
        files={"file": ("rates.csv", rates.encode(), "text/csv")},
    )
    assert done.status_code == 200 and 'data-testid="rates-ok"' in done.text
    empty = india.post("/finance/rates", data={"csrf": csrf_of(page)})
    assert empty.status_code == 422 and 'data-testid="rates-refused"' in empty.text


def test_reconciliation_lists_the_differences(login: Login) -> None:
    russia = login("ru-finance")
    theirs = russia.get("/api/v1/ledger/export?party=RU").json()
    changed = dict(theirs["records"][0])
    changed["amount"] = "1.00"
    theirs["records"] = [changed, *theirs["records"][2:]]
    india = login("in-finance")
    page = india.get("/finance").text
    compared = india.post(
        "/finance/reconcile",
        data={"csrf": csrf_of(page)},
        files={"file": ("ru.json", json.dumps(theirs).encode(), "application/json")},
    )
    assert compared.status_code == 200
    table = compared.text[compared.text.index('data-testid="reconciliation"') :]
    assert "differs in amount" in table and "missing from their ledger" in table


def test_an_admin_manages_the_users_and_tokens_of_their_party_only(login: Login) -> None:
    admin = login("in-admin")
    page = admin.get("/admin/users").text
    assert "in-planner" in page and "ru-planner" not in page
    added = admin.post(
        "/admin/users",
        data={"csrf": csrf_of(page), "name": "in-clerk", "roles": ["viewer"], "password": ""},
    )
    assert added.status_code == 200 and "User in-clerk added." in added.text
    issued = admin.post("/admin/users/in-clerk/tokens", data={"csrf": csrf_of(page), "days": "30"})
    token = re.search(r'id="token-value" readonly value="([^"]+)"', issued.text)
    assert token
    api = TestClient(admin.app, base_url="http://testserver")
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert api.get("/api/v1/agreements", headers=headers).status_code == 200
    token_id = re.search(r'action="/admin/users/in-clerk/tokens/(\d+)/revoke"', issued.text)
    assert token_id
    admin.post(
        f"/admin/users/in-clerk/tokens/{token_id.group(1)}/revoke", data={"csrf": csrf_of(page)}
    )
    assert api.get("/api/v1/agreements", headers=headers).status_code == 401
    other = admin.post(
        "/admin/users/ru-planner/active", data={"csrf": csrf_of(page), "active": "no"}
    )
    assert other.status_code == 404 and 'data-testid="refused"' in other.text
    assert login("in-planner").get("/admin/users").status_code == 403


def test_a_requested_order_shows_its_cost_estimate(login: Login) -> None:
    india = login("in-logistics")
    token = csrf_of(india.get("/logistics/orders/new").text)
    raised = india.post(
        "/logistics/orders/new",
        data={
            "agreement": "in-ru-relos",
            "facility": "RUVVO",
            "settlement": "cash",
            "l0.category": "fuel",
            "l0.item": "F-76",
            "l0.quantity": "10",
            "l0.unit": "t",
            "csrf": token,
        },
    )
    estimate = raised.text[raised.text.index('data-testid="estimate"') :]
    assert "Cost estimate" in estimate and "Total" in estimate


def test_a_statement_ending_before_it_starts_keeps_the_form(login: Login) -> None:
    india = login("in-finance")
    page = india.get("/logistics/statement?start=2026-06-01&end=2026-05-01")
    assert page.status_code == 422 and 'data-testid="refused"' in page.text
    assert 'value="2026-06-01"' in page.text and 'value="2026-05-01"' in page.text


def _agreed_and_delivered(login: Login, requester: str, supplier: str, form: dict[str, str]) -> str:
    """Raise an order as `requester`, sign it on both sides, deliver it all as `supplier`."""
    asking = login(requester)
    raised = asking.post(
        "/logistics/orders/new",
        data={**form, "csrf": csrf_of(asking.get("/logistics/orders/new").text)},
    )
    order = raised.url.path
    asking.post(f"{order}/sign", data={"csrf": csrf_of(raised.text)})
    giving = login(supplier)
    agreed = giving.post(f"{order}/sign", data={"csrf": csrf_of(giving.get(order).text)})
    delivered = giving.post(
        f"{order}/deliveries",
        data={
            "csrf": csrf_of(agreed.text),
            "qty-0": form["l0.quantity"],
            "delivered_at": "2026-11-01",
            "received_by": "Duty officer",
        },
    )
    assert "status-delivered" in delivered.text, delivered.text[-2000:]
    return order.rsplit("/", 1)[1]


def test_an_equal_value_exchange_settles_both_orders(login: Login) -> None:
    line = {"l0.category": "fuel", "l0.item": "F-76", "l0.quantity": "5", "l0.unit": "t"}
    india_drew = _agreed_and_delivered(
        login,
        "in-logistics",
        "ru-logistics",
        {"agreement": "in-ru-relos", "facility": "RUVVO", "settlement": "equal_value_exchange"}
        | line,
    )
    russia_drew = _agreed_and_delivered(
        login,
        "ru-logistics",
        "in-logistics",
        {"agreement": "in-ru-relos", "facility": "INBOM", "settlement": "equal_value_exchange"}
        | line,
    )
    finance = login("in-finance")
    before = finance.get(f"/api/v1/support-orders/{russia_drew}").json()["owed"]
    page = finance.get(f"/logistics/orders/{india_drew}").text
    assert "Record an equal-value exchange" in page and f'value="{russia_drew}"' in page
    done = finance.post(
        f"/logistics/orders/{india_drew}/settlements",
        data={
            "csrf": csrf_of(page),
            "method": "equal_value_exchange",
            "counter_order": russia_drew,
            "currency": re.search(r'name="currency" value="([A-Z]{3})"', page).group(1),  # type: ignore[union-attr]
            "amount": "1.00",
            "settled_at": "2026-11-20",
        },
    )
    assert done.status_code == 200 and "Settlement recorded." in done.text
    assert "Equal-value exchange" in done.text[done.text.index('data-testid="settlements"') :]
    counter = finance.get(f"/logistics/orders/{russia_drew}").text
    assert india_drew in counter[counter.index('data-testid="settlements"') :]
    after = finance.get(f"/api/v1/support-orders/{russia_drew}").json()["owed"]
    assert sum(float(w["amount"]) for w in after) < sum(float(w["amount"]) for w in before)
