"""Who is calling: a user of one party holding one or more roles."""

from __future__ import annotations

from relos.kit.principal import SYSTEM, Principal

__all__ = ["ROLES", "SYSTEM", "Principal"]

ROLES = ("viewer", "planner", "host_liaison", "logistics", "finance", "auditor", "admin")
