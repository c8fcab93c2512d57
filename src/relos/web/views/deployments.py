"""Deployments: the list, the host's consent queue, one deployment, and the filing form."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from relos.access.domain import Principal
from relos.access.policy import allowed, require
from relos.agreements import service as agreements
from relos.deployments import service
from relos.deployments.engine import EXCEPTIONABLE
from relos.deployments.schemas import (
    AircraftOut,
    CompletionIn,
    ConsentIn,
    FilingIn,
    PersonnelOut,
    WarshipOut,
)
from relos.facilities import repository as facilities_repository
from relos.facilities import service as facilities
from relos.facilities.schemas import FacilityOut
from relos.kit.db import Database
from relos.kit.errors import Forbidden, PreconditionFailed, RelosError, RuleViolations
from relos.kit.pagination import Page
from relos.kit.timeutil import parse_instant, utcnow
from relos.platforms import repository as platforms_repository
from relos.web import filing, listing
from relos.web.i18n import Formatter, locale_of, translations
from relos.web.problems import problem_lines
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


EXPORT_COLUMNS = (
    "reference",
    "title",
    "agreement",
    "deploying_party",
    "host_party",
    "purpose",
    "start",
    "end",
    "elements",
    "status",
)


def _export_row(d: dict[str, Any]) -> list[Any]:
    return [*(d[c] for c in EXPORT_COLUMNS[:8]), len(d["elements"]), d["status"]]


@router.get("/deployments")
def list_page(request: Request, user: PageUser) -> Response:
    view = listing.list_view(request)
    db = _db(request)

    def fetch(page: Page) -> list[dict[str, Any]]:
        with db.transaction(write=False) as session:
            found = service.list_deployments(
                session,
                user,
                agreement=view.opt("agreement"),
                party=view.opt("party"),
                status=view.opt("status"),
                page=page,
                filters=view.filters,
            )
        return [d.model_dump() for d in found]

    if kind := listing.export_kind(request):
        return listing.export(view, kind, "deployments", fetch, EXPORT_COLUMNS, _export_row)
    shown = listing.load(view, fetch)
    with db.transaction(write=False) as session:
        pending = service.list_deployments(session, user, status="pending_host_consent")
        everything = [d.model_dump() for d in pending]
        pacts = [a.model_dump() for a in agreements.list_agreements(session, user)]
    context = {
        "deployments": shown,
        "queue": consent_queue(everything, user),
        "statuses": STATUSES,
        "view": view,
        "agreements": pacts,
        "agreement_names": {a["id"]: a["short_name"] for a in pacts},
        "parties": sorted({p for a in pacts for p in a["parties"]}),
        "may_file": allowed(user, "deployments.file"),
    }
    return render(request, "deployments/list.html", context)


def _filing_agreements(request: Request, user: Principal) -> list[dict[str, Any]]:
    with _db(request).transaction(write=False) as session:
        return [a.model_dump() for a in agreements.list_agreements(session, user) if a.caps]


def _host_facilities(
    request: Request, user: Principal, choices: list[dict[str, Any]]
) -> list[FacilityOut]:
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
        # After a refused submit: every problem again, at the top, so none is missed.
        "refused": [p.text for p in problems] if status >= 400 else [],
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
    pending = status == "pending_host_consent"
    codes = {str(v.get("code")) for v in (result or {}).get("violations", [])}
    return JSONResponse(
        {
            # Waiting for the host's consent is a way to file it, not a refusal.
            "ok": not problems or pending,
            "status": status,
            "problems": [] if pending else [_problem_out(p) for p in problems],
            "excepted": [p.text for p in problems] if pending else [],
            # Breaks only what the host may waive, but no exception was asked for.
            "may_ask": bool(codes)
            and codes <= EXCEPTIONABLE
            and form.get("request_exception") not in ("on", "true", "1"),
        }
    )


def _problem_out(problem: filing.Problem) -> dict[str, Any]:
    return {"key": problem.key, "text": problem.text, "input": problem.input}


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
        "refused": [p.text for p in problems] if status >= 400 else [],
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


def waived_rules(deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """The rules the host would waive: those excused when it was last filed or amended."""
    for entry in reversed(deployment.get("history", [])):
        detail = entry.get("detail") or {}
        if "violations_excepted" in detail:
            return list(detail["violations_excepted"])
    return []


def completion_default(deployment: dict[str, Any], today: date) -> date:
    """Today, unless the planned end is already past: then the planned end."""
    planned = parse_instant(deployment["end"]).date()
    return min(today, planned)


def _platform_of(element: WarshipOut | AircraftOut | PersonnelOut) -> str:
    """The platform an element is of (a ship's class, an aircraft's type; none for people)."""
    if isinstance(element, WarshipOut):
        return element.ship_class
    if isinstance(element, AircraftOut):
        return element.type
    return ""


def _detail(
    request: Request,
    user: Principal,
    deployment_id: str,
    errors: list[str] | None = None,
    status: int = 200,
    confirm_cancel: bool = False,
) -> Response:
    with _db(request).transaction(write=False) as session:
        found, _etag = service.get_deployment(session, user, deployment_id)
        names = {
            "agreement": agreements.get_agreement(session, user, found.agreement).short_name,
            "facilities": facilities_repository.names_of(
                session, {e.facility for e in found.elements}
            ),
            "platforms": platforms_repository.names_of(
                session, {_platform_of(e) for e in found.elements}
            ),
        }
    deployment = found.model_dump()
    pending = deployment["status"] == "pending_host_consent"
    own = user.party in ("", deployment["deploying_party"])
    live = deployment["status"] in ("cleared", "pending_host_consent")
    now = utcnow()
    started = parse_instant(deployment["start"]) < now
    context = {
        "d": deployment,
        "names": names,
        "may_consent": pending
        and allowed(user, "deployments.consent")
        and user.party == deployment["host_party"],
        "may_cancel": live and own and allowed(user, "deployments.cancel"),
        "may_amend": live and own and allowed(user, "deployments.amend"),
        # Completion records an actual end after the start: only a started deployment has one.
        "may_complete": deployment["status"] == "cleared"
        and started
        and own
        and allowed(user, "deployments.complete"),
        "waived": waived_rules(deployment) if pending or deployment["by_exception"] else [],
        "complete_on": completion_default(deployment, now.date()),
        "start_day": parse_instant(deployment["start"]).date(),
        "end_day": parse_instant(deployment["end"]).date(),
        "errors": errors or [],
        "confirm_cancel": confirm_cancel,
        "now": now,
    }
    return render(request, "deployments/detail.html", context, status)


@router.get("/deployments/{deployment_id}")
def detail_page(request: Request, user: PageUser, deployment_id: str) -> Response:
    return _detail(request, user, deployment_id)


def _refused(request: Request, user: Principal, deployment_id: str, exc: RelosError) -> Response:
    """The deployment again, with why the action was refused: never a dead end."""
    locale = locale_of(request)
    lines = problem_lines(exc, locale, translations(locale).gettext)
    return _detail(request, user, deployment_id, lines, exc.status)


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
    try:
        with _db(request).transaction() as session:
            command = ConsentIn(
                decision="approve" if decision == "approve" else "decline",
                note=note.strip() or None,
            )
            service.consent(session, user, deployment_id, command)
    except RelosError as exc:
        return _refused(request, user, deployment_id, exc)
    return RedirectResponse(f"/deployments/{deployment_id}?decided={decision}", status_code=303)


@router.get("/deployments/{deployment_id}/cancel")
def cancel_page(request: Request, user: PageUser, deployment_id: str) -> Response:
    """Cancelling frees all the deployment's headroom and cannot be undone: ask first."""
    return _detail(request, user, deployment_id, confirm_cancel=True)


@router.post("/deployments/{deployment_id}/cancel")
def cancel(
    request: Request, user: PageUser, deployment_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(request, csrf)
    try:
        with _db(request).transaction() as session:
            service.cancel(session, user, deployment_id)
    except RelosError as exc:
        return _refused(request, user, deployment_id, exc)
    return RedirectResponse(f"/deployments/{deployment_id}?cancelled=1", status_code=303)


@router.post("/deployments/{deployment_id}/complete")
def complete(
    request: Request,
    user: PageUser,
    deployment_id: str,
    actual_end: Annotated[str, Form(max_length=30)] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    try:
        ended = parse_instant(filing.day(actual_end), "actual_end")
        with _db(request).transaction() as session:
            service.complete(session, user, deployment_id, CompletionIn(actual_end=ended))
    except RelosError as exc:
        return _refused(request, user, deployment_id, exc)
    return RedirectResponse(f"/deployments/{deployment_id}?completed=1", status_code=303)
