"""Documents from the records: each function reads through the feature's own service (so
the same visibility rules apply) and renders one template.

A document is `(name, html)`; the routes turn the HTML into PDF on request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.agreements.service import agreement_in_force
from relos.deployments import repository as deployments_repository
from relos.deployments import service as deployments
from relos.documents.labels import LANGUAGES
from relos.documents.render import render_html
from relos.facilities import repository as facilities_repository
from relos.kit.errors import InvalidInput
from relos.kit.money import extend
from relos.kit.timeutil import as_utc, format_instant, utcnow
from relos.logistics.ledger import repository as ledger_repository
from relos.logistics.orders import repository as orders_repository
from relos.logistics.orders import service as logistics
from relos.logistics.prices.service import price_table
from relos.logistics.statements import formats as statement_formats
from relos.logistics.statements import service as statements
from relos.platforms import repository as platforms_repository


@dataclass(frozen=True)
class Document:
    name: str  # the file name without extension, e.g. ORD-RU-2027-0007
    html: str


def _lang(lang: str | None) -> str:
    if lang is None:
        return "en"
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang: one of {', '.join(LANGUAGES)}")
    return lang


def _facility_names(session: Session, ids: set[str]) -> dict[str, str]:
    return facilities_repository.names_of(session, ids)


def _agreement(session: Session, agreement_id: str) -> dict[str, Any]:
    agreement = agreement_in_force(session, agreement_id).agreement
    return {
        "id": agreement.id,
        "title": agreement.title,
        "short_name": agreement.short_name,
        "access": agreement.access,
        "logistics": agreement.logistics,
    }


# --- ship-visit notification ----------------------------------------------------------------


def deployment_notice(
    session: Session, caller: Principal, deployment_id: str, lang: str | None = None
) -> Document:
    """The notification the deploying party gives the host: who comes, where, when, with what."""
    found, _ = deployments.get_deployment(session, caller, deployment_id)
    data = found.model_dump()
    row = deployments_repository.get(session, deployment_id)
    assert row is not None  # get_deployment found it visible
    agreement = _agreement(session, data["agreement"])
    access = agreement["access"]
    names = _facility_names(session, {e["facility"] for e in data["elements"]})
    kinds = {str(e.get("class")) for e in data["elements"]}
    classes = platforms_repository.names_of(session, kinds)
    elements = []
    for index, (element, stored) in enumerate(zip(data["elements"], row.elements, strict=True)):
        given = as_utc(stored.notice_given_at)
        required = access.notice_days.get(element["kind"]) if access else None
        exempt = bool(access and data["purpose"] in access.notice_exempt_purposes)
        elements.append(
            {
                **element,
                "number": index + 1,
                "facility_name": names.get(element["facility"], element["facility"]),
                "class_name": classes.get(str(element.get("class")), element.get("class")),
                "notice_given": format_instant(given),
                "notice_days": (as_utc(stored.start) - given).days,
                "notice_required": None if exempt else required,
            }
        )
    context = {"deployment": data, "agreement": agreement, "elements": elements}
    html = render_html("notice.html", context, _lang(lang))
    return Document(data["reference"], html)


# --- support order and invoice ---------------------------------------------------------------


def _order_context(session: Session, caller: Principal, order_id: str) -> dict[str, Any]:
    order = logistics.get_order(session, caller, order_id).model_dump()
    row = logistics.visible_order(session, caller, order_id)
    agreement = _agreement(session, order["agreement"])
    terms = agreement["logistics"]
    days = terms.settle_days.get(order["settlement"]) if terms else None
    book = price_table(session, order["supplying_party"])
    today = utcnow().date()
    totals: dict[str, Decimal] = {}
    lines = []
    for line in order["lines"]:
        price = book.in_force(order["supplying_party"], line["item"], order["facility"], today)
        amount = None
        if price is not None and price.unit == line["unit"]:
            amount = extend(price.unit_price, Decimal(line["quantity"]), price.currency).amount
            totals[price.currency] = totals.get(price.currency, Decimal(0)) + amount
        lines.append(
            {
                **line,
                "number": line["line"] + 1,
                "unit_price": str(price.unit_price) if price and amount is not None else None,
                "currency": price.currency if price and amount is not None else None,
                "amount": str(amount) if amount is not None else None,
            }
        )
    postings = ledger_repository.order_postings(session, [order_id])
    dues = sorted({p.due_on for p in postings if p.due_on is not None})
    signatures = {s["party"]: s for s in order["signatures"]}
    sides = [
        {"role": "Requesting party", "party": order["requesting_party"]},
        {"role": "Supplying party", "party": order["supplying_party"]},
    ]
    for side in sides:
        side["signature"] = signatures.get(side["party"])
    deployment = None
    if row.deployment_id:
        stored = deployments_repository.get(session, row.deployment_id)
        deployment = stored.reference if stored is not None else row.deployment_id
    return {
        "order": order,
        "agreement": agreement,
        "facility_name": _facility_names(session, {order["facility"]}).get(
            order["facility"], order["facility"]
        ),
        "deployment": deployment,
        "lines": lines,
        "totals": sorted(totals.items()),
        "settle_days": days,
        "due_dates": [d.isoformat() for d in dues],
        "sides": sides,
    }


def support_order(
    session: Session, caller: Principal, order_id: str, lang: str | None = None
) -> Document:
    """The order with lines, prices in force today, settlement, due date and signatures."""
    context = _order_context(session, caller, order_id)
    html = render_html("order.html", context, _lang(lang))
    return Document(context["order"]["reference"], html)


def invoice(
    session: Session, caller: Principal, order_id: str, lang: str | None = None
) -> Document:
    """What the supplier charges for the deliveries made, at the prices of each delivery."""
    context = _order_context(session, caller, order_id)
    order = context["order"]
    by_line = {line["line"]: line for line in order["lines"]}
    lots = []
    charged: dict[str, Decimal] = {}
    for delivery in order["deliveries"]:
        for lot in delivery["lines"]:
            line = by_line.get(lot["line"], {})
            lots.append(
                {
                    **lot,
                    "delivered_at": delivery["delivered_at"],
                    "received_by": delivery["received_by"],
                    "number": lot["line"] + 1,
                    "item": line.get("item", ""),
                    "unit": line.get("unit", ""),
                }
            )
            currency = lot["currency"]
            charged[currency] = charged.get(currency, Decimal(0)) + Decimal(lot["amount"])
    context.update({"lots": lots, "charged": sorted(charged.items())})
    html = render_html("invoice.html", context, _lang(lang))
    return Document(f"{order['reference']}-invoice", html)


# --- statement of account --------------------------------------------------------------------


def statement(
    session: Session,
    caller: Principal,
    party: str | None,
    start: date,
    end: date,
    lang: str | None = None,
) -> Document:
    """Opening positions, every posting with its signed amount and running balance, closing."""
    result = statement_formats.statement_out(
        statements.statement(session, caller, party, start, end)
    ).model_dump()
    references = orders_repository.order_references(
        session, [line["order"] for line in result["lines"]]
    )
    lines = []
    for line in result["lines"]:
        amount = Decimal(line["amount"])
        # A debit of either of the party's accounts moves the balance in its favour (+);
        # a credit against it (−): the running balance is the sum of these signed amounts.
        signed = amount if line["side"] == "debit" else -amount
        lines.append(
            {
                **line,
                "signed": str(signed),
                "order_reference": references.get(line["order"], line["order"]),
            }
        )
    context = {"statement": result, "lines": lines}
    html = render_html("statement.html", context, _lang(lang))
    return Document(f"statement-{result['party']}-{result['start']}", html)
