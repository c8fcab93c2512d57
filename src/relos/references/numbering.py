"""Numbering of human references: a pure part (codes, formats) and one atomic upsert.

The number comes from `reference_counters` by one INSERT ... ON CONFLICT DO UPDATE ...
RETURNING inside the creating transaction. On PostgreSQL the conflicting row is locked
until the transaction ends, so two concurrent creations in one scope get consecutive
numbers and a rolled-back creation gives its number back; on SQLite every write
transaction already holds the database's write lock (BEGIN IMMEDIATE). The unique index
on each record's `reference` is the last guard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from relos.kit.db import connection_of
from relos.kit.errors import NotFound
from relos.references.models import ReferenceCounterRow

ORDER_PREFIX = "ORD"
_CODE_WORD = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")


def agreement_code(short_name: str, agreement_id: str) -> str:
    """The agreement's code in references: the last all-capitals word of its short name
    ("India–Japan RPSS" → "RPSS", "RELOS" → "RELOS"), else its id in capitals."""
    for word in reversed(short_name.split()):
        if _CODE_WORD.match(word):
            return word
    return re.sub(r"[^A-Z0-9]", "", agreement_id.upper())[:12] or "AGR"


def deployment_scope(code: str, party: str, start: datetime) -> str:
    return f"{code}-{party}-{start.year:04d}"


def order_scope(party: str, created: datetime) -> str:
    return f"{ORDER_PREFIX}-{party}-{created.year:04d}"


def format_reference(scope: str, number: int) -> str:
    return f"{scope}-{number:04d}"


def _next_number(insert: Callable[..., Any]) -> ReturningInsert[Any]:
    counter = ReferenceCounterRow
    upsert = insert(counter).values(scope=bindparam("scope"), last=1)
    statement: ReturningInsert[Any] = upsert.on_conflict_do_update(
        index_elements=["scope"], set_={"last": counter.last + 1}
    ).returning(counter.last)
    return statement


# Built once per dialect (building the upsert cost more than running it), run on the
# session's connection.
_NEXT_NUMBER = {"postgresql": _next_number(pg_insert), "sqlite": _next_number(sqlite_insert)}


def next_reference(session: Session, scope: str) -> str:
    """The next reference in the scope, taken inside the caller's transaction."""
    connection = connection_of(session)
    statement = _NEXT_NUMBER[connection.dialect.name]
    number = connection.execute(statement, {"scope": scope}).scalar_one()
    return format_reference(scope, int(number))


def code_of_agreement(session: Session, agreement_id: str) -> str:
    """The reference code of a stored agreement (see agreement_code)."""
    # The cached agreement in force (no definition read per filing); an unknown id keeps
    # the code derived from the id alone.
    from relos.agreements.service import agreement_in_force

    try:
        short_name = agreement_in_force(session, agreement_id).agreement.short_name
    except NotFound:
        short_name = ""
    return agreement_code(short_name, agreement_id)


def deployment_reference(session: Session, agreement_id: str, party: str, start: datetime) -> str:
    """`RELOS-IN-2027-0042`: the next number for the agreement, party and year of start."""
    code = code_of_agreement(session, agreement_id)
    return next_reference(session, deployment_scope(code, party, start))


def order_reference(session: Session, party: str, created: datetime) -> str:
    """`ORD-RU-2027-0007`: the next number for the requesting party and year."""
    return next_reference(session, order_scope(party, created))
