"""Deployments: the list, the host's consent queue, one deployment, and the filing form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.access.policy import allowed, require
from relos.agreements import service as agreements
from relos.deployments import service
from relos.deployments.schemas import CompletionIn, ConsentIn, FilingIn
from relos.facilities import service as facilities
from relos.kit.db import Database
from relos.kit.errors import Forbidden, PreconditionFailed, RuleViolations
from relos.kit.timeutil import parse_instant, utcnow
from relos.web import filing
from relos.web.i18n import Formatter, locale_of, translations
from relos.web.render import render
from relos.web.security import PageUser, check_csrf

router = APIRouter()
STATUSES = ("cleared", "pending_host_consent", "declined", "completed", "cancelled")


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def consent_queue(items: list[dict[str, Any]], user: Principal) -> list[dict[str, Any]]:
    """Exceptions waiting for this user's party, as host, to consent."""
    if not allowed(user, "deployments.consent"):
        return []
    return [
        d for d in items if d["status"] == "pending_host_consent" and d["host_party"] == user.party
    ]


@router.get("/deployments")
def list_page(request: Request, user: PageUser, status: str = "", agreement: str = "") -> Response:
    with _db(request).transaction(write=False) as session:
        everything = [d.model_dump() for d in service.list_deployments(session, user)]
        shown = [
            d.model_dump()
            for d in service.list_deployments(
                session, user, agreement=agreement or None, status=status or None
            )
        ]
    context = {
        "deployments": shown,
        "queue": consent_queue(everything, user),
        "statuses": STATUSES,
        "status": status,
        "may_file": allowed(user, "deployments.file"),
    }
    return render(request, "deployments/list.html", context)


def _filing_agreements(request: Request, user: Principal) -> list[dict[str, Any]]:
    with _db(request).transaction(write=False) as session:
        return [a.model_dump() for a in agreements.list_agreements(session, user) if a.caps]


def _host_facilities(
    request: Request, user: Principal, choices: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Facilities on the territory of the user's partners: where an element may go."""
    hosts = sorted({p for a in choices for p in a["parties"] if p != user.party})
    with _db(request).transaction(write=False) as session:
        return [f for host in hosts for f in facilities.list_facilities(session, user, host)]


def _form_page(
    request: Request,
    user: Principal,
    form: dict[str, Any],
    problems: list[filing.Problem],
    status: int = 200,
) -> Response:
    choices = _filing_agreements(request, user)
    context = {
        "agreements": choices,
        "facilities": _host_facilities(request, user, choices),
        "purposes": list(dict.fromkeys(p for a in choices for p in a["purposes"])),
        "form": form,
        "indexes": filing.element_indexes(form) or [0],
        "problems": {p.key: p.text for p in problems},
        "general": [p.text for p in problems if p.element is None and p.field == "form"],
    }
    return render(request, "deployments/new.html", context, status)


@router.get("/deployments/new")
def new_page(request: Request, user: PageUser) -> Response:
    if not allowed(user, "deployments.file"):
        raise Forbidden(f"{user.name} may not file deployments")
    return _form_page(request, user, {"e0.kind": "warship", "agreement": "in-ru-relos"}, [])


def _judge(
    request: Request, user: Principal, form: dict[str, Any], store: bool
) -> tuple[dict[str, Any] | None, list[filing.Problem]]:
    """Validate (or file) the form through the deployments service."""
    body = filing.filing_body(form, user.party)
    locale = locale_of(request)
    gettext = translations(locale).gettext
    parsed, problems = filing.parse(body, gettext)
    if parsed is None:
        return None, problems
    try:
        with _db(request).transaction(write=store) as session:
            result = _file_or_check(session, user, parsed, store)
    except RuleViolations as exc:
        violations = [v.to_dict() for v in exc.violations]
        return None, filing.violation_problems(violations, body, Formatter(locale), gettext)
    if not store and not result["ok"]:
        return result, filing.violation_problems(
            result["violations"], body, Formatter(locale), gettext
        )
    return result, []


def _file_or_check(session: Any, user: Principal, parsed: FilingIn, store: bool) -> dict[str, Any]:
    result = (
        service.file(session, user, parsed) if store else service.validate(session, user, parsed)
    )
    # Violations as problem+json shows them: fields that do not apply are left out.
    violations = [v.model_dump(exclude_none=True) for v in result.violations]
    return {**result.model_dump(), "violations": violations}


@router.post("/deployments/new")
async def file_deployment(request: Request, user: PageUser) -> Response:
    form = dict(await request.form())
    check_csrf(request, str(form.get("csrf", "")))
    result, problems = await _run(request, user, form, store=True)
    if result is None:
        return _form_page(request, user, form, problems, status=422)
    return RedirectResponse(f"/deployments/{result['id']}?filed=1", status_code=303)


@router.post("/deployments/check")
async def check_deployment(request: Request, user: PageUser) -> Response:
    """The live check behind the filing form: same service, nothing stored."""
    form = dict(await request.form())
    check_csrf(request, request.headers.get("x-csrf-token", ""))
    result, problems = await _run(request, user, form, store=False)
    status = result.get("status") if result else None
    return JSONResponse(
        {
            "ok": not problems,
            "status": status,
            "problems": [{"key": p.key, "text": p.text, "input": p.input} for p in problems],
        }
    )


async def _run(
    request: Request, user: Principal, form: dict[str, Any], store: bool
) -> tuple[dict[str, Any] | None, list[filing.Problem]]:
    return await run_in_threadpool(_judge, request, user, form, store)


def _amend_page(
    request: Request,
    user: Principal,
    deployment: dict[str, Any],
    form: dict[str, Any],
    problems: list[filing.Problem],
    status: int = 200,
) -> Response:
    choices = [a for a in _filing_agreements(request, user) if a["id"] == deployment["agreement"]]
    context = {
        "agreements": choices,
        "facilities": _host_facilities(request, user, choices),
        "purposes": [p for a in choices for p in a["purposes"]],
        "form": form,
        "indexes": filing.element_indexes(form) or [0],
        "problems": {p.key: p.text for p in problems},
        "general": [p.text for p in problems if p.element is None and p.field == "form"],
        "amending": deployment,
    }
    return render(request, "deployments/new.html", context, status)


def _readable(request: Request, user: Principal, deployment_id: str) -> dict[str, Any]:
    with _db(request).transaction(write=False) as session:
        deployment, etag = service.get_deployment(session, user, deployment_id)
    return {**deployment.model_dump(), "etag": etag}


@router.get("/deployments/{deployment_id}/amend")
def amend_page(request: Request, user: PageUser, deployment_id: str) -> Response:
    require(user, "deployments.amend")
    deployment = _readable(request, user, deployment_id)
    form = {**filing.form_of(deployment), "etag": deployment["etag"]}
    return _amend_page(request, user, deployment, form, [])


@router.post("/deployments/{deployment_id}/amend")
async def amend(request: Request, user: PageUser, deployment_id: str) -> Response:
    form = dict(await request.form())
    check_csrf(request, str(form.get("csrf", "")))
    deployment = await run_in_threadpool(_readable, request, user, deployment_id)
    problems = await run_in_threadpool(_amend, request, user, deployment_id, form)
    if problems:
        return _amend_page(request, user, deployment, form, problems, status=422)
    return RedirectResponse(f"/deployments/{deployment_id}?amended=1", status_code=303)


def _amend(
    request: Request, user: Principal, deployment_id: str, form: dict[str, Any]
) -> list[filing.Problem]:
    """Amend through the service (If-Match from the form); the problems, if any."""
    body = filing.amendment_body(filing.filing_body(form, user.party))
    locale = locale_of(request)
    gettext = translations(locale).gettext
    parsed, problems = filing.parse_amendment(body, gettext)
    if parsed is None:
        return problems
    try:
        with _db(request).transaction() as session:
            service.amend(session, user, deployment_id, parsed, str(form.get("etag", "")))
    except RuleViolations as exc:
        violations = [v.to_dict() for v in exc.violations]
        return filing.violation_problems(violations, body, Formatter(locale), gettext)
    except PreconditionFailed:
        text = gettext("Someone changed this deployment meanwhile: reload it and amend again.")
        return [filing.Problem("form", text)]
    return []


@router.get("/deployments/{deployment_id}")
def detail_page(request: Request, user: PageUser, deployment_id: str) -> Response:
    with _db(request).transaction(write=False) as session:
        found, _etag = service.get_deployment(session, user, deployment_id)
    deployment = found.model_dump()
    pending = deployment["status"] == "pending_host_consent"
    own = user.party in ("", deployment["deploying_party"])
    live = deployment["status"] in ("cleared", "pending_host_consent")
    context = {
        "d": deployment,
        "may_consent": pending
        and allowed(user, "deployments.consent")
        and user.party == deployment["host_party"],
        "may_cancel": live and own and allowed(user, "deployments.cancel"),
        "may_amend": live and own and allowed(user, "deployments.amend"),
        "may_complete": deployment["status"] == "cleared"
        and own
        and allowed(user, "deployments.complete"),
        "now": utcnow(),
    }
    return render(request, "deployments/detail.html", context)


@router.post("/deployments/{deployment_id}/consent")
def consent(
    request: Request,
    user: PageUser,
    deployment_id: str,
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(request, csrf)
    with _db(request).transaction() as session:
        command = ConsentIn(
            decision="approve" if decision == "approve" else "decline", note=note or None
        )
        service.consent(session, user, deployment_id, command)
    return RedirectResponse(f"/deployments/{deployment_id}", status_code=303)


@router.post("/deployments/{deployment_id}/cancel")
def cancel(
    request: Request, user: PageUser, deployment_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf)
    with _db(request).transaction() as session:
        service.cancel(session, user, deployment_id)
    return RedirectResponse(f"/deployments/{deployment_id}", status_code=303)


@router.post("/deployments/{deployment_id}/complete")
def complete(
    request: Request,
    user: PageUser,
    deployment_id: str,
    actual_end: Annotated[str, Form(min_length=10, max_length=30)],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    with _db(request).transaction() as session:
        command = CompletionIn(actual_end=parse_instant(filing.day(actual_end)))
        service.complete(session, user, deployment_id, command)
    return RedirectResponse(f"/deployments/{deployment_id}", status_code=303)
