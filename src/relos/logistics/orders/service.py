"""Support order use cases: raise, sign, list and read.

Each takes the caller's session (the caller owns the transaction), the principal acting
and one typed command, and returns a typed result. Writers on one order take its advisory
lock first, so parallel deliveries or settlements of one order run one after the other
and each sees what the previous one wrote (see relos.kit.db.advisory_lock).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import may_see, require
from relos.events import record
from relos.events.store import lock_log
from relos.kit.db import advisory_lock
from relos.kit.errors import Forbidden, InvalidInput, NotFound
from relos.kit.listing import ListFilter
from relos.kit.pagination import Page
from relos.kit.timeutil import utcnow
from relos.logistics.commands import RaiseOrder, SignOrder
from relos.logistics.events import LineRecord, OrderRaised, OrderSigned
from relos.logistics.models import OrderRow
from relos.logistics.orders import repository
from relos.logistics.orders.checks import agreement_violations, counter_violations, terms_of
from relos.logistics.orders.domain import OrderDraft, OrderLine, validate_order
from relos.logistics.orders.results import new_order_result, order_result, order_results
from relos.logistics.orders.status import OrderStatus, status_after_signature
from relos.logistics.prices.service import price_table
from relos.logistics.projections import raised_line_values, raised_values
from relos.logistics.refusal import refusal
from relos.logistics.results import OrderOut
from relos.references.numbering import order_reference


def draft_of(command: RaiseOrder) -> OrderDraft:
    lines = tuple(
        OrderLine(line.category, line.item, line.quantity, line.unit)
        for line in command.lines or []
    )
    return OrderDraft(
        command.agreement,
        command.requesting_party,
        command.supplying_party,
        command.facility,
        command.settlement,
        lines,
        command.deployment,
    )


def raise_order(session: Session, caller: Principal, command: RaiseOrder) -> OrderOut:
    """Store a support order as `requested` when it breaks no rule; refuse it otherwise."""
    require(caller, "orders.raise")
    if caller.party and command.requesting_party not in (None, caller.party):
        raise Forbidden(f"{caller.name} may raise orders only for {caller.party}")
    created = utcnow()
    check_order(session, command, created)
    # Numbered only once judged, and under the agreement's log lock: the counter's row
    # stays locked until the commit, so the party's other orders wait on it for the rest of
    # this transaction, not for the checks, and never while holding it in the log's queue.
    lock_log(session, command.agreement or "")  # the log raised_event names
    reference = order_reference(session, command.requesting_party or "", created)
    event = raised_event(
        command,
        order_id=str(uuid.uuid4()),
        reference=reference,
        created=created,
        created_by=caller.name,
    )
    stored = record(session, caller, event, event.created_at).event
    # The rows the projector wrote, from the event as stored (nothing is read back) and as
    # plain values: no ORM objects made only to be read.
    lines = [SimpleNamespace(**values) for values in raised_line_values(stored)]
    return new_order_result(SimpleNamespace(**raised_values(stored)), lines)


def order_event(
    session: Session,
    command: RaiseOrder,
    *,
    order_id: str,
    reference: str,
    created: datetime,
    created_by: str,
) -> OrderRaised:
    """The order's event when it breaks no rule (required elements, the agreement's terms,
    prices in force on the day it is raised); raises the refusal otherwise. A partner's
    node re-judges an order it receives by calling this with the order's own ids and times.
    """
    check_order(session, command, created)
    return raised_event(
        command, order_id=order_id, reference=reference, created=created, created_by=created_by
    )


def check_order(session: Session, command: RaiseOrder, created: datetime) -> None:
    """Raise the refusal when the order breaks a rule; nothing is written."""
    draft = draft_of(command)
    problems = agreement_violations(session, draft) + counter_violations(
        session, draft, command.counter_to
    )
    if problems:
        raise refusal("the support order breaks the agreement's rules", problems)
    terms = terms_of(session, draft.agreement) if draft.agreement else None
    validate_order(draft, terms, price_table(session).in_force, created.date())


def raised_event(
    command: RaiseOrder, *, order_id: str, reference: str, created: datetime, created_by: str
) -> OrderRaised:
    return OrderRaised(
        order=order_id,
        reference=reference,
        agreement=command.agreement or "",
        parties=(command.requesting_party or "", command.supplying_party or ""),
        facility=command.facility or "",
        deployment=command.deployment,
        settlement=command.settlement or "",
        counter_to=command.counter_to,
        lines=[
            LineRecord(
                category=(line.category or "").lower(),
                item=line.item or "",
                quantity=line.quantity or 0,
                unit=line.unit or "",
            )
            for line in command.lines or []
        ],
        created_at=created,
        created_by=created_by,
    )


def parties(row: OrderRow) -> tuple[str, str]:
    return (row.requesting_party, row.supplying_party)


def visible_order(session: Session, caller: Principal, order_id: str) -> OrderRow:
    """The order, or NotFound when it does not exist or the caller's party is not in it."""
    row = repository.order(session, order_id)
    if row is None or not may_see(caller, parties(row)):
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
) -> list[OrderOut]:
    """Orders the caller's party is in; `party` / `supplier` narrow to one side."""
    require(caller, "logistics.read")
    rows = repository.orders(
        session, caller.party or None, agreement, status, page, filters, party, supplier
    )
    return order_results(session, rows)


def get_order(session: Session, caller: Principal, order_id: str) -> OrderOut:
    require(caller, "logistics.read")
    return order_result(session, visible_order(session, caller, order_id))


def lock_order(session: Session, order_id: str) -> None:
    """Serialise every writer of one order (deliveries, settlements, signatures, reversals)."""
    advisory_lock(session, "support-order", order_id)


def sign_order(session: Session, caller: Principal, command: SignOrder) -> OrderOut:
    """Record the signature of the caller's party; both sides' signatures make it `agreed`."""
    require(caller, "orders.sign")
    lock_order(session, command.order)
    row = visible_order(session, caller, command.order)
    signing = caller.party or command.party
    if not signing:
        raise InvalidInput("say which party signs (the operator signs for a named party)")
    event = signature_event(session, row, signing, caller.name, utcnow())
    record(session, caller, event, event.signed_at)
    return order_result(session, row)


def signature_event(
    session: Session, row: OrderRow, signing: str, signed_by: str, signed_at: datetime
) -> OrderSigned:
    """`signing`'s signature on the order, with the status it leaves (raises when the party
    is not the order's or has signed already)."""
    signed = frozenset(s.party for s in repository.signatures(session, row.id))
    status = status_after_signature(OrderStatus(row.status), parties(row), signed, signing)
    return OrderSigned(
        order=row.id,
        agreement=row.agreement_id,
        parties=parties(row),
        party=signing,
        signed_by=signed_by,
        signed_at=signed_at,
        status=status.value,
    )
