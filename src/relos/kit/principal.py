"""Who is calling: a user of one party holding one or more roles (the roles are access's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    party: str
    roles: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


# The command line acts with the operator's own authority (they hold the database itself).
SYSTEM = Principal(user_id=0, name="system", party="", roles=frozenset({"admin"}))
