"""The one place that says who may do what, and which parties may see which records.

Every API route, page and CLI command asks `require(principal, action)` before acting and
filters what it reads by `visible_parties`. Actions are named `<feature>.<verb>`.
"""

from __future__ import annotations

from collections.abc import Iterable

from relos.access.domain import Principal
from relos.kit.errors import Forbidden

ALL = frozenset({"viewer", "planner", "host_liaison", "logistics", "finance", "auditor", "admin"})

# action -> roles allowed to take it. Reading is open to every role of a party the record
# concerns; party scoping (who may see what) is applied separately by the repositories.
PERMISSIONS: dict[str, frozenset[str]] = {
    "reference.read": ALL,
    "agreements.consent": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    "deployments.read": ALL,
    "deployments.file": frozenset({"planner", "admin"}),
    "deployments.amend": frozenset({"planner", "admin"}),
    "deployments.consent": frozenset({"host_liaison"}),
    "deployments.complete": frozenset({"planner", "admin"}),
    "deployments.cancel": frozenset({"planner", "admin"}),
    "logistics.read": ALL,
    "prices.import": frozenset({"logistics", "finance", "admin"}),
    "orders.raise": frozenset({"logistics", "planner", "admin"}),
    "orders.sign": frozenset({"logistics", "finance", "admin"}),
    "orders.deliver": frozenset({"logistics", "admin"}),
    "settlements.record": frozenset({"finance", "admin"}),
    "rates.import": frozenset({"finance", "admin"}),
    "ledger.read": frozenset({"finance", "logistics", "auditor", "admin"}),
    "ledger.reverse": frozenset({"finance", "admin"}),
    "plans.compute": ALL,
    "audit.read": frozenset({"auditor", "admin"}),
}


def allowed(principal: Principal, action: str) -> bool:
    roles = PERMISSIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    return bool(principal.roles & roles)


def require(principal: Principal, action: str) -> None:
    """Raise Forbidden unless one of the principal's roles may take the action."""
    if not allowed(principal, action):
        raise Forbidden(f"{principal.name} ({', '.join(sorted(principal.roles))}) may not {action}")


def may_see(principal: Principal, parties: Iterable[str]) -> bool:
    """A record concerning these parties is visible to their users (the system sees all)."""
    return principal.party == "" or principal.party in set(parties)
