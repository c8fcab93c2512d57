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
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings

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
    db = Database(f"sqlite:///{folder / 'api.db'}")
    with db.transaction() as session:
        access.add_user(session, "in-everything", "IN", list(ROLES))
        token = access.create_token(session, "in-everything")
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
    assert operations >= 30, operations
    assert not failures, "\n\n".join(failures)
