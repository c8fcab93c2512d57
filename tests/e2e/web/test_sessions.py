"""Web sessions: cookies, CSRF, same-origin API use, redirects — over HTTP."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.e2e.web.conftest import BASE, Login, csrf_of

from relos.access.demo import DEMO_PASSWORD
from relos.app import create_app
from relos.kit.db import Database
from relos.kit.settings import Settings


def _client(db: Database, tmp_path: Path, secure: bool = False) -> TestClient:
    settings = Settings(database_url=db.url, data_dir=tmp_path, secure_cookies=secure)
    return TestClient(create_app(settings, db), base_url=BASE, raise_server_exceptions=False)


def test_pages_need_a_login(demo_database: Database, tmp_path: Path) -> None:
    with _client(demo_database, tmp_path) as client:
        response = client.get("/deployments?status=cleared", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/deployments%3Fstatus%3Dcleared"


def test_cookie_is_httponly_strict_and_secure_when_configured(
    demo_database: Database, tmp_path: Path
) -> None:
    for secure in (False, True):
        with _client(demo_database, tmp_path, secure) as client:
            cookie = client.get("/login").headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie
            assert ("Secure" in cookie) is secure


def test_login_checks_password_and_csrf(demo_database: Database, tmp_path: Path) -> None:
    with _client(demo_database, tmp_path) as client:
        token = csrf_of(client.get("/login").text)
        bad = {"name": "in-planner", "password": "x" * 9, "csrf": token}
        wrong = client.post("/login", data=bad)
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        forged = {"name": "in-planner", "password": DEMO_PASSWORD, "csrf": "forged"}
        assert client.post("/login", data=forged).status_code == 403
        good = {"name": "in-planner", "password": DEMO_PASSWORD, "csrf": token, "next": "//evil"}
        response = client.post("/login", data=good, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/"
        # a fresh token after login: the one from before is worthless now
        assert csrf_of(client.get("/").text) != token


def test_cross_site_form_posts_are_refused(login: Login) -> None:
    client = login("in-admin")
    token = csrf_of(client.get("/agreements/in-ru-relos").text)
    url = "/agreements/in-ru-relos/consents"
    body = {"extend_years": "5", "csrf": token}
    evil = {"Origin": "https://evil.example"}
    assert client.post(url, data=body, headers=evil).status_code == 403
    assert client.post(url, data=body, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post(url, data={"extend_years": "5"}).status_code == 403
    done = client.post(url, data=body, headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 200 and "consent is recorded" in done.text


def test_api_through_the_session_needs_csrf_to_change_anything(login: Login) -> None:
    client = login("in-admin")
    token = csrf_of(client.get("/").text)
    assert client.get("/api/v1/agreements").status_code == 200
    url = "/api/v1/agreements/in-ru-relos/consents"
    body = {"party": "IN", "extend_years": 5}
    assert client.post(url, json=body).status_code == 401
    assert client.post(url, json=body, headers={"X-CSRF-Token": "nope"}).status_code == 401
    cross = {"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
    assert client.post(url, json=body, headers=cross).status_code == 401
    assert client.post(url, json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_logout_ends_the_session(login: Login) -> None:
    client = login("in-viewer")
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf": token}).url.path == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/agreements").status_code == 401


def test_language_switch_and_browser_preference(login: Login) -> None:
    client = login("ru-viewer")
    assert "Deployments" in client.get("/").text
    switched = client.get("/lang/ru?next=/agreements")
    assert switched.url.path == "/agreements"
    assert "Соглашения" in switched.text and 'lang="ru"' in switched.text
    client.cookies.delete("relos_lang")
    assert 'lang="ru"' in client.get("/", headers={"Accept-Language": "ru-RU,ru"}).text
    assert (
        client.get("/lang/ru?next=https://evil.example", follow_redirects=False).headers["location"]
        == "/"
    )


def test_pages_carry_no_inline_script(login: Login) -> None:
    client = login("in-planner")
    for path in ("/", "/deployments/new", "/planner", "/agreements"):
        html = client.get(path).text
        assert "<script>" not in html and " onclick=" not in html and "javascript:" not in html
        assert "script-src 'self'" in client.get(path).headers["content-security-policy"]
