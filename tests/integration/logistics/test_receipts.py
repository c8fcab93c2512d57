"""Receipts through the service, on SQLite and PostgreSQL: recorded once, by the
requesting party, projected onto the delivery and rebuilt by a replay."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from tests.integration.logistics.helpers import agreed_order, deliver, load_prices

from relos.access.domain import SYSTEM, Principal
from relos.events import replay
from relos.events.models import EventRow
from relos.kit.db import Database
from relos.kit.errors import Conflict, Forbidden, NotFound, RuleViolations
from relos.logistics.commands import AcknowledgeReceipt
from relos.logistics.deliveries.service import acknowledge_receipt
from relos.logistics.models import DeliveryRow

RECEIVED = datetime(2026, 7, 3, 15, tzinfo=UTC)
IN_OFFICER = Principal(user_id=0, name="in-log", party="IN", roles=frozenset({"logistics"}))
RU_OFFICER = Principal(user_id=0, name="ru-log", party="RU", roles=frozenset({"logistics"}))


def _receipt(order: str, delivery: str, **extra: object) -> AcknowledgeReceipt:
    body = {"order": order, "delivery": delivery, "received_at": RECEIVED}
    return AcknowledgeReceipt.model_validate({**body, "received_by": "Lt R. Singh", **extra})


def _delivered(database: Database) -> tuple[str, str]:
    load_prices(database)
    order = agreed_order(database)
    delivery = deliver(database, order, "10")["deliveries"][0]["id"]
    return order, str(delivery)


def test_the_requesting_party_acknowledges_once(database: Database) -> None:
    order, delivery = _delivered(database)
    with database.transaction() as session:
        out = acknowledge_receipt(session, IN_OFFICER, _receipt(order, delivery, note="sealed"))
    received = out.deliveries[0]
    assert (received.receipt_officer, received.receipt_note) == ("Lt R. Singh", "sealed")
    assert received.received_at == "2026-07-03T15:00:00Z"
    with pytest.raises(Conflict), database.transaction() as session:
        acknowledge_receipt(session, IN_OFFICER, _receipt(order, delivery))
    with database.transaction(write=False) as session:
        types = session.scalars(select(EventRow.type)).all()
    assert types.count("support_order.received.v1") == 1


def test_the_supplier_unknown_deliveries_and_blank_officers_are_refused(
    database: Database,
) -> None:
    order, delivery = _delivered(database)
    with pytest.raises(Forbidden), database.transaction() as session:
        acknowledge_receipt(session, RU_OFFICER, _receipt(order, delivery))
    with pytest.raises(NotFound), database.transaction() as session:
        acknowledge_receipt(session, IN_OFFICER, _receipt(order, "no-such-delivery"))
    with pytest.raises(RuleViolations), database.transaction() as session:
        acknowledge_receipt(session, IN_OFFICER, _receipt(order, delivery, received_by="  "))
    with database.transaction(write=False) as session:
        row = session.get(DeliveryRow, delivery)
        assert row is not None and row.received_at is None


def test_the_operator_acknowledges_for_the_requesting_party_and_replay_agrees(
    database: Database,
) -> None:
    order, delivery = _delivered(database)
    with database.transaction() as session:
        acknowledge_receipt(session, SYSTEM, _receipt(order, delivery))
    assert replay.check(database) is None
