"""Schemathesis (4.x) against /api/v1/openapi.json, in process, authenticated, every operation.

Each operation gets a bounded number of generated requests, valid and invalid, sent as
an Indian admin holding every role, so the authorisation layer lets the
requests reach the rules. Checked: no 5xx, status codes and content types the document
declares, and response bodies that match their schemas.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from relos.access import service as access
from relos.access.domain import ROLES
from relos.access.schemas import IssueToken, NewUser
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings, default_data_dir
from relos.lifecycle import load_demo

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12


@pytest.fixture(scope="module")
def served(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("schemathesis")
    shutil.copyfile(sqlite_template, folder / "api.db")
    db = Database(f"sqlite:///{folder / 'api.db'}", default_data_dir())  # the template's key
    load_demo(db)  # real deployments, orders and postings, so list answers are checked too
    with db.transaction() as session:
        access.add_user(session, NewUser(name="in-everything", party="IN", roles=tuple(ROLES)))
        token = access.create_token(session, IssueToken(name="in-everything")).token
    app = create_app(Settings(database_url=db.url, data_dir=folder), db)
    with TestClient(app):  # runs the lifespan
        yield app, {"Authorization": f"Bearer {token}"}
    db.dispose()


def _exercise(operation: Any, headers: dict[str, str], mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_api_conforms_to_its_openapi_document(served: tuple[Any, dict[str, str]]) -> None:
    # One test walks every operation (schemathesis' lazy pytest loader does not run on
    # pytest 9), collecting every failing operation before it fails.
    app, headers = served
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _exercise(operation, headers, mode)
            except Unsatisfiable:
                pass  # nothing invalid to send (e.g. no parameters at all)
            except Exception as exc:
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"
                )
    failures += _known_records(schema, app, headers)
    assert operations >= 30, operations
    assert not failures, "\n\n".join(failures)


def _real_ids(app: Any, headers: dict[str, str]) -> dict[str, str]:
    """Path parameters naming records that exist (random ones only ever meet a 404)."""
    with TestClient(app) as client:
        deployments = client.get("/api/v1/deployments", headers=headers).json()
        orders = client.get("/api/v1/support-orders", headers=headers).json()
    assert deployments and orders, "the demo data set should give the caller records to read"
    return {
        "agreement_id": "in-ru-relos",
        "deployment_id": deployments[0]["id"],
        "order_id": orders[0]["id"],
        "facility_id": "RUVVO",
        "platform_id": "talwar",
    }


def _known_records(schema: Any, app: Any, headers: dict[str, str]) -> list[str]:
    """Every GET of one existing record, checked against its documented shape."""
    ids = _real_ids(app, headers)
    failures, checked = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        required_query = [p for p in operation.query if p.is_required]
        if operation.method.upper() != "GET" or not names or required_query:
            continue
        if operation.path.startswith("/api/v1/federation/"):
            continue  # partner nodes' routes: a node signature, not a bearer token, opens them
        if not names <= set(ids):
            failures.append(f"GET {operation.path}: add a real value for {names - set(ids)}")
            continue
        case = operation.Case(path_parameters={n: ids[n] for n in names})
        checked += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert response.status_code == 200, response.text
        except Exception as exc:
            failures.append(f"GET {operation.path} (a real record): {exc}")
    assert checked >= 5, checked
    return failures
