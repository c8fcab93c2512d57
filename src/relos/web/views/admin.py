"""Users, roles and bearer tokens for a party's administrator (the `users.manage` action).

The same access service as `relos users` and `relos token`; an administrator of a party
sees and manages only that party's users, exactly as the CLI scopes them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from relos.access import service
from relos.access.domain import ROLES, Principal
from relos.access.policy import require, require_visible, scope
from relos.access.schemas import IssueToken, NewUser, RevokeToken, SetActive
from relos.kit.db import Database
from relos.kit.errors import NotFound, RelosError
from relos.web.i18n import locale_of, translations
from relos.web.problems import problem_lines
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _users(request: Request, user: Principal) -> list[dict[str, Any]]:
    with _db(request).transaction(write=False) as session:
        return [
            {
                "name": u.name,
                "party": u.party,
                "roles": list(u.roles),
                "active": u.active,
                "tokens": service.list_tokens(session, u.name),
            }
            for u in service.list_users(session, scope(user))
        ]


def _page(
    request: Request,
    user: Principal,
    errors: list[str] | None = None,
    status: int = 200,
    form: dict[str, Any] | None = None,
    new_token: dict[str, str] | None = None,
) -> Response:
    context = {
        "users": _users(request, user),
        "roles": ROLES,
        "errors": errors or [],
        "form": form or {},
        "new_token": new_token,
    }
    return render(request, "admin/users.html", context, status)


def _refused(request: Request, user: Principal, exc: RelosError, form: dict[str, Any]) -> Response:
    locale = locale_of(request)
    lines = problem_lines(exc, locale, translations(locale).gettext)
    return _page(request, user, lines, exc.status, form)


@router.get("/admin/users")
def users_page(request: Request, user: PageUser) -> Response:
    require(user, "users.manage")
    return _page(request, user)


def _party_of(request: Request, user: Principal, name: str) -> str:
    """The party of a user this administrator may manage; NotFound for anyone else's."""
    with _db(request).transaction(write=False) as session:
        found = [u.party for u in service.list_users(session, scope(user)) if u.name == name]
    if not found:
        raise NotFound(f"no user {name!r}")
    return found[0]


@router.post("/admin/users")
async def add_user(request: Request, user: PageUser) -> Response:
    require(user, "users.manage")
    data = await request.form()
    check_csrf(request, str(data.get("csrf", "")))
    form = {k: str(v) for k, v in data.items() if k != "password"}
    name = form.get("name", "").strip()
    party = user.party or form.get("party", "").strip().upper()
    roles = [str(r) for r in data.getlist("roles")]
    password = str(data.get("password", "")) or None
    try:
        require_visible(user, [party], "such party")
        with _db(request).transaction() as session:
            service.add_user(
                session,
                NewUser(name=name, party=party, roles=tuple(roles), password=password),
                user,
            )
    except RelosError as exc:
        return _refused(request, user, exc, {**form, "roles": roles})
    return RedirectResponse(f"/admin/users?added={name}", status_code=303)


@router.post("/admin/users/{name}/active")
def set_active(
    request: Request,
    user: PageUser,
    name: str,
    active: Annotated[str, Form(pattern="^(yes|no)$")],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(user, "users.manage")
    check_csrf(request, csrf)
    try:
        _party_of(request, user, name)
        with _db(request).transaction() as session:
            service.set_active(session, SetActive(name=name, active=active == "yes"), user)
    except RelosError as exc:
        return _refused(request, user, exc, {})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/tokens")
def create_token(
    request: Request,
    user: PageUser,
    name: str,
    days: Annotated[str, Form(max_length=5)] = "30",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Issue a token and show it once, on this response only (it is never stored)."""
    require(user, "users.manage")
    check_csrf(request, csrf)
    try:
        _party_of(request, user, name)
        lifetime = int(days) if days.strip().isdigit() else 0
        with _db(request).transaction() as session:
            issued = service.create_token(session, IssueToken(name=name, days=lifetime), user)
    except RelosError as exc:
        return _refused(request, user, exc, {})
    return _page(request, user, new_token={"user": name, "value": issued.token})


@router.post("/admin/users/{name}/tokens/{token_id}/revoke")
def revoke_token(
    request: Request,
    user: PageUser,
    name: str,
    token_id: int,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    require(user, "users.manage")
    check_csrf(request, csrf)
    try:
        _party_of(request, user, name)
        with _db(request).transaction() as session:
            # Only a token of this user: an administrator cannot reach another party's.
            if token_id not in {t.id for t in service.list_tokens(session, name)}:
                raise NotFound(f"no token {token_id}")
            service.revoke_token(session, RevokeToken(id=token_id), user)
    except RelosError as exc:
        return _refused(request, user, exc, {})
    return RedirectResponse("/admin/users", status_code=303)
