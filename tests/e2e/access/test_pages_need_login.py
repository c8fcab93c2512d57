"""Every web page, found from the app's own route table, needs a logged-in user."""

from __future__ import annotations

import re

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

# Pages a stranger must reach: the login form itself and the language switch.
PUBLIC = {"/login", "/lang/{code}"}


def page_routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        path = context.path or ""
        # /metrics is for Prometheus with a bearer token (401 without), not a page.
        if path.startswith(("/api/", "/static", "/metrics")) or not path.startswith("/"):
            continue
        for method in sorted(set(getattr(context, "methods", None) or ()) - {"HEAD"}):
            found.append((method, path))
    return found


def test_pages_redirect_strangers_to_the_login(sqlite_client: TestClient) -> None:
    routes = page_routes(sqlite_client)
    assert ("GET", "/") in routes
    for method, path in routes:
        if path in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "x", path)
        answer = sqlite_client.request(method, url, follow_redirects=False)
        if method == "GET":
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["location"].startswith("/login"), path
        else:
            # A form post without a session or its CSRF token changes nothing.
            assert answer.status_code in (303, 403, 422), (method, path, answer.status_code)
        assert answer.headers["x-frame-options"] == "DENY", path
