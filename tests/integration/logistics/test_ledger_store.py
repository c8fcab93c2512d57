"""The stored ledger: immutable in the database, balances kept equal to the entries."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from tests.integration.logistics.helpers import agreed_order, deliver, load_prices, settle

from relos.access.domain import SYSTEM
from relos.kit.db import Database
from relos.kit.errors import RuleViolations
from relos.kit.migrate import alembic_config, upgrade
from relos.logistics.commands import ImportRates, RecordSettlement, ReversePosting, build
from relos.logistics.ledger import repository
from relos.logistics.ledger import service as ledger_service
from relos.logistics.models import BalanceRow, DayTotalRow, EntryRow, PostingRow
from relos.logistics.orders import repository as orders_repository
from relos.logistics.rates.domain import MissingRate, rate_rows
from relos.logistics.rates.service import import_rates
from relos.logistics.settlement import service as settlements
from relos.logistics.statements.reports import overdue
from relos.logistics.statements.service import overdue as stored_overdue


@pytest.mark.parametrize("table", [PostingRow, EntryRow])
def test_the_database_refuses_to_change_or_delete_ledger_rows(
    database: Database, table: type
) -> None:
    load_prices(database)
    deliver(database, agreed_order(database), "10")
    with pytest.raises(DBAPIError, match="immutable"), database.transaction() as session:
        session.execute(update(table).values(amount_minor=1))
    with pytest.raises(DBAPIError, match="immutable"), database.transaction() as session:
        session.execute(delete(table))
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(table)) > 0


def test_truncate_is_refused_on_postgresql(database: Database) -> None:
    if database.sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="immutable"), database.transaction() as session:
        session.execute(text("TRUNCATE ledger_postings CASCADE"))


def _replayed(database: Database) -> dict[tuple[str, str, str, str], int]:
    """Balances recomputed from the receivable entries alone."""
    totals: dict[tuple[str, str, str, str], int] = {}
    with database.transaction(write=False) as session:
        rows = session.execute(
            select(
                PostingRow.agreement_id,
                EntryRow.holder,
                EntryRow.counterparty,
                EntryRow.currency,
                EntryRow.side,
                EntryRow.amount_minor,
            )
            .join(PostingRow, PostingRow.ref == EntryRow.posting_ref)
            .where(EntryRow.account == "receivable")
        )
        for agreement, holder, other, currency, side, amount in rows:
            key = (agreement, holder, other, currency)
            totals[key] = totals.get(key, 0) + (amount if side == "debit" else -amount)
    return {k: v for k, v in totals.items() if v}


def test_maintained_balances_equal_a_replay_of_the_entries(database: Database) -> None:
    load_prices(database)
    russian = agreed_order(database)
    indian = agreed_order(database, requesting="RU", supplying="IN", facility="INBOM")
    deliver(database, russian, "60")
    deliver(database, russian, "40")
    deliver(database, indian, "5")
    settle(database, russian, "1000000.00")
    settle(database, indian, "100000.00", currency="INR")
    with pytest.raises(RuleViolations):
        settle(database, indian, "300000.01", currency="INR")
    with database.transaction() as session:
        last = repository.postings(session, None, order_id=russian)[-1]
        assert last.kind.value == "settlement"
        reversal = ReversePosting(ref=last.ref, reason="bank returned it")
        settlements.reverse(session, SYSTEM, reversal)
    with database.transaction(write=False) as session:
        stored = {
            (b.agreement_id, b.creditor, b.debtor, b.currency): b.amount_minor
            for b in session.scalars(select(BalanceRow))
            if b.amount_minor
        }
        trial = ledger_service.trial_balance(session, SYSTEM).model_dump()
    assert stored == _replayed(database)
    assert stored == {
        ("in-ru-relos", "RU", "IN", "RUB"): 700_000_000,
        ("in-ru-relos", "IN", "RU", "INR"): 30_000_000,
    }
    assert all(sides["debit"] == sides["credit"] for sides in trial.values())


def test_equal_value_exchange_nets_two_orders(database: Database) -> None:
    load_prices(database)
    russian = agreed_order(database, tonnes="10", settlement="equal_value_exchange")
    counter = agreed_order(
        database,
        tonnes="10",
        requesting="RU",
        supplying="IN",
        facility="INBOM",
        settlement="equal_value_exchange",
        counter_to=russian,
    )
    deliver(database, russian, "10")  # RU supplied 700,000.00 RUB
    deliver(database, counter, "10")  # IN supplied 800,000.00 INR
    exchange = {"method": "equal_value_exchange", "counter_order": counter}
    with pytest.raises(MissingRate, match="RUB/INR"):
        settle(database, russian, "700000.00", **exchange)
    with database.transaction() as session:
        rates = "base,quote,on,rate,source\nRUB,INR,2026-07-01,1.05,illustrative\n"
        import_rates(session, SYSTEM, build(ImportRates, {"lines": rate_rows(rates)}))
    with pytest.raises(RuleViolations):
        settle(database, russian, "800000.00", **exchange)  # more than RU is owed
    settle(database, russian, "700000.00", **exchange)
    with database.transaction(write=False) as session:
        owed = {
            (b.creditor, b.currency): b.amount_minor
            for b in repository.balances(session, None, None)
        }
        orders = {o.id: o.status for o in orders_repository.orders(session, None, None, None)}
    assert owed == {("IN", "INR"): 6_500_000}  # 800,000 - 700,000 x 1.05 INR
    assert orders[russian] == "settled" and orders[counter] == "delivered"


def test_replacement_in_kind_is_valued_at_the_original_price(database: Database) -> None:
    load_prices(database)
    order_id = agreed_order(database, settlement="replacement_in_kind")
    deliver(database, order_id, "10")
    body = {
        "order": order_id,
        "method": "replacement_in_kind",
        "settled_at": datetime(2026, 9, 1, tzinfo=UTC),
        "lines": [{"line": 0, "quantity": "4"}],
        "reference": "4 t F-76 returned at Vladivostok",
    }
    with database.transaction() as session:
        result = settlements.record_settlement(session, SYSTEM, build(RecordSettlement, body))
    assert (result.amount, result.currency) == ("280000.00", "RUB")
    body["lines"] = [{"line": 0, "quantity": "6.5"}]
    with pytest.raises(RuleViolations), database.transaction() as session:
        settlements.record_settlement(session, SYSTEM, build(RecordSettlement, body))


def test_overdue_from_the_store_equals_the_pure_replay_on_any_day(database: Database) -> None:
    load_prices(database)
    orders = [agreed_order(database) for _ in range(3)]
    deliver(database, orders[0], "10", at=datetime(2026, 2, 1, tzinfo=UTC))
    deliver(database, orders[0], "10", at=datetime(2026, 3, 1, tzinfo=UTC))
    deliver(database, orders[1], "20", at=datetime(2026, 2, 15, tzinfo=UTC))
    deliver(database, orders[2], "5", at=datetime(2026, 4, 1, tzinfo=UTC))
    settle(database, orders[0], "1000000.00")  # booked 2026-08-01
    settle(database, orders[1], "1400000.00")  # settles orders[1] in full
    with database.transaction(write=False) as session:
        postings = repository.postings(session, None)
        days = [
            date(2026, 5, 1),
            date(2026, 7, 1),
            date(2026, 8, 1),
            date(2026, 8, 2),
            date(2027, 1, 1),
        ]
        for day in days:
            stored = [i.model_dump() for i in stored_overdue(session, SYSTEM, day)]
            pure = [
                (i.order, str(i.amount.amount), i.due_on.isoformat())
                for i in overdue(postings, day)
            ]
            assert [(i["order"], i["amount"], i["due_on"]) for i in stored] == pure, day
        assert [i.order for i in stored_overdue(session, SYSTEM, date(2027, 1, 1))] == [
            orders[0],
            orders[2],
        ]


def _counted(database: Database) -> dict[tuple[object, ...], int]:
    """Postings per agreement, creditor, debtor, currency and day, counted from the
    postings themselves."""
    keys = (
        PostingRow.agreement_id,
        PostingRow.creditor,
        PostingRow.debtor,
        PostingRow.currency,
        PostingRow.booked_on,
    )
    with database.transaction(write=False) as session:
        rows = session.execute(select(*keys, func.count()).group_by(*keys))
        return {tuple(row[:5]): int(row[5]) for row in rows}


def _stored_counts(database: Database) -> dict[tuple[object, ...], int]:
    with database.transaction(write=False) as session:
        return {
            (t.agreement_id, t.creditor, t.debtor, t.currency, t.booked_on): t.postings
            for t in session.scalars(select(DayTotalRow))
        }


def test_the_day_totals_count_postings_and_the_migration_counts_an_existing_ledger(
    database: Database,
) -> None:
    load_prices(database)
    russian = agreed_order(database)
    indian = agreed_order(database, requesting="RU", supplying="IN", facility="INBOM")
    deliver(database, russian, "60")
    deliver(database, russian, "40")
    deliver(database, indian, "5")
    settle(database, russian, "1000000.00")
    counted = _counted(database)
    assert sum(counted.values()) == 4 and max(counted.values()) > 1  # a day with two
    assert _stored_counts(database) == counted  # kept in step as they were booked
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0017_ledger_read_indexes")
        columns = {c["name"] for c in inspect(connection).get_columns("ledger_day_totals")}
        assert "postings" not in columns
    upgrade(database)  # 0018 counts the postings already booked
    assert _stored_counts(database) == counted
