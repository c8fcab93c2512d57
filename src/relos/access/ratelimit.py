"""Login rate limiting: attempts counted in the database, per name and per client.

Three keys are counted, so that neither a single client guessing many names nor many clients
guessing one name get far:
- the pair (user name, client address): a few tries, then wait;
- the client address alone: more, to let a shared gateway keep working;
- the user name alone: many, bounding a distributed guess without letting one client lock
  an officer out.
An attempt is counted *before* the password is checked, in one atomic statement per key
(an upsert that returns the new count), so simultaneous guesses cannot all slip under the
limit, and the count is shared by every worker process of every server on the database.
A successful login clears the pair's count and takes its attempt back from the others.
Windows are fixed: a key's window starts at its first attempt and lasts `window`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar, cast

from sqlalchemy import BigInteger, Connection, Integer, String, Table, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from relos.kit.db import Base

T = TypeVar("T")


class LoginAttemptRow(Base):
    """Attempts on one key within its current window (epoch seconds, so no time zones)."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, index=True)
    attempts: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Limits:
    window: timedelta = timedelta(minutes=15)
    per_pair: int = 5
    per_client: int = 20
    per_name: int = 50


def keys(name: str, client: str, limits: Limits) -> list[tuple[str, int]]:
    """The three counted keys of an attempt, with their limits (names compare without case)."""
    name = name.casefold()[:100]
    client = client[:100]
    return [
        (f"pair\x1f{name}\x1f{client}", limits.per_pair),
        (f"client\x1f{client}", limits.per_client),
        (f"name\x1f{name}", limits.per_name),
    ]


def _count(conn: Connection | Session, key: str, now: int, window: int) -> int:
    """Add one attempt to a key in one atomic statement; the key's count after it."""
    table = cast(Table, LoginAttemptRow.__table__)
    dialect = (conn.get_bind() if isinstance(conn, Session) else conn).dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    insert = maker(table).values(key=key, window_start=now, attempts=1)
    expired = table.c.window_start <= now - window
    stmt = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((expired, 1), else_=table.c.attempts + 1),
            "window_start": case((expired, now), else_=table.c.window_start),
        },
    ).returning(table.c.attempts)
    count: int = conn.execute(stmt).scalar_one()
    return count


def _run(session: Session, work: Callable[[Connection | Session], T]) -> T:
    """Run `work` so that its counts are committed at once, whatever the caller does next.

    The caller's transaction is rolled back when the password is wrong, so the counts go
    through a connection of their own: autocommitted statements on PostgreSQL (no row lock
    is held while the password is hashed), a short write transaction on SQLite. When the
    caller's SQLite transaction is already open it holds the database's write lock, and a
    second connection would wait for it: the counts then go into that transaction.
    """
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return work(conn)
    if session.in_transaction():
        return work(session)
    with engine.connect().execution_options(relos_write=True) as conn, conn.begin():
        return work(conn)


def attempt(session: Session, name: str, client: str, limits: Limits) -> bool:
    """Count one attempt on each key; False when any key is over its limit (refuse it)."""
    now = int(time.time())
    window = int(limits.window.total_seconds())

    def count_all(conn: Connection | Session) -> bool:
        over = False
        for key, limit in keys(name, client, limits):
            over = _count(conn, key, now, window) > limit or over
        # Forget windows long over, so made-up names cannot fill the table.
        conn.execute(delete(LoginAttemptRow).where(LoginAttemptRow.window_start < now - 2 * window))
        return not over

    return _run(session, count_all)


def succeeded(session: Session, name: str, client: str, limits: Limits) -> None:
    """A right password: the pair starts afresh and the attempt is taken back from the others.

    Done in the caller's transaction: it only counts if the login it belongs to stands.
    """
    pair, *others = keys(name, client, limits)
    session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key == pair[0]))
    for key, _ in others:
        session.execute(
            update(LoginAttemptRow)
            .where(LoginAttemptRow.key == key, LoginAttemptRow.attempts > 0)
            .values(attempts=LoginAttemptRow.attempts - 1)
        )
