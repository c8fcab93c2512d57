"""The one-writer table and the node request signatures (pure)."""

from __future__ import annotations

import pytest

from relos.federation import httpsig, writers
from relos.federation.writers import Roles
from relos.tlog.keys import Signer

DEPLOYMENT = Roles(deploying="IN", host="RU")
ORDER = Roles(requesting="IN", supplying="RU", signer="RU", payer="IN")


@pytest.mark.parametrize(
    ("fact", "roles", "writer"),
    [
        ("deployment.filed", DEPLOYMENT, "IN"),
        ("deployment.amended", DEPLOYMENT, "IN"),
        ("deployment.completed", DEPLOYMENT, "IN"),
        ("deployment.cancelled", DEPLOYMENT, "IN"),
        ("deployment.approved", DEPLOYMENT, "RU"),
        ("deployment.declined", DEPLOYMENT, "RU"),
        ("order.raised", ORDER, "IN"),
        ("order.signed", ORDER, "RU"),
        ("order.delivered", ORDER, "RU"),
        ("order.received", ORDER, "IN"),
        ("settlement.recorded", ORDER, "IN"),
        ("ledger.reversed", ORDER, "RU"),
    ],
)
def test_each_fact_has_one_writer(fact: str, roles: Roles, writer: str) -> None:
    assert writers.writer_of(fact, roles) == writer
    other = "RU" if writer == "IN" else "IN"
    assert writers.may_write(writer, fact, roles)
    assert not writers.may_write(other, fact, roles)


def test_an_unknown_fact_has_no_writer() -> None:
    assert not writers.may_write("IN", "user.added", DEPLOYMENT)
    with pytest.raises(writers.UnknownFact):
        writers.writer_of("deployment.approved", Roles(deploying="IN"))


def test_the_settlement_method_names_who_records_it() -> None:
    assert writers.settlement_payer("cash", debtor="IN", creditor="RU") == "IN"
    assert writers.settlement_payer("replacement_in_kind", debtor="IN", creditor="RU") == "RU"


KEY = Signer.generate("relos.example/IN")
REQUEST = httpsig.Request("GET", "/api/v1/federation/logs/x/entries", "start=0&end=5")


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def test_a_signed_request_verifies_with_the_pinned_key() -> None:
    headers = _lower(httpsig.sign(REQUEST, KEY, 1_000_000))
    assert httpsig.verify(REQUEST, headers, [KEY.verifier], 1_000_100) == KEY.verifier
    assert b'"@query": ?start=0&end=5' in httpsig.signature_base(REQUEST, 1, "k")


@pytest.mark.parametrize(
    "change",
    [
        lambda r: httpsig.Request("GET", r.path + "x", r.query),
        lambda r: httpsig.Request("GET", r.path, "start=0&end=6"),
        lambda r: httpsig.Request("POST", r.path, r.query),
        lambda r: httpsig.Request("GET", r.path, r.query, b"body"),
    ],
)
def test_any_change_breaks_the_signature(change: object) -> None:
    headers = _lower(httpsig.sign(REQUEST, KEY, 1_000_000))
    with pytest.raises(httpsig.BadSignature):
        httpsig.verify(change(REQUEST), headers, [KEY.verifier], 1_000_000)  # type: ignore[operator]


def test_stale_unpinned_or_missing_signatures_are_refused() -> None:
    headers = _lower(httpsig.sign(REQUEST, KEY, 1_000_000))
    with pytest.raises(httpsig.BadSignature, match="clock"):
        httpsig.verify(REQUEST, headers, [KEY.verifier], 1_000_000 + httpsig.SKEW + 1)
    with pytest.raises(httpsig.BadSignature, match="pinned"):
        httpsig.verify(REQUEST, headers, [Signer.generate("relos.example/IN").verifier], 1_000_000)
    with pytest.raises(httpsig.BadSignature):
        httpsig.verify(REQUEST, {}, [KEY.verifier], 1_000_000)
