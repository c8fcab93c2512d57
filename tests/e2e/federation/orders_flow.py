"""An order across two real nodes: raised on IN's, signed on both, delivered on RU's,
received and settled on IN's; then both ledgers, read through each node's API, must agree, each
node's reconciliation against the other's entries must be clean, and both must hold the
same co-signed statement of derived state."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import httpx

API = "/api/v1"
PRICES = (
    "supplying_party,facility,item,category,unit,unit_price,currency,valid_from,valid_to\n"
    "RU,RUVVO,F-76,fuel,t,70000.00,RUB,2026-01-01,2031-12-31\n"
)


class Node(Protocol):
    party: str
    url: str

    def token(self, user: str) -> dict[str, str]: ...

    def cli(self, *args: str) -> Any: ...


Carry = Callable[[Node, Node], None]
_TOKENS: dict[tuple[str, str], dict[str, str]] = {}


def _token(node: Node, user: str) -> dict[str, str]:
    """One token per user and node (each made by a CLI process, which is slow)."""
    key = (node.url, user)
    if key not in _TOKENS:
        _TOKENS[key] = node.token(user)
    return _TOKENS[key]


def _post(node: Node, path: str, body: dict[str, Any], user: str, code: int) -> dict[str, Any]:
    answer = httpx.post(f"{node.url}{API}{path}", json=body, headers=_token(node, user))
    assert answer.status_code == code, answer.text
    return dict(answer.json())


def _get(node: Node, path: str, user: str) -> Any:
    answer = httpx.get(f"{node.url}{API}{path}", headers=_token(node, user))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _status(node: Node, order: str) -> str:
    return str(_get(node, f"/support-orders/{order}", f"{node.party.lower()}-logistics")["status"])


def books(node: Node) -> tuple[Any, Any]:
    """The agreement's balances and the trial balance, as the node's finance officer sees."""
    user = f"{node.party.lower()}-finance"
    return (
        _get(node, "/ledger/balances?agreement=in-ru-relos", user),
        _get(node, "/ledger/trial-balance", user),
    )


def statement(node: Node) -> dict[str, Any]:
    status = node.cli("peer", "status", "--json")
    assert status.returncode == 0, status.stdout + status.stderr
    (peer,) = json.loads(status.stdout)
    (found,) = [s for s in peer["statements"] if s["agreement"] == "in-ru-relos"]
    assert found["last"]["outcome"] == "agreed", found
    return dict(found["last"])


def check_order_crossing(india: Node, russia: Node, carry: Carry, tonnes: str) -> None:
    body = {
        "agreement": "in-ru-relos",
        "requesting_party": "IN",
        "supplying_party": "RU",
        "facility": "RUVVO",
        "settlement": "cash",
        "lines": [{"category": "fuel", "item": "F-76", "quantity": tonnes, "unit": "t"}],
    }
    order = _post(india, "/support-orders", body, "in-logistics", 201)["id"]
    _post(india, f"/support-orders/{order}/sign", {}, "in-logistics", 200)
    # RU's node may not raise IN's orders: refused before anything is written.
    _post(russia, "/support-orders", body, "ru-admin", 403)
    carry(india, russia)
    _post(russia, f"/support-orders/{order}/sign", {}, "ru-logistics", 200)
    carry(russia, india)
    assert _status(india, order) == _status(russia, order) == "agreed"
    delivery = {"lines": [{"line": 0, "quantity": tonnes}], "received_by": "Lt R. Singh"}
    delivery["delivered_at"] = "2026-07-03T10:00:00Z"
    done = _post(russia, f"/support-orders/{order}/deliveries", delivery, "ru-logistics", 201)
    carry(russia, india)
    assert _status(india, order) == "delivered"
    # The receiver acknowledges receipt on its own node; the supplier's node may not.
    receipt = f"/support-orders/{order}/deliveries/{done['deliveries'][0]['id']}/receipt"
    received = {"received_at": "2026-07-03T12:00:00Z", "received_by": "Lt A. Rao"}
    _post(russia, receipt, received, "ru-logistics", 403)
    _post(india, receipt, received, "in-logistics", 201)
    carry(india, russia)
    seen = _get(russia, f"/support-orders/{order}", "ru-logistics")["deliveries"][0]
    assert seen["receipt_officer"] == "Lt A. Rao" and seen["received_at"].startswith("2026-07-03")
    amount = f"{int(tonnes) * 70000}.00"
    paid = {"order": order, "method": "cash", "amount": amount, "currency": "RUB"}
    paid |= {"settled_at": "2026-08-01T00:00:00Z", "reference": "swift"}
    _post(india, "/settlements", paid, "in-finance", 201)
    carry(india, russia)
    assert _status(russia, order) == _status(india, order) == "settled"
    for _ in range(2):  # acknowledgements and statements both ways
        carry(russia, india)
        carry(india, russia)
    assert books(india) == books(russia)
    assert books(india)[1]["RUB"]["debit"] == books(india)[1]["RUB"]["credit"] != "0"
    for node, peer in ((india, "RU"), (russia, "IN")):
        clean = node.cli("ledger", "reconcile", "--peer", peer)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert "missing on ours: 0" in clean.stdout and "mismatched: 0" in clean.stdout
    ours, theirs = statement(india), statement(russia)
    assert ours["state"] == theirs["state"] and ours["facts"] == theirs["facts"]
    assert {ours["ours"], ours["theirs"]} == {theirs["ours"], theirs["theirs"]}
