"""Planner errors that carry their HTTP status (mapped to problem+json in one place)."""

from __future__ import annotations

from typing import Any

from relos.kit.errors import RelosError
from relos.planning.messages import coded


class RouteBlocked(RelosError):
    """No open sea route: the reasons name the closed passages or seasons in the way."""

    status = 422
    slug = "route-blocked"
    title = "No open route"

    def __init__(self, detail: str, reasons: list[str]) -> None:
        super().__init__(detail)
        self.reasons = reasons

    def extensions(self) -> dict[str, Any]:
        return {"reasons": self.reasons, "codes": [coded(r) for r in self.reasons]}
