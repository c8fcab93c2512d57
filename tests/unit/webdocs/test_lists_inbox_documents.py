"""The pure parts of lists, the inbox, references and documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import column

from relos.documents.render import _signed, wants_pdf
from relos.inbox.domain import Item, Kind, expires_soon, in_due_order, starts_soon
from relos.kit.errors import InvalidInput
from relos.kit.listing import ListFilter, order_by, parse_filter
from relos.references.numbering import deployment_scope, format_reference, order_scope

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def test_reference_formats() -> None:
    start = datetime(2027, 12, 31, 23, tzinfo=UTC)
    assert format_reference(deployment_scope("RELOS", "IN", start), 42) == "RELOS-IN-2027-0042"
    assert format_reference(order_scope("RU", start), 7) == "ORD-RU-2027-0007"
    assert format_reference("ORD-RU-2027", 12345) == "ORD-RU-2027-12345"


def test_filters_parse_and_refuse() -> None:
    parsed = parse_filter(" tabar ", "-start", "", "2027-01-01", "2027-02-01T00:00:00Z")
    assert parsed.q == "tabar" and parsed.sort == "-start" and parsed.facility is None
    assert parsed.start == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="to must be after from"):
        parse_filter(start="2027-02-01", end="2027-01-01")
    with pytest.raises(InvalidInput, match="from"):
        parse_filter(start="soon")
    with pytest.raises(InvalidInput, match="at most"):
        ListFilter(q="x" * 101)


def test_sort_is_whitelisted() -> None:
    fields = {"start": column("starts"), "title": column("title")}
    assert str(order_by(None, fields, "start")[0]) == "starts ASC"
    assert str(order_by("-title", fields, "start")[0]) == "title DESC"
    with pytest.raises(InvalidInput, match="sort: one of start, title"):
        order_by("commander", fields, "start")


def test_inbox_windows_and_order() -> None:
    assert starts_soon(NOW + timedelta(days=13), NOW)
    assert not starts_soon(NOW + timedelta(days=14), NOW)
    assert not starts_soon(NOW - timedelta(seconds=1), NOW)
    assert expires_soon(NOW + timedelta(days=179), NOW)
    assert not expires_soon(NOW + timedelta(days=181), NOW) and not expires_soon(None, NOW)
    late = Item(Kind.NOTICE_DUE, "deployment", "d2", "RELOS-IN-2027-0002", "b", "2027-03-09")
    soon = Item(Kind.CONSENT_REQUESTED, "deployment", "d1", "RELOS-IN-2027-0001", "a", "2027-03-02")
    open_ = Item(Kind.SIGNATURE_REQUESTED, "support_order", "o1", "ORD-IN-2027-0001", "c", None)
    assert in_due_order([open_, late, soon]) == [soon, late, open_]
    assert soon.to_dict()["kind"] == "consent_requested"


def test_signed_amounts_and_negotiation() -> None:
    assert _signed("1234567.5") == "+1\u202f234\u202f567.50"
    assert _signed("-3") == "\u22123.00"
    assert _signed("0") == "0.00"
    assert wants_pdf("application/pdf") and wants_pdf("text/html", "pdf")
    assert not wants_pdf("text/html,*/*") and not wants_pdf(None)
    assert not wants_pdf("application/pdf", "html")
