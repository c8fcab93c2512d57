from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from relos.audit.verify import Anchor, verify_chain
from relos.events.models import EventRow
from relos.events.seal import GENESIS, chain_hash, seal
from relos.events.store import envelope_of
from relos.kit.digest import canonical, digest

T0 = datetime(2026, 7, 1, 12, 0, 0, 123456, tzinfo=UTC)


def rehash(row: EventRow) -> None:
    row.hash = chain_hash(seal(envelope_of(row), row.content))


def chain(n: int, logs: tuple[str, ...] = ("internal",)) -> list[EventRow]:
    rows: list[EventRow] = []
    tails: dict[str, tuple[int, str]] = {}
    for i in range(1, n + 1):
        log = logs[i % len(logs)]
        seq, prev = tails.get(log, (0, GENESIS))
        row = EventRow(
            id=i,
            log=log,
            seq=seq + 1,
            type="audit.entry.v1",
            at=T0 + timedelta(seconds=i),
            actor="in-planner",
            actor_party="IN",
            parties="IN,RU",
            record_type="deployment",
            record_id=str(i),
            content=f'{{"status":"cleared","n":{i}}}',
            prev_hash=prev,
            hash="",
        )
        rehash(row)
        tails[log] = (row.seq, row.hash)
        rows.append(row)
    return rows


def test_canonical_json_is_stable() -> None:
    assert canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})


def test_a_whole_chain_verifies_and_names_its_head() -> None:
    rows = chain(5)
    verdict = verify_chain(rows)
    assert verdict.whole and verdict.entries == 5
    assert verdict.head == Anchor(5, rows[-1].hash)
    assert verify_chain([]).whole


def test_logs_interleave_each_with_its_own_chain() -> None:
    rows = chain(9, ("internal", "relos-2025", "lemoa-2016"))
    assert verify_chain(rows).whole
    assert {r.log for r in rows} == {"internal", "relos-2025", "lemoa-2016"}
    del rows[4]  # a gap in one log breaks at that log's next event only
    verdict = verify_chain(rows)
    assert verdict.broken is not None and verdict.broken.entry_id == 8


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "ru-planner"),
        ("content", '{"status":"declined"}'),
        ("parties", "IN"),
        ("record_id", "forged"),
        ("type", "audit.other.v1"),
        ("at", T0 + timedelta(seconds=3, microseconds=1)),
    ],
)
def test_a_changed_field_breaks_that_entry(field: str, value: object) -> None:
    rows = chain(5)
    setattr(rows[2], field, value)
    verdict = verify_chain(rows)
    assert verdict.broken is not None and verdict.broken.entry_id == 3
    assert "changed" in verdict.broken.reason and verdict.entries == 2


def test_a_deleted_entry_is_a_gap() -> None:
    rows = chain(5)
    del rows[1]
    verdict = verify_chain(rows)
    assert verdict.broken is not None and verdict.broken.entry_id == 3


def test_a_renumbered_chain_still_breaks_at_the_link() -> None:
    rows = chain(5)
    del rows[1]
    for i, row in enumerate(rows[1:], start=2):
        row.id = i
        row.seq = i
    verdict = verify_chain(rows)
    assert verdict.broken is not None and verdict.broken.entry_id == 2


def test_a_rehashed_entry_breaks_the_next_link() -> None:
    rows = chain(4)
    rows[1].content = '{"status":"forged"}'
    rehash(rows[1])
    verdict = verify_chain(rows)
    assert verdict.broken is not None and verdict.broken.entry_id == 3


def test_truncation_is_caught_only_against_an_anchor() -> None:
    rows = chain(5)
    anchor = Anchor(5, rows[-1].hash)
    assert verify_chain(rows[:3]).whole
    verdict = verify_chain(rows[:3], anchor)
    assert verdict.broken is not None and verdict.broken.entry_id == 5
    assert verify_chain(rows, anchor).whole
    wrong = replace(anchor, hash="f" * 64)
    assert not verify_chain(rows, wrong).whole


def test_anchor_parsing() -> None:
    assert Anchor.parse("12:" + "A" * 64) == Anchor(12, "a" * 64)
    for bad in ("12", "x:" + "a" * 64, "3:abc"):
        with pytest.raises(ValueError, match="anchor"):
            Anchor.parse(bad)
