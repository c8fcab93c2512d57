"""One racing filer: its own process, its own engine, one warship for the last slot."""

from __future__ import annotations

from typing import Any

from tests.integration.deployments.deployment_bodies import IN_PLANNER, filing, warship

from relos.deployments import service
from relos.deployments.schemas import FilingIn
from relos.kit.db import Database
from relos.kit.errors import RuleViolations


def race(
    url: str,
    hull: str,
    ready: Any,
    start: Any,
    results: Any,
    days: tuple[float, float] = (0, 14),
) -> None:
    """Warm up, wait for the starting gun, file, and report the outcome (never raise)."""
    db = Database(url)
    body = FilingIn.model_validate(filing(warship(hull, *days)))
    try:
        with db.transaction(write=False) as session:
            service.list_deployments(session, IN_PLANNER)  # connect and load everything first
        ready.put(hull)
        start.wait(120)
        with db.transaction() as session:
            created = service.file(session, IN_PLANNER, body)
        results.put((hull, created.status, []))
    except RuleViolations as exc:
        results.put((hull, "refused", sorted({v.code for v in exc.violations})))
    except Exception as exc:
        results.put((hull, "error", [repr(exc)]))
    finally:
        db.dispose()
