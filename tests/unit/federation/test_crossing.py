"""Which events cross, the fact each states and its one writer (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from relos.federation import crossing, writers
from relos.logistics.events import OrderSigned, PricesImported, SettlementRecorded

AT = datetime(2026, 8, 1, tzinfo=UTC)


def _settlement(method: str) -> SettlementRecorded:
    return SettlementRecorded(
        order="o",
        agreement="in-ru-relos",
        parties=("IN", "RU"),
        settlement="s",
        method=method,
        amount=Decimal("10.00"),
        currency="RUB",
        settled_at=AT,
        reference="",
        counter_order=None,
        returned=[],
        recorded_by="x",
        recorded_at=AT,
        postings=[],
        statuses={"o": "delivered"},
    )


@pytest.mark.parametrize(("method", "writer"), [("cash", "IN"), ("replacement_in_kind", "RU")])
def test_a_settlement_is_written_by_the_party_its_method_names(method: str, writer: str) -> None:
    event = _settlement(method)
    assert crossing.crosses(event) and crossing.fact_name(event) == "settlement.recorded"
    assert writers.writer_of("settlement.recorded", crossing.roles(event)) == writer


def test_each_party_writes_only_its_own_signature() -> None:
    event = OrderSigned(
        order="o",
        agreement="in-ru-relos",
        parties=("IN", "RU"),
        party="RU",
        signed_by="ru-logistics",
        signed_at=AT,
        status="requested",
    )
    assert writers.may_write("RU", crossing.fact_name(event), crossing.roles(event))
    assert not writers.may_write("IN", crossing.fact_name(event), crossing.roles(event))


def test_price_lists_do_not_cross_and_a_statement_of_them_is_not_a_fact() -> None:
    prices = PricesImported(lines=[], imported_at=AT, imported_by="x")
    assert not crossing.crosses(prices)
    payload = {"type": prices.event_type, "content": prices.model_dump(mode="json")}
    with pytest.raises(crossing.NotAFact):
        crossing.statement_of({**payload, "log": "internal", "at": "2026-08-01T00:00:00Z"})


def test_a_statement_reads_back_the_typed_event_its_time_and_writer() -> None:
    event = _settlement("cash")
    payload = {
        "type": event.event_type,
        "content": event.model_dump(mode="json"),
        "log": "in-ru-relos",
        "at": "2026-08-01T00:00:00.000001Z",
        "actor": "in-finance",
        "actor_party": "IN",
    }
    read = crossing.statement_of(payload)
    assert read.event == event and read.actor_party == "IN"
    assert read.at == AT.replace(microsecond=1)
