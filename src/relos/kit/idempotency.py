"""Idempotency-Key on creates: a retry returns the first result and creates nothing.

The same key with a different body is an error (422), so a client cannot silently get the
result of another request. Keys are scoped per user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from relos.kit.db import advisory_lock
from relos.kit.digest import digest
from relos.kit.errors import InvalidInput
from relos.kit.idempotency_models import IdempotencyRow
from relos.kit.principal import Principal
from relos.kit.timeutil import utcnow

Result = tuple[int, dict[str, Any]]


def run_once(
    session: Session,
    caller: Principal,
    key: str | None,
    route: str,
    body: Any,
    create: Callable[[], Result],
) -> Result:
    """Run `create` once per (caller, key); later calls with the same body get its result."""
    if key is None:
        return create()
    if not 1 <= len(key) <= 200:
        raise InvalidInput("Idempotency-Key: 1 to 200 characters")
    # Two retries racing with one key must not both create.
    advisory_lock(session, "idempotency", str(caller.user_id), key)
    body_hash = digest({"route": route, "body": body})
    stored = session.get(IdempotencyRow, (caller.user_id, key))
    if stored is not None:
        if stored.body_hash != body_hash:
            raise InvalidInput("Idempotency-Key was already used with a different request body")
        return stored.status, stored.response
    status, response = create()
    session.add(
        IdempotencyRow(
            user_id=caller.user_id,
            key=key,
            route=route,
            body_hash=body_hash,
            status=status,
            response=response,
            created_at=utcnow(),
        )
    )
    session.flush()
    return status, response
