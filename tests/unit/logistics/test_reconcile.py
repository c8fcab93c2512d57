"""Reconciliation of two parties' exports with deliberate divergences."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from relos.kit.errors import InvalidInput
from relos.kit.money import Money
from relos.logistics.ledger.journal import Journal
from relos.logistics.ledger.postings import Posting, delivery_posting, settlement_posting
from relos.logistics.reconcile import Export, export, reconcile

NOW = datetime(2026, 9, 1, tzinfo=UTC)


def delivered(ref: str, supplier: str, requester: str, agreement: str = "in-ru-relos") -> Posting:
    return delivery_posting(
        ref,
        agreement=agreement,
        order=f"o-{ref}",
        supplier=supplier,
        requester=requester,
        value=Money.exact("1000.00", "RUB"),
        delivered_on=date(2026, 7, 1),
        days_to_settle=30,
    )


def journal() -> Journal:
    return Journal(
        [
            delivered("a", "RU", "IN"),
            delivered("b", "IN", "RU"),
            delivered("c", "RU", "IN"),
            delivered("f", "FR", "IN", "in-fr-rmls"),
            settlement_posting(
                "s",
                agreement="in-ru-relos",
                order="o-a",
                creditor="RU",
                debtor="IN",
                amount=Money.exact("400.00", "RUB"),
                settled_on=date(2026, 7, 9),
                method="cash",
            ),
        ]
    )


def roundtrip(exported: Export) -> Export:
    return Export.from_json(exported.to_json())


def test_identical_records_reconcile_clean_and_other_partners_are_out_of_scope() -> None:
    ours, theirs = export(journal(), "IN", NOW), export(journal(), "RU", NOW)
    assert len(ours.records) == 5 and len(theirs.records) == 4
    result = reconcile(roundtrip(ours), roundtrip(theirs))
    assert result.clean
    assert result.matched == ["a", "b", "c", "s"]


def test_missing_changed_amount_and_changed_date_are_each_reported() -> None:
    ours = export(journal(), "IN", NOW)
    records = {r.ref: r for r in export(journal(), "RU", NOW).records}
    records.pop("b")
    records["c"] = replace(records["c"], amount=Decimal("1000.10"))
    records["s"] = replace(records["s"], date=date(2026, 7, 10))
    records["x"] = replace(records["a"], ref="x")
    theirs = roundtrip(Export("RU", NOW, list(records.values())))
    result = reconcile(ours, theirs)
    assert not result.clean
    assert result.matched == ["a"]
    assert [r.ref for r in result.missing_on_theirs] == ["b"]
    assert [r.ref for r in result.missing_on_ours] == ["x"]
    assert [(m.ref, m.fields) for m in result.mismatched] == [("c", ("amount",)), ("s", ("date",))]


def test_amounts_compare_by_value_not_by_spelling() -> None:
    ours = export(journal(), "IN", NOW)
    text = ours.to_json().replace('"1000.00"', '"1000.0"')
    assert reconcile(ours, Export.from_json(text)).clean


def test_a_file_that_is_not_an_export_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a ledger export"):
        Export.from_json('{"records": []}')
    with pytest.raises(InvalidInput, match="not a ledger export"):
        Export.from_json("ref,amount")
