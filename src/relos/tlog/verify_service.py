"""Verifying the node's signed logs from the database (`relos log verify`, and the signed
half of `relos audit verify`): reads the logs, their held checkpoints and the event log,
and hands the bytes to the pure check in verify.py. The first problem is named.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from relos.access.domain import Principal
from relos.access.policy import require
from relos.events.models import EventRow
from relos.kit.errors import InvalidInput, NotFound
from relos.tlog import dsse, note, store
from relos.tlog.keys import BadKey, Verifier
from relos.tlog.node import read_key, session_key_path
from relos.tlog.schemas import VerifiedLogOut, VerifyOut
from relos.tlog.service import all_logs
from relos.tlog.verify import ROTATION_TYPE, HeldCheckpoint, Problem, Report, verify_log


@dataclass(frozen=True)
class Verdict:
    reports: list[Report] = field(default_factory=list)
    problem: Problem | None = None

    @property
    def whole(self) -> bool:
        return self.problem is None


def trusted_keys(session: Session, given: Sequence[str]) -> list[Verifier]:
    if given:
        try:
            return [Verifier.parse(text) for text in given]
        except BadKey as exc:
            raise InvalidInput(str(exc)) from exc
    signer = read_key(session_key_path(session))
    if signer is None:
        raise InvalidInput("no node key here to trust: give --verifier-key VKEY")
    return [signer.verifier]


def _origin_of(text: str, label: str) -> str:
    try:
        return note.Checkpoint.parse_text(note.parse(text).text).origin
    except note.BadNote as exc:
        raise InvalidInput(f"{label}: not a signed checkpoint ({exc})") from exc


def verify(
    session: Session,
    caller: Principal,
    origin: str | None = None,
    checkpoint_files: Sequence[tuple[str, str]] = (),
    verifier_keys: Sequence[str] = (),
) -> Verdict:
    """Check every log (or one), against held checkpoints and the ones given."""
    require(caller, "logs.verify")
    return check_logs(session, trusted_keys(session, verifier_keys), origin, checkpoint_files)


def check_logs(
    session: Session,
    trusted: Sequence[Verifier],
    origin: str | None = None,
    checkpoint_files: Sequence[tuple[str, str]] = (),
) -> Verdict:
    """The check itself, for callers that checked the policy (`log verify`, `audit verify`)."""
    logs = all_logs(session)
    if origin is not None:
        logs = [log for log in logs if log.origin == origin]
        if not logs:
            raise NotFound(f"no log {origin}")
    given: dict[str, list[HeldCheckpoint]] = {}
    for label, text in checkpoint_files:
        named = _origin_of(text, label)
        if origin is not None and named != origin:
            continue
        if named not in {log.origin for log in logs}:
            return Verdict([], Problem(named, label, "no such log here: it was removed"))
        given.setdefault(named, []).append(HeldCheckpoint(label, text))
    reports: list[Report] = []
    events_seen: dict[tuple[str, int], str] = {}
    for log in logs:
        held = [
            HeldCheckpoint(f"held checkpoint of size {row.size}", row.note)
            for row in store.checkpoints(session, log.id)
        ]
        result = verify_log(
            log.origin,
            partial(store.all_entries, session, log.id),
            trusted,
            held + given.get(log.origin, []),
            partial(store.root_at, session, log.id),
        )
        if isinstance(result, Problem):
            return Verdict(reports, result)
        reports.append(result)
        events_seen.update(_event_copies(session, log.id))
    if origin is None:
        problem = _check_event_log(session, events_seen)
        if problem is not None:
            return Verdict(reports, problem)
    return Verdict(reports)


def _event_copies(session: Session, log_id: int) -> dict[tuple[str, int], str]:
    """(event log, seq) -> SHA-256 of the signed statement, for the events in one log."""
    seen: dict[tuple[str, int], str] = {}
    for _, leaf in store.all_entries(session, log_id):
        envelope = dsse.parse(leaf)
        if envelope.payload_type == ROTATION_TYPE:
            continue
        statement = json.loads(envelope.payload)
        if isinstance(statement, dict) and isinstance(statement.get("seq"), int):
            key = (str(statement.get("log")), statement["seq"])
            seen[key] = hashlib.sha256(envelope.payload).hexdigest()
    return seen


def _check_event_log(session: Session, seen: dict[tuple[str, int], str]) -> Problem | None:
    """The event log (and so the audit trail) is a view of the signed logs.

    Each event's hash is the SHA-256 of its sealed statement, which is the payload of
    its signed leaf: every event must have one, with that hash, and no leaf may name an
    event that is gone.
    """
    for row in session.scalars(select(EventRow).order_by(EventRow.id)):
        copy = seen.pop((row.log, row.seq), None)
        where = f"event {row.id} ({row.log} #{row.seq})"
        if copy is None:
            return Problem("event log", where, "it has no signed copy in any log")
        if copy != row.hash:
            return Problem("event log", where, "it differs from its signed copy")
    if seen:
        log, seq = min(seen)
        return Problem("event log", f"{log} #{seq}", "signed, but gone from the event log")
    return None


def describe(verdict: Verdict) -> VerifyOut:
    return VerifyOut(
        whole=verdict.whole,
        logs=[
            VerifiedLogOut(
                origin=r.origin,
                size=r.size,
                root=base64.b64encode(r.root).decode(),
                checkpoints=r.checkpoints,
            )
            for r in verdict.reports
        ],
        problem=None if verdict.problem is None else str(verdict.problem),
    )
