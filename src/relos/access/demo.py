"""Demo users of both RELOS parties, one per role, with a shared demo password."""

from __future__ import annotations

from sqlalchemy.orm import Session

from relos.access import repository, service
from relos.access.domain import ROLES
from relos.access.schemas import NewUser

DEMO_PASSWORD = "relos-demo"  # noqa: S105 - printed at start; demo databases only


def demo_users() -> list[tuple[str, str, str]]:
    """(name, party, role) for each demo login, e.g. in-planner / IN / planner."""
    return [
        (f"{party.lower()}-{role.replace('_', '-')}", party, role)
        for party in ("IN", "RU")
        for role in ROLES
    ]


def load(session: Session) -> int:
    added = 0
    for name, party, role in demo_users():
        if repository.user_by_name(session, name) is None:
            command = NewUser(name=name, party=party, roles=(role,), password=DEMO_PASSWORD)
            service.add_user(session, command)
            added += 1
    return added
