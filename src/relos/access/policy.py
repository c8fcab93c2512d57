"""The one place that says who may do what, and which parties may see which records.

Every API route, page and CLI command goes through the same two questions, in this order:

1. `require(principal, action)`: may one of the caller's roles take this action at all?
   No → Forbidden (403). This reveals nothing about any record.
2. `require_visible(principal, parties, what)` for one record, or `scope(principal)` in the
   query of a list: is the caller's party one of the record's parties? No → NotFound (404),
   exactly as if the record did not exist, so another party's records cannot be probed.

Actions are named `<feature>.<verb>`; an action missing from PERMISSIONS is a programming
error (KeyError), so a new route cannot silently be open to everyone.
"""

from __future__ import annotations

from collections.abc import Iterable

from relos.access.domain import ROLES, Principal
from relos.kit.errors import Forbidden, NotFound

ALL = frozenset(ROLES)


def _roles(*names: str) -> frozenset[str]:
    unknown = set(names) - ALL
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return frozenset(names)


ROLE_DUTIES: dict[str, str] = {
    "viewer": "reads the records of their party",
    "planner": "files and manages deployments, plans routes, raises support orders",
    "host_liaison": "consents to or declines host exceptions (over-cap, short notice)",
    "logistics": "raises, signs and delivers support orders; imports price lists",
    "finance": "signs orders, records settlements, imports rates, reads the ledger",
    "auditor": "reads everything of their party, including the ledger and the audit trail",
    "admin": "manages users and reference data; records agreement consents",
}

# action -> (roles allowed to take it, what it means). Reading is open to every role of a
# party the record concerns; party scoping is applied separately (require_visible / scope).
_TABLE: dict[str, tuple[frozenset[str], str]] = {
    "reference.read": (ALL, "read agreements, facilities and platforms"),
    "agreements.consent": (_roles("admin"), "record the party's consent to extend a term"),
    "users.manage": (_roles("admin"), "add users, issue and revoke their tokens"),
    "deployments.read": (ALL, "read deployments, headroom and utilisation"),
    "deployments.file": (_roles("planner", "admin"), "file or validate a deployment"),
    "deployments.amend": (_roles("planner", "admin"), "amend a deployment"),
    "deployments.consent": (_roles("host_liaison"), "consent to or decline an exception"),
    "deployments.complete": (_roles("planner", "admin"), "record a deployment's actual end"),
    "deployments.cancel": (_roles("planner", "admin"), "cancel a deployment"),
    "logistics.read": (ALL, "read price lists and support orders"),
    "prices.import": (_roles("logistics", "finance", "admin"), "import a price list"),
    "orders.raise": (_roles("logistics", "planner", "admin"), "raise a support order"),
    "orders.sign": (_roles("logistics", "finance", "admin"), "sign an order for the party"),
    "orders.deliver": (_roles("logistics", "admin"), "record a delivery"),
    "orders.receive": (_roles("logistics", "admin"), "acknowledge receipt of a delivery"),
    "settlements.record": (_roles("finance", "admin"), "record a settlement"),
    "rates.import": (_roles("finance", "admin"), "import exchange rates"),
    "ledger.read": (
        _roles("finance", "logistics", "auditor", "admin"),
        "read balances, entries, overdue items and statements",
    ),
    "ledger.reverse": (_roles("finance", "admin"), "reverse a ledger entry"),
    "plans.compute": (ALL, "plan routes and reach, measure sea distances"),
    "audit.read": (_roles("auditor", "admin"), "read the audit trail of the party's records"),
    "audit.verify": (_roles("auditor", "admin"), "verify the audit chain"),
    "logs.read": (ALL, "read the signed logs, checkpoints and proofs of the party's agreements"),
    "logs.verify": (_roles("auditor", "admin"), "verify the node's signed logs"),
    "node.manage": (_roles("admin"), "show the node's identity and rotate its signing key"),
}

PERMISSIONS: dict[str, frozenset[str]] = {action: roles for action, (roles, _) in _TABLE.items()}
ACTION_MEANINGS: dict[str, str] = {action: meaning for action, (_, meaning) in _TABLE.items()}


def allowed(principal: Principal, action: str) -> bool:
    roles = PERMISSIONS.get(action)
    if roles is None:
        raise KeyError(f"unknown action {action!r}: add it to PERMISSIONS")
    return bool(principal.roles & roles)


def require(principal: Principal, action: str) -> None:
    """Raise Forbidden (403) unless one of the principal's roles may take the action."""
    if not allowed(principal, action):
        raise Forbidden(f"{principal.name} ({', '.join(sorted(principal.roles))}) may not {action}")


def sees_all(principal: Principal) -> bool:
    """Only the operator at the command line (no party) sees every party's records."""
    return principal.party == ""


def may_see(principal: Principal, parties: Iterable[str]) -> bool:
    """A record concerning these parties is visible to their users (the system sees all)."""
    return sees_all(principal) or principal.party in set(parties)


def require_visible(principal: Principal, parties: Iterable[str], what: str) -> None:
    """Raise NotFound (404), worded as for a missing record, unless the caller may see it."""
    if not may_see(principal, parties):
        raise NotFound(f"no {what}")


def scope(principal: Principal) -> str | None:
    """The party a list query must filter on, or None for the operator (sees all).

    Repositories take this value and filter in SQL (`WHERE party_a = :p OR party_b = :p`),
    never after loading.
    """
    return None if sees_all(principal) else principal.party


def permission_table() -> str:
    """The permission table as Markdown (docs/security.md embeds it; a test keeps them equal)."""
    header = "| action | meaning | " + " | ".join(ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    rows = [
        f"| `{action}` | {ACTION_MEANINGS[action]} | "
        + " | ".join("✓" if role in roles else "" for role in ROLES)
        + " |"
        for action, roles in PERMISSIONS.items()
    ]
    return "\n".join([header, rule, *rows])
