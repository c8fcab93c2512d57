"""`relos deployments ...`: file, amend, list, show, consent, complete, cancel, headroom,
utilisation."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from relos.access.acting import acting_as
from relos.deployments import service
from relos.deployments.schemas import (
    AircraftOut,
    AmendmentIn,
    CompletionIn,
    ConsentIn,
    DeploymentOut,
    ElementOut,
    FilingIn,
    HeadroomOut,
    PersonnelOut,
    ValidationOut,
    ViolationOut,
    WarshipOut,
)
from relos.kit import cli_listing as listing
from relos.kit.clikit import console, print_json, print_table, transaction
from relos.kit.errors import InvalidInput, RuleViolations
from relos.kit.etags import etag_of
from relos.kit.timeutil import parse_instant, utcnow

app = typer.Typer(
    name="deployments",
    help="Deployments under an access agreement: filing, exceptions, headroom.",
    no_args_is_help=True,
)
Body = TypeVar("Body", bound=BaseModel)
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
JsonOut = Annotated[bool, typer.Option("--json", help="JSON for scripts.")]
Party = Annotated[str, typer.Option(help="The deploying party, e.g. IN.")]
Start = Annotated[str | None, typer.Option(help="Window start, RFC 3339 (default: now).")]
End = Annotated[str | None, typer.Option(help="Window end, RFC 3339 (default: start + 90 days).")]


def _read_filing(path: Path) -> FilingIn:
    return _read_json(path, FilingIn)


def _read_json(path: Path, shape: type[Body]) -> Body:
    try:
        return shape.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{path}: {where}: {first['msg']}") from None


def _plain(violations: list[ViolationOut]) -> list[dict[str, Any]]:
    return [v.model_dump(exclude_none=True) for v in violations]


def _violations_table(title: str, violations: list[dict[str, Any]]) -> None:
    columns = ["code", "element", "category", "at", "limit", "would be", "message"]
    keys = ["code", "element", "category", "at", "limit", "would_be", "message"]
    print_table(title, columns, [[v.get(k) for k in keys] for v in violations])


@app.command("file")
def file(
    path: Annotated[Path, typer.Argument(help="A filing as JSON (the API's body).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Judge only; store nothing.")] = False,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """File a deployment from a JSON file; exits 1 when the agreement refuses it."""
    body = _read_filing(path)
    if dry_run:
        with transaction(write=False) as session:
            result = service.validate(session, acting_as(session, as_user), body)
        _report_validation(result, json_out)
        return
    try:
        with transaction() as session:
            created = service.file(session, acting_as(session, as_user), body)
    except RuleViolations as exc:
        _report_refusal(exc, json_out)
        raise typer.Exit(1) from None
    if json_out:
        print_json(created)
        return
    console.print(f"[bold]{created.id}[/bold] {created.status} (host {created.host_party})")
    if created.violations:
        _violations_table("Waiting for the host's consent on", _plain(created.violations))


@app.command("amend")
def amend(
    deployment_id: str,
    path: Annotated[Path, typer.Argument(help="An amendment as JSON (the PATCH body).")],
    version: Annotated[
        int | None, typer.Option(help="Refuse unless the deployment is still at this version.")
    ] = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Amend a deployment; it is judged again against everything else (exit 1 if refused)."""
    body = _read_json(path, AmendmentIn)
    try:
        with transaction() as session:
            caller = acting_as(session, as_user)
            current, tag = service.get_deployment(session, caller, deployment_id)
            if version is not None:
                tag = etag_of({"id": current.id, "version": version})
            amended = service.amend(session, caller, deployment_id, body, tag)
    except RuleViolations as exc:
        _report_refusal(exc, json_out)
        raise typer.Exit(1) from None
    if json_out:
        print_json(amended)
        return
    console.print(f"[bold]{amended.id}[/bold] {amended.status} (version {amended.version})")


def _report_validation(result: ValidationOut, json_out: bool) -> None:
    if json_out:
        print_json(result)
    elif result.ok:
        console.print("ok: the filing would be cleared")
    else:
        outcome = result.status or "refused"
        _violations_table(f"Would be {outcome}", _plain(result.violations))
    if result.status is None:
        raise typer.Exit(1)


def _report_refusal(exc: RuleViolations, json_out: bool) -> None:
    violations = [v.to_dict() for v in exc.violations]
    if json_out:
        print_json({"status": 422, "detail": exc.detail, "violations": violations})
    else:
        _violations_table("Refused", violations)


@app.command("list")
def list_deployments(
    agreement: Annotated[str | None, typer.Option(help="Agreement id.")] = None,
    party: Annotated[str | None, typer.Option(help="Deploying party.")] = None,
    status: Annotated[str | None, typer.Option(help="cleared, pending_host_consent, ...")] = None,
    active_at: Annotated[str | None, typer.Option(help="Present at this instant.")] = None,
    q: listing.Q = None,
    sort: listing.Sort = None,
    facility: listing.Facility = None,
    start: listing.From = None,
    end: listing.To = None,
    limit: listing.Limit = None,
    offset: listing.Offset = 0,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """List deployments: the filters of the web list (`--q` searches reference, title,
    facility, hull or serial; `--from`/`--to` is a period the deployment overlaps)."""
    at = parse_instant(active_at, "active_at") if active_at else None
    filters = listing.list_filter(q, sort, facility, start, end)
    with transaction(write=False) as session:
        items = service.list_deployments(
            session,
            acting_as(session, as_user),
            agreement,
            party,
            status,
            at,
            listing.page(limit, offset),
            filters,
        )
    if json_out:
        print_json(items)
        return
    rows = [
        (
            d.id,
            d.reference,
            f"{d.deploying_party}→{d.host_party}",
            d.status,
            d.purpose,
            d.title,
            d.start[:16].replace("T", " "),
            (d.actual_end or d.end)[:16].replace("T", " "),
            _summary(d),
        )
        for d in items
    ]
    columns = [
        "id",
        "reference",
        "parties",
        "status",
        "purpose",
        "title",
        "from",
        "until",
        "elements",
    ]
    print_table(f"Deployments ({len(items)})", columns, rows)


def _summary(deployment: DeploymentOut) -> str:
    ships = sum(1 for e in deployment.elements if isinstance(e, WarshipOut))
    planes = sum(1 for e in deployment.elements if isinstance(e, AircraftOut))
    people = sum(e.count for e in deployment.elements if isinstance(e, PersonnelOut))
    parts = [(ships, "ships"), (planes, "aircraft"), (people, "personnel")]
    return ", ".join(f"{n} {what}" for n, what in parts if n)


@app.command("show")
def show(deployment_id: str, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """One deployment: its elements and its history."""
    with transaction(write=False) as session:
        data, _ = service.get_deployment(session, acting_as(session, as_user), deployment_id)
    if json_out:
        print_json(data)
        return
    console.print(
        f"[bold]{data.id}[/bold] {data.title} — {data.status}; "
        f"{data.deploying_party} in {data.host_party} under {data.agreement} "
        f"for {data.purpose}; commander {data.commander.rank} {data.commander.name}"
    )
    print_table(
        "Elements",
        ["#", "kind", "unit", "facility", "start", "end"],
        [(i, e.kind, _unit(e), e.facility, e.start, e.end) for i, e in enumerate(data.elements)],
    )
    print_table(
        "History",
        ["at", "who", "action", "status"],
        [
            (h.at, h.actor, h.action, f"{h.status_before or '—'} → {h.status_after}")
            for h in data.history or []
        ],
    )


def _unit(element: ElementOut) -> str:
    if isinstance(element, WarshipOut):
        e = element
        return f"{e.name} ({e.hull}, {e.ship_class}, crew {e.crew})"
    if isinstance(element, AircraftOut):
        return f"{element.type} {element.serial} {element.call_sign}".strip()
    return f"{element.count} personnel"


@app.command("consent")
def consent(
    deployment_id: str,
    decision: Annotated[str, typer.Argument(help="approve or decline")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """The host's liaison approves or declines an exception (use --as with a host_liaison)."""
    if decision not in ("approve", "decline"):
        raise typer.BadParameter("approve or decline")
    command = ConsentIn(decision="approve" if decision == "approve" else "decline", note=note)
    with transaction() as session:
        data = service.consent(session, acting_as(session, as_user), deployment_id, command)
    _done(data, json_out)


@app.command("complete")
def complete(
    deployment_id: str,
    actual_end: Annotated[str, typer.Option(help="When it actually ended, RFC 3339.")],
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Record the actual end; what follows it no longer counts against caps."""
    command = CompletionIn(actual_end=parse_instant(actual_end, "actual_end"))
    with transaction() as session:
        data = service.complete(session, acting_as(session, as_user), deployment_id, command)
    _done(data, json_out)


@app.command("cancel")
def cancel(deployment_id: str, as_user: AsUser = None, json_out: JsonOut = False) -> None:
    """Cancel a deployment and free its headroom."""
    with transaction() as session:
        data = service.cancel(session, acting_as(session, as_user), deployment_id)
    _done(data, json_out)


def _done(data: DeploymentOut, json_out: bool) -> None:
    if json_out:
        print_json(data)
    else:
        console.print(f"{data.id}: {data.status}")


def _window(start: str | None, end: str | None) -> tuple[Any, Any]:
    first = parse_instant(start, "start") if start else utcnow().replace(microsecond=0)
    last = parse_instant(end, "end") if end else first + timedelta(days=90)
    return first, last


@app.command("headroom")
def headroom(
    agreement: str,
    party: Party,
    start: Start = None,
    end: End = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Cap, peak use, free headroom and the binding instant per category."""
    window = _window(start, end)
    with transaction(write=False) as session:
        room = service.headroom(session, acting_as(session, as_user), agreement, party, *window)
    if json_out:
        print_json(room)
        return
    rows = [
        (
            c,
            r.limit if r.limit is not None else "no cap",
            r.peak,
            r.free if r.free is not None else "—",
            r.at,
        )
        for c, r in ((c, getattr(room, c)) for c in HeadroomOut.model_fields)
    ]
    title = f"Headroom of {party} under {agreement}, {window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}"
    print_table(title, ["category", "cap", "peak", "free", "binding at"], rows)


@app.command("utilisation")
def utilisation(
    agreement: str,
    party: Party,
    start: Start = None,
    end: End = None,
    as_user: AsUser = None,
    json_out: JsonOut = False,
) -> None:
    """Use over time as consecutive steps."""
    window = _window(start, end)
    with transaction(write=False) as session:
        steps = service.utilisation(session, acting_as(session, as_user), agreement, party, *window)
    if json_out:
        print_json(steps)
        return
    rows = [(s.start, s.end, s.warships, s.aircraft, s.personnel) for s in steps]
    print_table(
        f"Utilisation by {party} under {agreement}",
        ["from", "until", "warships", "aircraft", "personnel"],
        rows,
    )
