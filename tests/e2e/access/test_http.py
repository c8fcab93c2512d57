from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.conftest import TokenFactory

from relos.access.domain import SYSTEM
from relos.access.schemas import RevokeToken, SetActive
from relos.audit.service import record
from relos.kit.db import Database

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def assert_hardened(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers[name] == value, name
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_security_headers_on_every_kind_of_response(
    sqlite_client: TestClient, sqlite_auth: TokenFactory
) -> None:
    token = sqlite_auth("in-viewer", "IN", ("viewer",))
    answers = [
        sqlite_client.get("/api/v1/health"),
        sqlite_client.get("/api/v1/openapi.json"),
        sqlite_client.get("/api/v1/agreements"),
        sqlite_client.get("/api/v1/agreements/none", headers=token),
        sqlite_client.get("/api/v1/no-such-route", headers=token),
        sqlite_client.post("/api/v1/agreements/in-ru-relos/consents", json={}, headers=token),
        sqlite_client.get("/", follow_redirects=False),
    ]
    assert [a.status_code for a in answers][:6] == [200, 200, 401, 404, 404, 422]
    for answer in answers:
        assert_hardened(answer)
    assert answers[2].headers["cache-control"] == "no-store"


def test_openapi_documents_problem_responses_and_bearer_auth(sqlite_client: TestClient) -> None:
    spec = sqlite_client.get("/api/v1/openapi.json").json()
    assert "Problem" in spec["components"]["schemas"]
    operation = spec["paths"]["/api/v1/audit"]["get"]
    for status in ("401", "403", "404", "422"):
        assert "application/problem+json" in operation["responses"][status]["content"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert "401" not in spec["paths"]["/api/v1/health"]["get"]["responses"]


def _touch(db: Database, record_id: str, parties: list[str]) -> None:
    with db.transaction() as session:
        record(session, SYSTEM, "test.touch", "thing", record_id, parties)


def test_audit_entries_are_scoped_to_the_callers_party(
    sqlite_client: TestClient, sqlite_auth: TokenFactory, sqlite_database: Database
) -> None:
    india = sqlite_auth("in-auditor", "IN", ("auditor",))
    russia = sqlite_auth("ru-admin", "RU", ("admin",))
    us = sqlite_auth("us-auditor", "US", ("auditor",))
    _touch(sqlite_database, "shared", ["IN", "RU"])
    _touch(sqlite_database, "ru-only", ["RU"])
    _touch(sqlite_database, "us-lemoa", ["IN", "US"])
    _touch(sqlite_database, "three", ["RU", "AU", "IN"])

    def seen(headers: dict[str, str]) -> set[str]:
        response = sqlite_client.get("/api/v1/audit", headers=headers)
        assert response.status_code == 200
        return {e["record_id"] for e in response.json() if e["record_type"] == "thing"}

    assert seen(india) == {"shared", "us-lemoa", "three"}
    assert seen(russia) == {"shared", "ru-only", "three"}
    assert seen(us) == {"us-lemoa"}


def test_audit_since_and_paging(
    sqlite_client: TestClient, sqlite_auth: TokenFactory, sqlite_database: Database
) -> None:
    admin = sqlite_auth("in-admin", "IN", ("admin",))
    for i in range(3):
        _touch(sqlite_database, f"t{i}", ["IN"])
    entries = sqlite_client.get("/api/v1/audit", headers=admin).json()
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids)
    page = sqlite_client.get(f"/api/v1/audit?after_id={ids[-2]}", headers=admin).json()
    assert [e["id"] for e in page] == ids[-1:]
    late = sqlite_client.get("/api/v1/audit?since=2999-01-01T00:00:00Z", headers=admin).json()
    assert late == []
    bad = sqlite_client.get("/api/v1/audit?since=yesterday", headers=admin)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    first = entries[0]
    assert set(first) >= {"at", "actor", "action", "record_type", "record_id", "hash"}


def test_audit_is_for_auditors_and_admins_only(
    sqlite_client: TestClient, sqlite_auth: TokenFactory
) -> None:
    assert sqlite_client.get("/api/v1/audit").status_code == 401
    for role in ("viewer", "planner", "host_liaison", "logistics", "finance"):
        headers = sqlite_auth(f"in-{role}", "IN", (role,))
        assert sqlite_client.get("/api/v1/audit", headers=headers).status_code == 403, role
        assert sqlite_client.get("/api/v1/audit/verify", headers=headers).status_code == 403


def test_verify_over_http(sqlite_client: TestClient, sqlite_auth: TokenFactory) -> None:
    auditor = sqlite_auth("ru-auditor", "RU", ("auditor",))
    verdict = sqlite_client.get("/api/v1/audit/verify", headers=auditor).json()
    assert verdict["whole"] is True and verdict["broken"] is None
    assert verdict["entries"] >= 2 and len(verdict["head"]["hash"]) == 64


def test_revoked_token_and_disabled_user_get_401(
    sqlite_client: TestClient, sqlite_auth: TokenFactory, sqlite_database: Database
) -> None:
    from relos.access import service

    headers = sqlite_auth("ru-viewer", "RU", ("viewer",))
    assert sqlite_client.get("/api/v1/agreements", headers=headers).status_code == 200
    with sqlite_database.transaction() as session:
        service.revoke_token(
            session, RevokeToken(token=headers["Authorization"].removeprefix("Bearer "))
        )
    assert sqlite_client.get("/api/v1/agreements", headers=headers).status_code == 401
    other = sqlite_auth("ru-planner", "RU", ("planner",))
    with sqlite_database.transaction() as session:
        service.set_active(session, SetActive(name="ru-planner", active=False))
    response = sqlite_client.get("/api/v1/agreements", headers=other)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_even_an_internal_error_carries_the_headers(
    sqlite_database: Database, tmp_path: Path
) -> None:
    from relos.app import create_app
    from relos.kit.settings import Settings

    settings = Settings(database_url=sqlite_database.url, data_dir=tmp_path, secure_cookies=True)
    app = create_app(settings, sqlite_database)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/boom")
    assert answer.status_code == 500
    assert_hardened(answer)
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert "a bug" not in answer.text


def test_no_hsts_over_plain_http(sqlite_client: TestClient) -> None:
    assert "strict-transport-security" not in sqlite_client.get("/api/v1/health").headers
