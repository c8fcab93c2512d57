"""Domain errors that carry their HTTP status.

Services raise these; one handler turns them into RFC 9457 problem+json (relos.kit.problems)
and one CLI wrapper turns them into a one-line message and a non-zero exit (relos.cli).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

# Where a problem+json `type` points: the base, then the error's slug.
PROBLEM_TYPE_BASE = "https://relos.dev/problems/"


@dataclass(frozen=True)
class Violation:
    """One broken rule: a stable code plus where and by how much."""

    code: str
    message: str
    element: int | None = None
    category: str | None = None
    at: str | None = None
    limit: Any = None
    would_be: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Serialise, leaving out the fields that do not apply."""
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "extra"}
        data.update(self.extra)
        return data


class RelosError(Exception):
    """Base of every error a caller may cause; never a bug."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def extensions(self) -> dict[str, Any]:
        """Extra members of the problem document."""
        return {}


class NotFound(RelosError):
    status = 404
    slug = "not-found"
    title = "Not found"


class InvalidInput(RelosError):
    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class RuleViolations(RelosError):
    """A filing or order breaks one or more rules of the agreement."""

    status = 422
    slug = "rule-violations"
    title = "The request breaks the agreement's rules"

    def __init__(self, detail: str, violations: list[Violation]) -> None:
        super().__init__(detail)
        self.violations = violations

    def extensions(self) -> dict[str, Any]:
        return {"violations": [v.to_dict() for v in self.violations]}


class Conflict(RelosError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class PreconditionFailed(RelosError):
    status = 412
    slug = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(RelosError):
    status = 428
    slug = "precondition-required"
    title = "Precondition required"


class Forbidden(RelosError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class Unauthenticated(RelosError):
    status = 401
    slug = "unauthenticated"
    title = "Authentication required"


class TooManyRequests(RelosError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class ReferenceDataError(RelosError):
    """A shipped or imported reference file is malformed: names the file, the field and why."""

    status = 422
    slug = "reference-data"
    title = "Invalid reference data"


class RequestCancelled(RelosError):
    """The request's client left or its time ran out, so its work was stopped."""

    status = 503
    slug = "timeout"
    title = "Request stopped"
