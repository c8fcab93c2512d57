"""`relos documents ...`: the printable documents as HTML or PDF files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from relos.access.acting import acting_as
from relos.documents import service
from relos.documents.render import to_pdf
from relos.kit.clikit import transaction
from relos.kit.errors import InvalidInput

app = typer.Typer(name="documents", help="Printable documents (HTML or PDF).", no_args_is_help=True)
AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (default: operator).")]
Out = Annotated[Path, typer.Option("--out", "-o", help="File to write; .pdf gives PDF, else HTML.")]
Lang = Annotated[str, typer.Option(help="en or ru (the fixed wording).")]


def _write(document: service.Document, out: Path) -> None:
    if out.suffix.lower() == ".pdf":
        out.write_bytes(to_pdf(document.html))
    else:
        out.write_text(document.html, encoding="utf-8")
    typer.echo(f"{document.name} written to {out}")


@app.command("notice")
def notice(deployment_id: str, out: Out, lang: Lang = "en", as_user: AsUser = None) -> None:
    """The ship-visit notification of a deployment."""
    with transaction(write=False) as session:
        caller = acting_as(session, as_user)
        document = service.deployment_notice(session, caller, deployment_id, lang)
    _write(document, out)


@app.command("order")
def order(order_id: str, out: Out, lang: Lang = "en", as_user: AsUser = None) -> None:
    """The support order with lines, prices, settlement, due dates and signatures."""
    with transaction(write=False) as session:
        document = service.support_order(session, acting_as(session, as_user), order_id, lang)
    _write(document, out)


@app.command("invoice")
def invoice(order_id: str, out: Out, lang: Lang = "en", as_user: AsUser = None) -> None:
    """The invoice for what has been delivered on an order."""
    with transaction(write=False) as session:
        document = service.invoice(session, acting_as(session, as_user), order_id, lang)
    _write(document, out)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: a date (YYYY-MM-DD)") from None


@app.command("statement")
def statement(
    party: str,
    start: str,
    end: str,
    out: Out,
    lang: Lang = "en",
    as_user: AsUser = None,
) -> None:
    """The statement of account of a party for [start, end)."""
    first, last = _day(start, "start"), _day(end, "end")
    with transaction(write=False) as session:
        caller = acting_as(session, as_user)
        document = service.statement(session, caller, party, first, last, lang)
    _write(document, out)
