"""Hostile values at every boundary: every API operation of the OpenAPI document and every CLI
command, on SQLite and PostgreSQL. Any 5xx or traceback fails.

Values: edge instants and offsets (one that overflows once in UTC), impossible dates, NUL,
strings longer than any column, huge and deeply nested bodies. Each operation gets the same
bounded set (no random search), so the test takes the same time on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import typer
import typer.testing
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from relos.access import service as access
from relos.access.domain import ROLES
from relos.access.schemas import IssueToken, NewUser
from relos.kit.db import Database
from relos.kit.errors import RelosError

HOSTILE = [
    "",
    "\x00",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01T00:30:00+01:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31",
    "2026-13-01",
    "2026-02-30",
    "x" * 5000,
    "-1",
    "1e309",
    "‮ä😀",
]
EDGE_INSTANTS = [
    "9999-12-31T23:00:00-05:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
]
pytestmark = pytest.mark.slow


@pytest.fixture
def everything(database: Database) -> dict[str, str]:
    with database.transaction() as session:
        access.add_user(session, NewUser(name="in-everything", party="IN", roles=tuple(ROLES)))
        token = access.create_token(session, IssueToken(name="in-everything")).token
    return {"Authorization": f"Bearer {token}"}


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            if options:
                return _resolve(options[0], spec)
    return schema


def _body(schema: dict[str, Any], spec: dict[str, Any], value: str, depth: int = 0) -> Any:
    """A body of the schema's shape whose every string is `value`."""
    schema = _resolve(schema, spec)
    kind = schema.get("type")
    if depth > 4:
        return value
    if kind == "object" or "properties" in schema:
        return {
            name: _body(sub, spec, value, depth + 1)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_body(schema.get("items", {}), spec, value, depth + 1)]
    if kind == "integer":
        return 10**18
    if kind == "number":
        return 1e308
    if kind == "boolean":
        return True
    return value


def _operations(client: TestClient) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    spec = client.get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation, spec


def _request(
    client: TestClient,
    method: str,
    path: str,
    operation: dict[str, Any],
    spec: dict[str, Any],
    value: str,
    headers: dict[str, str],
) -> int:
    url = path
    query: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            url = url.replace("{" + parameter["name"] + "}", quote(value, safe="") or "x")
        elif parameter["in"] == "query":
            query[parameter["name"]] = value
    content = operation.get("requestBody", {}).get("content", {})
    body = None
    if "application/json" in content:
        body = json.dumps(_body(content["application/json"]["schema"], spec, value))
    answer = client.request(
        method,
        url,
        params=query,
        content=body,
        headers={**headers, "Content-Type": "application/json", "If-Match": '"x"'},
    )
    return answer.status_code


def test_every_api_operation_survives_hostile_values(
    client: TestClient, everything: dict[str, str]
) -> None:
    failures = []
    for method, path, operation, spec in _operations(client):
        for value in HOSTILE:
            status = _request(client, method, path, operation, spec, value, everything)
            if status >= 500:
                failures.append((method, path, repr(value[:40]), status))
    assert not failures, failures


def test_every_json_operation_refuses_huge_deep_and_nul_bodies(
    client: TestClient, everything: dict[str, str]
) -> None:
    huge = b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    deep = b'{"a":' * 2000 + b"1" + b"}" * 2000
    nul = b'{"title": "a\\u0000b"}'
    for method, path, operation, _ in _operations(client):
        if "requestBody" not in operation:
            continue
        url = path.replace("{", "").replace("}", "")
        for body, expected in ((huge, 413), (deep, 422), (nul, 422)):
            answer = client.request(
                method,
                url,
                content=body,
                headers={**everything, "Content-Type": "application/json"},
            )
            assert answer.status_code == expected, (method, path, answer.status_code)
            assert answer.headers["content-type"] == "application/problem+json"


def _filing(start: str, end: str) -> dict[str, Any]:
    return {
        "agreement": "in-ru-relos",
        "deploying_party": "IN",
        "purpose": "training",
        "title": "t" * 300,
        "commander": {"name": "A", "rank": "C"},
        "request_exception": True,
        "justification": "j",
        "elements": [
            {"kind": "personnel", "count": 5, "facility": "RUVVO", "start": start, "end": end}
        ],
    }


def test_edge_instants_in_bodies_and_queries_are_4xx(
    client: TestClient, everything: dict[str, str]
) -> None:
    answers = []
    for at in EDGE_INSTANTS:
        for start, end in ((at, at), ("2027-01-01T00:00:00Z", at), (at, "2027-01-01T00:00:00Z")):
            body = _filing(start, end)
            answers.append(
                client.post("/api/v1/deployments/validate", json=body, headers=everything)
            )
            answers.append(client.post("/api/v1/deployments", json=body, headers=everything))
            window = {"party": "IN", "start": start, "end": end}
            for what in ("headroom", "utilisation"):
                answers.append(
                    client.get(
                        f"/api/v1/agreements/in-ru-relos/{what}", params=window, headers=everything
                    )
                )
        answers.append(
            client.get("/api/v1/deployments", params={"active_at": at}, headers=everything)
        )
        answers.append(client.get("/api/v1/audit", params={"since": at}, headers=everything))
    bad = [(a.request.url, a.status_code, a.text[:200]) for a in answers if a.status_code >= 500]
    assert not bad, bad


def _leaves(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _leaves(sub, [*path, name])
    else:
        yield path, command


CLI_HOSTILE = ["\x00", "9999-12-31T23:00:00-05:00", "2026-13-01", "x" * 5000, "-1"]
# Commands that serve until stopped (serve, the two-node demo) or rebuild the whole database.
CLI_SKIP = {
    ("serve",),
    ("peer", "demo"),
    ("db", "restore"),
    ("demo", "load"),
    ("db", "upgrade"),
}


def test_every_cli_command_survives_hostile_values(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from relos.cli import _register_features, app
    from relos.kit import clikit

    monkeypatch.setenv("RELOS_DATABASE_URL", database.url)
    monkeypatch.setenv("RELOS_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    clikit.database.cache_clear()
    _register_features()
    root = typer.main.get_command(app)
    # Built once: the runner would rebuild the whole command tree for every invocation.
    monkeypatch.setattr(typer.testing, "_get_command", lambda _: root)
    runner = CliRunner()
    tracebacks = []
    invoked = 0
    try:
        for path, command in _leaves(root, []):
            if tuple(path) in CLI_SKIP:
                continue
            params = [
                p
                for p in command.params
                if p.name != "help" and not getattr(p, "is_flag", False) and not p.is_eager
            ]
            for n, target in enumerate(params):
                # Two of the hostile values per parameter, in rotation: bounded time.
                for value in (CLI_HOSTILE[n % 5], CLI_HOSTILE[(n + len(path)) % 5 - 4]):
                    args = list(path)
                    for p in params:
                        given = value if p is target else "x"
                        if p.param_type_name == "argument":
                            args.append(given)
                        elif p is target or p.required:
                            args += [p.opts[0], given]
                    result = runner.invoke(app, args, input="")
                    invoked += 1
                    error = result.exception
                    # What main() turns into one line on stderr (see relos.cli.main).
                    handled = (SystemExit, RelosError, ValueError, OverflowError, OSError)
                    if error is None or isinstance(error, handled):
                        continue
                    main_handles = ("OperationalError", "ProgrammingError", "ArgumentError")
                    if type(error).__name__ in main_handles:
                        continue  # main() turns these into one line too
                    tracebacks.append((" ".join(a[:30] for a in args), repr(error)[:200]))
    finally:
        if clikit.database.cache_info().currsize:
            clikit.database().dispose()
        clikit.database.cache_clear()
    assert invoked > 30, "every leaf command was reached"
    assert not tracebacks, tracebacks
