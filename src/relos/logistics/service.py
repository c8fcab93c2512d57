"""Logistics use cases: price lists, support orders, signatures and deliveries.

One function per route and command; each takes the caller's session (the caller owns the
transaction) and the principal acting. Writers on one order take its advisory lock first,
so parallel deliveries or settlements of one order run one after the other and each sees
what the previous one wrote (see relos.kit.db.advisory_lock).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.agreements import repository as agreements
from relos.agreements.loader import agreement_from_definition
from relos.agreements.service import agreement_in_force
from relos.audit.service import record
from relos.deployments import repository as deployments
from relos.facilities import repository as facilities
from relos.kit.db import advisory_lock
from relos.kit.errors import Forbidden, InvalidInput, NotFound, RuleViolations, Violation
from relos.kit.listing import ListFilter
from relos.kit.money import Money, extend, to_decimal
from relos.kit.pagination import Page
from relos.kit.timeutil import format_instant, utcnow
from relos.logistics import repository
from relos.logistics.ledger import Journal, delivery_posting
from relos.logistics.models import DeliveryRow, OrderLineRow, OrderRow, PriceRow, SignatureRow
from relos.logistics.orders import (
    LogisticsTerms,
    OrderDraft,
    OrderLine,
    OrderStatus,
    check_delivery,
    sign,
    status_after_delivery,
    validate_order,
)
from relos.logistics.prices import PriceBook, PriceLine, parse_csv, parse_lines
from relos.logistics.refusal import refusal
from relos.references.numbering import order_reference


def price_line(row: PriceRow) -> PriceLine:
    return PriceLine(
        row.supplying_party,
        row.facility,
        row.item,
        row.category,
        row.unit,
        row.unit_price,
        row.currency,
        row.valid_from,
        row.valid_to,
        row.source,
    )


def price_book(session: Session, supplier: str | None = None) -> PriceBook:
    return PriceBook(price_line(row) for row in repository.prices(session, supplier))


def _store_prices(session: Session, caller: Principal, lines: list[PriceLine]) -> dict[str, int]:
    stored = {price_line(row) for row in repository.prices(session)}
    fresh = [line for line in lines if line not in stored]
    now = utcnow()
    for line in fresh:
        # Even an admin publishes only their own party's prices (they price the partner's
        # debts); only the operator at the console (no party) loads any party's list.
        if caller.party and line.supplying_party != caller.party:
            raise Forbidden(f"{caller.name} may publish only {caller.party}'s prices")
        session.add(
            PriceRow(
                **{k: v for k, v in vars(line).items()},
                imported_at=now,
                imported_by=caller.name,
            )
        )
    session.flush()
    if fresh:
        parties = {line.supplying_party for line in fresh}
        record(session, caller, "prices.import", "price_list", ",".join(sorted(parties)), parties)
    return {"imported": len(fresh), "unchanged": len(lines) - len(fresh)}


def import_prices(
    session: Session, caller: Principal, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Validate and store price lines; identical lines already stored are left as they are."""
    require(caller, "prices.import")
    existing = [price_line(row) for row in repository.prices(session)]
    return _store_prices(session, caller, parse_lines(rows, existing))


def import_prices_csv(session: Session, caller: Principal, text: str) -> dict[str, int]:
    require(caller, "prices.import")
    existing = [price_line(row) for row in repository.prices(session)]
    return _store_prices(session, caller, parse_csv(text, existing))


def list_prices(session: Session, caller: Principal, supplier: str | None) -> list[dict[str, Any]]:
    require(caller, "logistics.read")
    return [{**price_line(r).to_dict(), "id": r.id} for r in repository.prices(session, supplier)]


def terms_of(session: Session, agreement_id: str) -> LogisticsTerms | None:
    """The agreement's logistics section as the order rules need it, or None if it has none."""
    row = agreements.get(session, agreement_id)
    if row is None:
        raise NotFound(f"no agreement {agreement_id!r}")
    # The logistics terms do not depend on the term's extensions, so no consents are read.
    agreement = agreement_from_definition(row.definition)
    section = agreement.logistics
    if section is None:
        return None
    return LogisticsTerms(
        agreement.id,
        agreement.parties,
        frozenset(section.excluded_categories),
        frozenset(section.categories),
        frozenset(section.settlement_methods),
        dict(section.settle_days),
    )


def _agreement_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    if not draft.agreement:
        return []
    try:
        in_force = agreement_in_force(session, draft.agreement)
    except NotFound:
        return [Violation("agreement_unknown", f"no agreement {draft.agreement!r}")]
    if in_force.agreement.logistics is None:
        return [Violation("no_logistics", f"{draft.agreement} provides no logistics support")]
    if not in_force.term.contains(utcnow()):
        return [Violation("agreement_not_in_force", f"{draft.agreement} is not in force")]
    return _facility_violations(session, draft) + _deployment_violations(session, draft)


def _counter_violations(
    session: Session, draft: OrderDraft, counter_to: str | None
) -> list[Violation]:
    """A counter-order pays back an order that runs the other way under the same agreement."""
    if not counter_to:
        return []
    other = repository.order(session, counter_to)
    if other is None:
        return [Violation("counter_order_unknown", f"no support order {counter_to!r}")]
    expected = (draft.agreement, draft.supplying_party, draft.requesting_party)
    if (other.agreement_id, other.requesting_party, other.supplying_party) != expected:
        message = f"order {counter_to} does not run the other way under {draft.agreement}"
        return [Violation("counter_order_mismatch", message)]
    return []


def _facility_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    """Support is given at a known facility on the supplying party's territory."""
    if not draft.facility:
        return []
    facility = facilities.get(session, draft.facility)
    if facility is None:
        return [Violation("facility_unknown", f"no facility {draft.facility!r}")]
    if draft.supplying_party and facility.country != draft.supplying_party:
        message = f"{draft.facility} is in {facility.country}, not {draft.supplying_party}"
        return [Violation("facility_not_in_supplier_territory", message)]
    return []


def _deployment_violations(session: Session, draft: OrderDraft) -> list[Violation]:
    """An order tied to a deployment supports that deployment, on its host's territory."""
    if not draft.deployment:
        return []
    deployment = deployments.get(session, draft.deployment)
    # One the requesting party may not see reads exactly like one that does not exist.
    if deployment is None or draft.requesting_party not in (
        deployment.deploying_party,
        deployment.host_party,
    ):
        return [Violation("deployment_unknown", f"no deployment {draft.deployment!r}")]
    expected = (draft.agreement, draft.requesting_party, draft.supplying_party)
    actual = (deployment.agreement_id, deployment.deploying_party, deployment.host_party)
    if actual != expected:
        message = f"deployment {draft.deployment} is {actual[1]} at {actual[2]} under {actual[0]}"
        return [Violation("deployment_mismatch", message)]
    return []


def draft_of(body: dict[str, Any]) -> OrderDraft:
    lines = [
        OrderLine(
            line.get("category"),
            line.get("item"),
            None
            if line.get("quantity") in (None, "")
            else to_decimal(str(line["quantity"]), "quantity"),
            line.get("unit"),
        )
        for line in body.get("lines") or []
    ]
    return OrderDraft(
        body.get("agreement"),
        body.get("requesting_party"),
        body.get("supplying_party"),
        body.get("facility"),
        body.get("settlement"),
        tuple(lines),
        body.get("deployment"),
    )


def raise_order(session: Session, caller: Principal, body: dict[str, Any]) -> dict[str, Any]:
    """Store a support order as `requested` when it breaks no rule; refuse it otherwise."""
    require(caller, "orders.raise")
    draft = draft_of(body)
    if caller.party and draft.requesting_party not in (None, caller.party):
        raise Forbidden(f"{caller.name} may raise orders only for {caller.party}")
    problems = _agreement_violations(session, draft)
    problems += _counter_violations(session, draft, body.get("counter_to"))
    if problems:
        raise refusal("the support order breaks the agreement's rules", problems)
    terms = terms_of(session, draft.agreement) if draft.agreement else None
    validate_order(draft, terms, price_book(session).in_force, utcnow().date())
    created = utcnow()
    row = OrderRow(
        id=str(uuid.uuid4()),
        reference=order_reference(session, draft.requesting_party or "", created),
        agreement_id=draft.agreement,
        requesting_party=draft.requesting_party,
        supplying_party=draft.supplying_party,
        facility=draft.facility,
        deployment_id=draft.deployment,
        settlement=draft.settlement,
        status=OrderStatus.REQUESTED.value,
        counter_to=body.get("counter_to"),
        created_at=created,
        created_by=caller.name,
    )
    session.add(row)
    session.flush()  # the lines refer to the order; no ORM relationship orders the inserts
    for number, line in enumerate(draft.lines):
        session.add(
            OrderLineRow(
                order_id=row.id,
                line_no=number,
                category=(line.category or "").lower(),
                item=line.item,
                quantity=line.quantity,
                unit=line.unit,
                delivered=Decimal(0),
                returned=Decimal(0),
            )
        )
    session.flush()
    record(session, caller, "orders.raise", "support_order", row.id, _parties(row), after=body)
    return describe(session, row)


def _parties(row: OrderRow) -> tuple[str, str]:
    return (row.requesting_party, row.supplying_party)


def visible_order(session: Session, caller: Principal, order_id: str) -> OrderRow:
    """The order, or NotFound when it does not exist or the caller's party is not in it."""
    row = repository.order(session, order_id)
    if row is None or not may_see(caller, _parties(row)):
        raise NotFound(f"no support order {order_id!r}")
    return row


def list_orders(
    session: Session,
    caller: Principal,
    agreement: str | None,
    status: str | None,
    page: Page = Page(),
    filters: ListFilter = ListFilter(),
    party: str | None = None,
    supplier: str | None = None,
) -> list[dict[str, Any]]:
    """Orders the caller's party is in; `party` / `supplier` narrow to one side."""
    require(caller, "logistics.read")
    rows = repository.orders(
        session, caller.party or None, agreement, status, page, filters, party, supplier
    )
    return describe_many(session, rows)


def get_order(session: Session, caller: Principal, order_id: str) -> dict[str, Any]:
    require(caller, "logistics.read")
    return describe(session, visible_order(session, caller, order_id))


def describe(session: Session, row: OrderRow) -> dict[str, Any]:
    """The order as the API shows it: lines with progress, signatures, deliveries, amount owed."""
    return describe_many(session, [row])[0]


def describe_many(session: Session, rows: list[OrderRow]) -> list[dict[str, Any]]:
    """Several orders described with five queries in all, not five per order."""
    ids = [row.id for row in rows]
    lines = repository.lines_of(session, ids)
    signatures = repository.signatures_of(session, ids)
    deliveries = repository.deliveries_of(session, ids)
    positions = repository.positions_of(session, ids)
    return [
        {
            "id": row.id,
            "reference": row.reference,
            "agreement": row.agreement_id,
            "requesting_party": row.requesting_party,
            "supplying_party": row.supplying_party,
            "facility": row.facility,
            "deployment": row.deployment_id,
            "settlement": row.settlement,
            "status": row.status,
            "counter_to": row.counter_to,
            "created_at": format_instant(row.created_at),
            "created_by": row.created_by,
            "lines": [_line_out(line) for line in lines.get(row.id, [])],
            "signatures": [
                {
                    "party": s.party,
                    "signed_by": s.signed_by,
                    "signed_at": format_instant(s.signed_at),
                }
                for s in signatures.get(row.id, [])
            ],
            "deliveries": [_delivery_out(d) for d in deliveries.get(row.id, [])],
            "owed": [
                {
                    "currency": p.currency,
                    "amount": str(Money.from_minor(p.owed_minor, p.currency).amount),
                }
                for p in positions.get(row.id, [])
            ],
        }
        for row in rows
    ]


def _line_out(line: OrderLineRow) -> dict[str, Any]:
    return {
        "line": line.line_no,
        "category": line.category,
        "item": line.item,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "delivered": str(line.delivered),
        "returned": str(line.returned),
    }


def _delivery_out(row: DeliveryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "delivered_at": format_instant(row.delivered_at),
        "received_by": row.received_by,
        "recorded_by": row.recorded_by,
        "lines": row.lines,
    }


def lock_order(session: Session, order_id: str) -> None:
    """Serialise every writer of one order (deliveries, settlements, signatures, reversals)."""
    advisory_lock(session, "support-order", order_id)


def sign_order(
    session: Session, caller: Principal, order_id: str, party: str | None = None
) -> dict[str, Any]:
    """Record the signature of the caller's party; both sides' signatures make it `agreed`."""
    require(caller, "orders.sign")
    lock_order(session, order_id)
    row = visible_order(session, caller, order_id)
    signing = caller.party or party
    if not signing:
        raise InvalidInput("say which party signs (the operator signs for a named party)")
    signed = frozenset(s.party for s in repository.signatures(session, order_id))
    row.status = sign(OrderStatus(row.status), _parties(row), signed, signing).value
    session.add(
        SignatureRow(order_id=row.id, party=signing, signed_by=caller.name, signed_at=utcnow())
    )
    session.flush()
    record(session, caller, "orders.sign", "support_order", row.id, _parties(row))
    return describe(session, row)


def _quantities(body_lines: list[dict[str, Any]]) -> dict[int, Decimal]:
    quantities: dict[int, Decimal] = {}
    for entry in body_lines:
        try:
            index = int(entry["line"])
            quantity = to_decimal(str(entry["quantity"]), f"delivery line {index} quantity")
        except (KeyError, ValueError):
            raise InvalidInput(f"delivery line {entry!r}: needs line and quantity") from None
        quantities[index] = quantities.get(index, Decimal(0)) + quantity
    if not quantities:
        raise InvalidInput("a delivery needs at least one line")
    return quantities


def record_delivery(
    session: Session,
    caller: Principal,
    order_id: str,
    body_lines: list[dict[str, Any]],
    delivered_at: datetime,
    received_by: str,
) -> dict[str, Any]:
    """Record a (partial) delivery and post it to the ledger at the price in force that day."""
    require(caller, "orders.deliver")
    if not received_by.strip():
        raise RuleViolations(
            "a delivery needs the receiver",
            [
                Violation(
                    "missing_element", "received_by is required", extra={"field": "received_by"}
                )
            ],
        )
    quantities = _quantities(body_lines)
    lock_order(session, order_id)
    row = visible_order(session, caller, order_id)
    lines = repository.order_lines(session, order_id)
    problems = check_delivery(
        OrderStatus(row.status),
        [line.quantity for line in lines],
        [line.delivered for line in lines],
        quantities,
    )
    if problems:
        raise refusal("the delivery exceeds the order", problems)
    delivery_id = str(uuid.uuid4())
    lots, postings = _price_delivery(session, row, lines, quantities, delivered_at, delivery_id)
    # New deliveries only raise what is owed, under fresh references: the journal's rules
    # need none of the order's earlier postings here (settlements and reversals do).
    Journal().post_all(postings)
    for index, quantity in quantities.items():
        lines[index].delivered = lines[index].delivered + quantity
    row.status = status_after_delivery(
        [line.quantity for line in lines], [line.delivered for line in lines]
    ).value
    session.add(
        DeliveryRow(
            id=delivery_id,
            order_id=row.id,
            delivered_at=delivered_at,
            received_by=received_by.strip(),
            recorded_by=caller.name,
            lines=lots,
        )
    )
    repository.insert_postings(session, postings, utcnow())
    session.flush()
    record(session, caller, "orders.deliver", "support_order", row.id, _parties(row), after=lots)
    return describe(session, row)


def _price_delivery(
    session: Session,
    row: OrderRow,
    lines: list[OrderLineRow],
    quantities: dict[int, Decimal],
    delivered_at: datetime,
    delivery_id: str,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """Price each delivered line at the supplier's price in force on the delivery date."""
    book = price_book(session, row.supplying_party)
    terms = terms_of(session, row.agreement_id)
    days = terms.days_for(row.settlement) if terms else 0
    on = delivered_at.date()
    lots: list[dict[str, Any]] = []
    postings = []
    problems: list[Violation] = []
    for index, quantity in sorted(quantities.items()):
        line = lines[index]
        price = book.in_force(row.supplying_party, line.item, row.facility, on)
        if price is None or price.unit != line.unit:
            message = f"line {index}: no price for {line.item} per {line.unit} on {on}"
            problems.append(Violation("no_price", message, element=index))
            continue
        value = extend(price.unit_price, quantity, price.currency)
        ref = f"{delivery_id}:{index}"
        lots.append(
            {
                "line": index,
                "quantity": str(quantity),
                "unit_price": str(price.unit_price),
                "currency": price.currency,
                "amount": str(value.amount),
                "posting": ref,
            }
        )
        postings.append(
            delivery_posting(
                ref,
                agreement=row.agreement_id,
                order=row.id,
                supplier=row.supplying_party,
                requester=row.requesting_party,
                value=value,
                delivered_on=on,
                days_to_settle=days,
                memo=f"{quantity} {line.unit} {line.item}",
            )
        )
    if problems:
        raise refusal("the delivery cannot be priced", problems)
    return lots, postings
