"""The authorisation matrix, generated from the app's own route table, on both databases.

Every /api/v1 route the app serves must have an entry in ROUTES (a route without one fails
`test_every_route_is_in_the_matrix`), naming the action it needs from
relos.access.policy.PERMISSIONS and how party scoping applies to it. For each route:
- no token → 401 (except health and the OpenAPI document);
- each role, as a user of the party that acts → success when PERMISSIONS grants the action
  to that role, else 403;
- a user of a party outside the India–Russia agreement holding *every* role (so only party
  scoping can stop them) → 404 for the agreement's records, refused for acting on them, and
  lists that never mention them;
- for records, a viewer of the partner party sees them too;
- for actions only one side may take (filing for India, the host's consent, publishing
  Russia's prices), the partner party's user holding every role → 403.
"""

from __future__ import annotations

import itertools
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from tests.conftest import PG_ADMIN_URL, _pg_url

from relos.access import service as access
from relos.access.domain import ROLES
from relos.access.policy import PERMISSIONS
from relos.access.schemas import IssueToken, NewUser
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings, default_data_dir
from relos.kit.timeutil import format_instant, utcnow

API = "/api/v1"
AGREEMENT = "in-ru-relos"
OUTSIDER = "US"  # LEMOA's party: a real user of the same node, outside RELOS

# record: one record of the agreement → outsider 404, partner viewer 200 (GET)
# list: outsider 200 without any of the agreement's records in the answer
# act: acting on the agreement's records → outsider refused (403, 404 or 422)
# open: not scoped by party (reference data, the chain as a whole) → outsider as insider
Kind = Literal["record", "list", "act", "open"]


@dataclass
class Call:
    path: str
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    content: str | None = None


@dataclass(frozen=True)
class Route:
    action: str
    kind: Kind
    call: Callable[[World], Call]
    party: str = "IN"  # whose users take the action (e.g. the host consents)
    success: int | None = 200  # None: the rules may still refuse (4xx other than 401/403/404)
    hidden: tuple[str, ...] = ()  # more text an outsider must not see here (e.g. a currency)
    sided: bool = False  # only `party` may act: the partner, even holding every role, gets 403


class World:
    """One database with a season of records of the India–Russia agreement."""

    def __init__(self, client: TestClient, db: Database) -> None:
        self.client, self.db = client, db
        self.tokens: dict[tuple[str, str], dict[str, str]] = {}
        for party in ("IN", "RU"):
            for role in ROLES:
                self.tokens[party, role] = self._user(f"{party.lower()}-{role}", party, [role])
        self.outsider = self._user("us-everything", OUTSIDER, list(ROLES))
        self.admin = {p: self._user(f"{p.lower()}-chief", p, list(ROLES)) for p in ("IN", "RU")}
        self._price_list()
        self.deployment = self.file_deployment()
        self.order = self.new_order("delivered")
        self.secrets = {self.deployment, self.order, AGREEMENT}

    def _user(self, name: str, party: str, roles: list[str]) -> dict[str, str]:
        with self.db.transaction() as session:
            access.add_user(session, NewUser(name=name, party=party, roles=tuple(roles)))
            issued = access.create_token(session, IssueToken(name=name))
            return {"Authorization": f"Bearer {issued.token}"}

    def ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, response.text
        return response.json()

    def _price_list(self) -> None:
        self.client.post(f"{API}/price-lists", json=price_list(), headers=self.admin["RU"])

    def file_deployment(self, pending: bool = False) -> str:
        body = filing(soon=pending)
        answer = self.ok(
            self.client.post(f"{API}/deployments", json=body, headers=self.admin["IN"])
        )
        assert answer["status"] == ("pending_host_consent" if pending else "cleared")
        return str(answer["id"])

    def etag(self, deployment: str) -> str:
        got = self.client.get(f"{API}/deployments/{deployment}", headers=self.admin["IN"])
        return got.headers["etag"]

    def new_order(self, state: Literal["requested", "agreed", "delivered"]) -> str:
        made = self.client.post(f"{API}/support-orders", json=order(), headers=self.admin["IN"])
        order_id = str(self.ok(made)["id"])
        if state == "requested":
            return order_id
        for party in ("IN", "RU"):
            self.ok(
                self.client.post(f"{API}/support-orders/{order_id}/sign", headers=self.admin[party])
            )
        if state == "delivered":
            url = f"{API}/support-orders/{order_id}/deliveries"
            self.ok(self.client.post(url, json=delivery(), headers=self.admin["RU"]))
        return order_id

    def receipt_url(self) -> str:
        order_id = self.new_order("delivered")
        got = self.client.get(f"{API}/support-orders/{order_id}", headers=self.admin["IN"])
        delivery_id = self.ok(got)["deliveries"][0]["id"]
        return f"/support-orders/{order_id}/deliveries/{delivery_id}/receipt"

    def posting(self) -> str:
        order_id = self.new_order("delivered")
        entries = self.client.get(
            f"{API}/ledger/entries", params={"order": order_id}, headers=self.admin["IN"]
        )
        return str(self.ok(entries)[0]["ref"])


def soon_or_later(soon: bool) -> tuple[str, str]:
    start = utcnow() + (timedelta(days=2) if soon else timedelta(days=240))
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return format_instant(start), format_instant(start + timedelta(days=5))


def filing(soon: bool = False) -> dict[str, Any]:
    start, end = soon_or_later(soon)
    return {
        "agreement": AGREEMENT,
        "deploying_party": "IN",
        "purpose": "training",
        "title": "matrix",
        "commander": {"name": "A. Kumar", "rank": "Captain"},
        "request_exception": soon,
        "justification": "short notice" if soon else None,
        "elements": [
            {"kind": "personnel", "count": 1, "facility": "RUVVO", "start": start, "end": end}
        ],
    }


_days = itertools.count()


def price_list(fresh: bool = False) -> dict[str, Any]:
    """RU's fuel price; `fresh` prices one more day after 2040, so importing it publishes."""
    valid = ("2026-01-01", "2031-12-31")
    if fresh:
        day = date(2040, 1, 1) + timedelta(days=2 * next(_days))
        valid = (day.isoformat(), day.isoformat())
    line = {
        "supplying_party": "RU",
        "item": "F-76",
        "category": "fuel",
        "unit": "t",
        "unit_price": "70000.00",
        "currency": "RUB",
        "valid_from": valid[0],
        "valid_to": valid[1],
    }
    return {"lines": [line]}


def order() -> dict[str, Any]:
    return {
        "agreement": AGREEMENT,
        "requesting_party": "IN",
        "supplying_party": "RU",
        "facility": "RUVVO",
        "settlement": "cash",
        "lines": [{"category": "fuel", "item": "F-76", "quantity": "420", "unit": "t"}],
    }


def delivery() -> dict[str, Any]:
    return {
        "lines": [{"line": 0, "quantity": "200"}],
        "delivered_at": format_instant(utcnow() - timedelta(days=1)),
        "received_by": "INS Tabar",
    }


def plan(reach: bool = False) -> dict[str, Any]:
    body = {"platform": "talwar", "origin": "INBOM", "depart": "2027-08-01T00:00:00Z"}
    body["agreements"] = [AGREEMENT]
    if not reach:
        body |= {"destination": "RUVVO", "objective": "distance", "reserve": "0.15"}
    return body


def window() -> dict[str, str]:
    return {"party": "IN", "start": "2026-01-01T00:00:00Z", "end": "2031-01-01T00:00:00Z"}


def _amend(w: World) -> Call:
    deployment = w.file_deployment()
    return Call(
        f"/deployments/{deployment}", {"title": "renamed"}, headers={"If-Match": w.etag(deployment)}
    )


def _settlement(w: World) -> Call:
    body = {
        "order": w.new_order("delivered"),
        "method": "cash",
        "amount": "1000.00",
        "currency": "RUB",
        "settled_at": format_instant(utcnow()),
        "reference": "matrix",
    }
    return Call("/settlements", body)


RATES_CSV = "base,quote,on,rate,source\nRUB,INR,2026-08-01,0.95,matrix\n"


def log_call(path: str, params: dict[str, str]) -> Callable[[World], Call]:
    """A call on the agreement's signed log, which gets two entries first if it has fewer.

    (Events routed to the agreement fill it in normal use; the matrix needs it either way.)
    """

    def call(w: World) -> Call:
        from relos.tlog import dsse, store

        with w.db.transaction() as session:
            log = store.log_of(session, AGREEMENT)
            for n in range(0 if log is None else log.size, 2):
                store.append(session, AGREEMENT, dsse.canonical({"n": n}), "test.event")
        return Call(f"/logs/{AGREEMENT}/{path}", params=params)

    return call


ROUTES: dict[str, Route] = {
    "GET /agreements": Route("reference.read", "list", lambda w: Call("/agreements")),
    "GET /agreements/{agreement_id}": Route(
        "reference.read", "record", lambda w: Call(f"/agreements/{AGREEMENT}")
    ),
    "POST /agreements/{agreement_id}/consents": Route(
        "agreements.consent",
        "record",
        lambda w: Call(f"/agreements/{AGREEMENT}/consents", {"party": "IN", "extend_years": 5}),
        success=201,
        sided=True,
    ),
    "GET /agreements/{agreement_id}/headroom": Route(
        "deployments.read",
        "record",
        lambda w: Call(f"/agreements/{AGREEMENT}/headroom", params=window()),
    ),
    "GET /agreements/{agreement_id}/utilisation": Route(
        "deployments.read",
        "record",
        lambda w: Call(f"/agreements/{AGREEMENT}/utilisation", params=window()),
    ),
    "GET /facilities": Route("reference.read", "open", lambda w: Call("/facilities")),
    "GET /facilities/{facility_id}": Route(
        "reference.read", "open", lambda w: Call("/facilities/RUVVO")
    ),
    "GET /platforms": Route("reference.read", "open", lambda w: Call("/platforms")),
    "GET /platforms/{platform_id}": Route(
        "reference.read", "open", lambda w: Call("/platforms/talwar")
    ),
    "GET /audit": Route("audit.read", "list", lambda w: Call("/audit")),
    "GET /audit/verify": Route("audit.verify", "open", lambda w: Call("/audit/verify")),
    "GET /logs": Route("logs.read", "list", lambda w: Call("/logs")),
    "GET /peers": Route("logs.read", "list", lambda w: Call("/peers")),
    "GET /logs/{agreement_id}/checkpoint": Route("logs.read", "record", log_call("checkpoint", {})),
    "GET /logs/{agreement_id}/entries": Route(
        "logs.read", "record", log_call("entries", {"start": "0", "end": "2"})
    ),
    "GET /logs/{agreement_id}/proof/inclusion": Route(
        "logs.read", "record", log_call("proof/inclusion", {"index": "0", "size": "2"})
    ),
    "GET /logs/{agreement_id}/proof/consistency": Route(
        "logs.read", "record", log_call("proof/consistency", {"first": "1", "second": "2"})
    ),
    "POST /deployments/validate": Route(
        "deployments.read", "act", lambda w: Call("/deployments/validate", filing())
    ),
    "POST /deployments": Route(
        "deployments.file", "act", lambda w: Call("/deployments", filing()), success=201, sided=True
    ),
    "GET /deployments": Route("deployments.read", "list", lambda w: Call("/deployments")),
    "GET /deployments/{deployment_id}": Route(
        "deployments.read", "record", lambda w: Call(f"/deployments/{w.deployment}")
    ),
    "PATCH /deployments/{deployment_id}": Route("deployments.amend", "record", _amend, sided=True),
    "POST /deployments/{deployment_id}/consent": Route(
        "deployments.consent",
        "record",
        lambda w: Call(
            f"/deployments/{w.file_deployment(pending=True)}/consent", {"decision": "approve"}
        ),
        party="RU",
        sided=True,
    ),
    "POST /deployments/{deployment_id}/complete": Route(
        "deployments.complete",
        "record",
        lambda w: Call(
            f"/deployments/{w.file_deployment()}/complete", {"actual_end": format_instant(utcnow())}
        ),
        success=None,
        sided=True,
    ),
    "POST /deployments/{deployment_id}/cancel": Route(
        "deployments.cancel",
        "record",
        lambda w: Call(f"/deployments/{w.file_deployment()}/cancel"),
        sided=True,
    ),
    "POST /price-lists": Route(
        "prices.import",
        "act",
        lambda w: Call("/price-lists", price_list(fresh=True)),
        party="RU",
        success=201,
        sided=True,
    ),
    "GET /price-lists": Route("logistics.read", "list", lambda w: Call("/price-lists")),
    "POST /support-orders": Route(
        "orders.raise", "act", lambda w: Call("/support-orders", order()), success=201, sided=True
    ),
    "GET /support-orders": Route("logistics.read", "list", lambda w: Call("/support-orders")),
    "GET /support-orders/{order_id}": Route(
        "logistics.read", "record", lambda w: Call(f"/support-orders/{w.order}")
    ),
    "POST /support-orders/{order_id}/sign": Route(
        "orders.sign", "record", lambda w: Call(f"/support-orders/{w.new_order('requested')}/sign")
    ),
    "POST /support-orders/{order_id}/deliveries": Route(
        "orders.deliver",
        "record",
        lambda w: Call(f"/support-orders/{w.new_order('agreed')}/deliveries", delivery()),
        party="RU",
        success=201,
    ),
    "POST /support-orders/{order_id}/deliveries/{delivery_id}/receipt": Route(
        "orders.receive",
        "record",
        lambda w: Call(
            w.receipt_url(), {"received_at": format_instant(utcnow()), "received_by": "Lt A."}
        ),
        success=201,
        sided=True,
    ),
    "POST /settlements": Route("settlements.record", "act", _settlement, success=201),
    "POST /ledger/reversals": Route(
        "ledger.reverse",
        "act",
        lambda w: Call("/ledger/reversals", {"ref": w.posting(), "reason": "matrix"}),
        success=201,
    ),
    "GET /ledger/balances": Route(
        "ledger.read", "list", lambda w: Call("/ledger/balances"), hidden=("RUB",)
    ),
    "GET /ledger/entries": Route(
        "ledger.read", "list", lambda w: Call("/ledger/entries"), hidden=("RUB",)
    ),
    "GET /ledger/overdue": Route(
        "ledger.read",
        "list",
        lambda w: Call("/ledger/overdue", params={"as_of": "2030-01-01"}),
        hidden=("RUB",),
    ),
    "GET /ledger/statement": Route(
        "ledger.read",
        "list",
        lambda w: Call("/ledger/statement", params={"start": "2026-01-01", "end": "2031-01-01"}),
    ),
    "GET /inbox": Route("reference.read", "list", lambda w: Call("/inbox")),
    "GET /documents/deployments/{deployment_id}/notice": Route(
        "deployments.read",
        "record",
        lambda w: Call(f"/documents/deployments/{w.deployment}/notice"),
    ),
    "GET /documents/support-orders/{order_id}": Route(
        "logistics.read", "record", lambda w: Call(f"/documents/support-orders/{w.order}")
    ),
    "GET /documents/support-orders/{order_id}/invoice": Route(
        "logistics.read", "record", lambda w: Call(f"/documents/support-orders/{w.order}/invoice")
    ),
    "GET /documents/statement": Route(
        "ledger.read",
        "list",
        lambda w: Call("/documents/statement", params={"start": "2026-01-01", "end": "2031-01-01"}),
    ),
    "GET /ledger/export": Route(
        "ledger.read", "act", lambda w: Call("/ledger/export", params={"party": "IN"})
    ),
    "GET /ledger/trial-balance": Route(
        "ledger.read", "list", lambda w: Call("/ledger/trial-balance"), hidden=("RUB",)
    ),
    "POST /rates": Route(
        "rates.import",
        "open",
        lambda w: Call("/rates", content=RATES_CSV, headers={"Content-Type": "text/csv"}),
        success=201,
    ),
    "GET /sea-distance": Route(
        "plans.compute",
        "open",
        lambda w: Call("/sea-distance", params={"from": "INBOM", "to": "RUVVO"}),
    ),
    "GET /air-route": Route(
        "plans.compute",
        "open",
        lambda w: Call("/air-route", params={"from": "VIAG", "to": "VOPB", "platform": "c17_in"}),
    ),
    "POST /plans/route": Route("plans.compute", "act", lambda w: Call("/plans/route", plan())),
    "POST /plans/reach": Route(
        "plans.compute", "act", lambda w: Call("/plans/reach", plan(reach=True))
    ),
}
# Reachable without a token by design (docs/api.md "Conventions").
OPEN = {"GET /health", "GET /ready", "GET /openapi.json"}
# Partner nodes' routes: no bearer token opens them, only a pinned node's signature (RFC 9421).
NODE_SIGNED = {
    "GET /federation/logs",
    "GET /federation/logs/{agreement_id}/checkpoint",
    "GET /federation/logs/{agreement_id}/entries",
    "GET /federation/logs/{agreement_id}/proof/consistency",
    "GET /federation/cosigned/{agreement_id}",
}


def served_routes(app: Any) -> set[str]:
    """Every method and path the app serves under /api/v1, hidden routes included."""
    found = set()
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if path.startswith(API + "/"):
            for method in set(getattr(context, "methods", None) or ()) - {"HEAD", "OPTIONS"}:
                found.add(f"{method} {path.removeprefix(API)}")
    return found


def _matrix_database(request: pytest.FixtureRequest, folder: Path) -> Iterator[Database]:
    """A fresh migrated database of the requested kind, for this module's world."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, folder / "matrix.db")
        db = Database(f"sqlite:///{folder / 'matrix.db'}", default_data_dir())  # template's key
        yield db
        db.dispose()
        return
    pg_template: str = request.getfixturevalue("postgres_template")
    name = f"relos_matrix_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    db = Database(_pg_url(name), default_data_dir())  # the key that signed the template
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("matrix")
    for db in _matrix_database(request, folder):
        app = create_app(Settings(database_url=db.url, data_dir=folder), db)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield World(client, db)


def send(w: World, method: str, route: Route, headers: dict[str, str]) -> httpx.Response:
    call = route.call(w)
    return w.client.request(
        method,
        API + call.path,
        json=call.json,
        params=call.params,
        content=call.content,
        headers={**call.headers, **headers},
    )


def succeeded(route: Route, status: int) -> bool:
    if route.success is not None:
        return status == route.success
    return status < 500 and status not in (401, 403, 404)


def _mentions_secret(w: World, response: httpx.Response, route: Route) -> set[str]:
    return {s for s in (*w.secrets, *route.hidden) if re.search(re.escape(s), response.text)}


def check(w: World, key: str) -> list[str]:
    method, _ = key.split(" ", 1)
    route = ROUTES[key]
    failures: list[str] = []
    anonymous = send(w, method, route, {})
    if anonymous.status_code != 401:
        failures.append(f"no token: {anonymous.status_code}, expected 401")
    for role in ROLES:
        answer = send(w, method, route, w.tokens[route.party, role])
        allowed = role in PERMISSIONS[route.action]
        ok = succeeded(route, answer.status_code) if allowed else answer.status_code == 403
        if not ok:
            expected = route.success or "success" if allowed else 403
            failures.append(
                f"{route.party} {role}: {answer.status_code}, expected {expected}: "
                + answer.text[:300]
            )
    outsider = send(w, method, route, w.outsider)
    status = outsider.status_code
    if route.kind == "record" and status != 404:
        failures.append(f"outsider: {status}, expected 404")
    if route.kind == "act" and status not in (403, 404, 422):
        failures.append(f"outsider: {status}, expected a refusal: {outsider.text[:300]}")
    if route.kind == "list" and (status != 200 or _mentions_secret(w, outsider, route)):
        failures.append(f"outsider: {status}, sees {_mentions_secret(w, outsider, route)}")
    if route.kind == "open" and (
        not succeeded(route, status) or _mentions_secret(w, outsider, route)
    ):
        seen = _mentions_secret(w, outsider, route)
        failures.append(f"outsider: {status} (expected {route.success}), sees {seen}")
    if route.sided:
        partner = "RU" if route.party == "IN" else "IN"
        acted = send(w, method, route, w.admin[partner]).status_code
        if acted != 403:
            failures.append(f"{partner} user with every role: {acted}, expected 403")
    if route.kind == "record" and method == "GET":
        partner = "RU" if route.party == "IN" else "IN"
        seen = send(w, method, route, w.tokens[partner, "viewer"]).status_code
        if seen != 200:
            failures.append(f"partner viewer: {seen}, expected 200")
    return failures


def test_every_route_is_in_the_matrix(world: World) -> None:
    served = served_routes(world.client.app)
    missing = served - set(ROUTES) - OPEN - NODE_SIGNED
    assert not missing, f"add these routes to ROUTES with the action they need: {sorted(missing)}"
    stale = set(ROUTES) - served
    assert not stale, f"ROUTES names routes the app no longer serves: {sorted(stale)}"
    for key, route in ROUTES.items():
        assert route.action in PERMISSIONS, key


def test_node_routes_refuse_every_bearer_token(world: World) -> None:
    served = served_routes(world.client.app)
    assert served >= NODE_SIGNED
    for key in sorted(NODE_SIGNED):
        path = key.split(" ", 1)[1].replace("{agreement_id}", AGREEMENT)
        params = {"start": "0", "end": "1", "first": "1", "second": "1"}
        for headers in ({}, world.admin["IN"]):
            got = world.client.get(f"{API}{path}", params=params, headers=headers)
            assert got.status_code == 401, (key, got.status_code)


def test_open_routes_need_no_token(world: World) -> None:
    assert world.client.get(f"{API}/health").status_code == 200
    assert world.client.get(f"{API}/ready").status_code == 200
    assert world.client.get(f"{API}/openapi.json").status_code == 200


@pytest.mark.parametrize("key", sorted(ROUTES))
def test_route(world: World, key: str) -> None:
    if key not in served_routes(world.client.app):
        pytest.fail(f"{key} is not served")
    failures = check(world, key)
    assert not failures, f"{key}:\n  " + "\n  ".join(failures)
