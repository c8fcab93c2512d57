"""The pure parts of the event log: canonical bytes, seals, hashes and the catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from relos.events import INTERNAL, DomainEvent, Route, event
from relos.events.catalog import event_class, types
from relos.events.seal import GENESIS, Envelope, canonical, chain_hash, seal, seal_canonical
from relos.events.store import content_of

AT = datetime(2027, 7, 1, 12, 0, 0, 250000, tzinfo=UTC)


def envelope(**changes: object) -> Envelope:
    fields: dict[str, object] = {
        "log": "in-ru-relos",
        "seq": 1,
        "type": "deployment.filed.v1",
        "at": AT,
        "actor": "in-planner",
        "actor_party": "IN",
        "parties": ("IN", "RU"),
        "record_type": "deployment",
        "record_id": "dep_1",
        "prev_hash": GENESIS,
    }
    fields.update(changes)
    return Envelope(**fields)  # type: ignore[arg-type]


def test_canonical_json_is_rfc_8785() -> None:
    # Keys sorted by UTF-16 code units, no spaces, shortest numbers, UTF-8 as is.
    assert canonical({"b": 1.0, "a": [1e21, "é"], "A": None}) == (
        '{"A":null,"a":[1e+21,"é"],"b":1}'.encode()
    )


def test_the_seal_covers_every_envelope_field_and_the_content() -> None:
    base = chain_hash(seal(envelope(), '{"title":"x"}'))
    assert chain_hash(seal(envelope(), '{"title":"x"}')) == base
    assert chain_hash(seal(envelope(), '{ "title" : "x" }')) == base, "content re-canonicalised"
    for change in (
        {"log": "in-us-lemoa"},
        {"seq": 2},
        {"type": "deployment.amended.v1"},
        {"at": AT.replace(microsecond=250001)},
        {"actor": "ru-planner"},
        {"actor_party": None},
        {"parties": ("IN",)},
        {"record_id": "dep_2"},
        {"prev_hash": "f" * 64},
    ):
        assert chain_hash(seal(envelope(**change), '{"title":"x"}')) != base, change
    assert chain_hash(seal(envelope(), '{"title":"y"}')) != base


@pytest.mark.parametrize(
    "content",
    [{"title": "x"}, {}, {"é": [1.5, None, {"b": "\u2028\n", "a": 10**15}], "z": True}],
)
@pytest.mark.parametrize("party", ["IN", None])
def test_splicing_canonical_content_gives_the_seals_bytes(
    content: dict[str, object], party: str | None
) -> None:
    text = canonical(content).decode()
    sealed = seal_canonical(envelope(actor_party=party, actor='a "q"'), text)
    assert sealed == seal(envelope(actor_party=party, actor='a "q"'), text)


def test_every_shipped_event_type_is_named_and_versioned() -> None:
    names = types()
    assert {"deployment.filed.v1", "user.added.v1", "agreement.loaded.v1"} <= set(names)
    assert all(name.rsplit(".", 1)[1].startswith("v") for name in names)
    assert event_class("deployment.filed.v1").event_type == "deployment.filed.v1"
    with pytest.raises(LookupError):
        event_class("deployment.filed.v99")


def test_type_names_must_be_versioned_and_unique() -> None:
    with pytest.raises(ValueError, match="vN"):

        @event
        class Unversioned(DomainEvent):
            event_type = "thing.happened"

    with pytest.raises(ValueError, match="taken"):

        @event
        class Twin(DomainEvent):
            event_type = "deployment.filed.v1"


def test_content_is_canonical_and_complete() -> None:
    class Noted(DomainEvent):
        event_type = "test.noted.v1"
        text: str
        at: datetime

        def route(self) -> Route:
            return Route(INTERNAL, "note", "1", ())

    noted = Noted(text="é", at=AT)
    assert content_of(noted) == '{"at":"2027-07-01T12:00:00.250000Z","text":"é"}'
    assert Noted.model_validate_json(content_of(noted)) == noted
