"""Database engine, sessions and the unit of work.

SQLite: WAL and foreign keys on; every write transaction is BEGIN IMMEDIATE, so writers are
serialised by SQLite's reserved lock and a check-then-insert can never interleave.
PostgreSQL: READ COMMITTED; writers that must not interleave take a transaction-scoped
advisory lock on a key (see advisory_lock).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Engine,
    String,
    Table,
    TextClause,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, SessionTransaction, sessionmaker

from relos.kit.errors import InvalidInput
from relos.kit.guard import cancel_point


class Base(DeclarativeBase):
    """Base of every relos table."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite so BEGIN IMMEDIATE is ours to emit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("relos_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _has_nul(parameters: Any) -> bool:
    if isinstance(parameters, str):
        return "\x00" in parameters
    if isinstance(parameters, dict):
        return any(isinstance(v, str) and "\x00" in v for v in parameters.values())
    if isinstance(parameters, list | tuple):
        return any(_has_nul(p) for p in parameters)
    return False


def _guard_statements(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _before(_conn: Any, _cursor: Any, _statement: str, parameters: Any, *_: Any) -> None:
        # A request whose client left or whose time ran out runs no further statement.
        cancel_point()
        # PostgreSQL cannot take a NUL in text and SQLite would store it: refuse it the same
        # way on both, whatever the path (HTTP, CLI, a query's filter or a bulk insert).
        if _has_nul(parameters):
            raise InvalidInput("a NUL character is not allowed")


def pool_options(threads: int | None) -> dict[str, int]:
    """The pool for a process serving `threads` requests at once: one connection each, and
    as many again for a burst outside the request threads (a scrape, a background sync).
    None (the CLI, tests): SQLAlchemy's sizes for SQLite, 10 + 20 for PostgreSQL."""
    if threads is None:
        return {}
    return {"pool_size": threads, "max_overflow": threads}


# psycopg converts each statement's %(name)s placeholders with a regular expression and
# caches the result, but only for statements up to 4 KiB (so an ORM's ever-different bulk
# inserts do not fill its cache). The cap-use queries (a union over the span classes, about
# 15 KiB) run on every filing, validation and headroom, and their conversion cost more CPU
# than anything else in those requests. relos's statements come from a fixed set, and any
# with more than 50 parameters (bulk inserts) is still never cached.
LONGEST_CACHED_STATEMENT = 32 * 1024


def _cache_long_statements() -> None:
    from psycopg import _queries

    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", LONGEST_CACHED_STATEMENT) < (
        LONGEST_CACHED_STATEMENT
    ):
        _queries.MAX_CACHED_STATEMENT_LENGTH = LONGEST_CACHED_STATEMENT


# A pooled PostgreSQL connection idle longer than this is pinged before it is handed out.
IDLE_BEFORE_PING_S = 5.0
_LAST_USED = "relos.last_used"


def _ping_idle_connections(engine: Engine) -> None:
    """Pessimistic disconnect handling for connections that sat idle, and only for them.

    A connection can die while it waits in the pool (a server restart, a firewall's idle
    timeout); SQLAlchemy's pool_pre_ping finds out with a round trip on every checkout, two
    per API request. A connection returned moments ago was alive moments ago: under load
    every checkout is one of those, and a ping would only cost the server and the database
    CPU. An idle one is pinged; a dead one is replaced, as pool_pre_ping would (SQLAlchemy
    retries the checkout after DisconnectionError). A connection that dies while busy fails
    its statement either way, and SQLAlchemy then invalidates the whole pool.
    """

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_LAST_USED, 0.0)
        if time.monotonic() - last <= IDLE_BEFORE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as error:  # any failure of the ping: this connection is gone
            raise DisconnectionError(f"an idle connection failed its ping: {error}") from error
        if not alive:
            raise DisconnectionError("an idle connection failed its ping")
        record.info[_LAST_USED] = time.monotonic()


def make_engine(url: str, threads: int | None = None) -> Engine:
    """An engine for the URL; creates the SQLite file's folder when needed."""
    url = _normalise_url(url)
    pool = pool_options(threads)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **pool
        )
        _prepare_sqlite(engine)
    else:
        _cache_long_statements()
        pool = pool or {"pool_size": 10, "max_overflow": 20}
        engine = create_engine(url, **pool)
        _ping_idle_connections(engine)
    _guard_statements(engine)
    return engine


def _nul_inside(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_inside(k) or _nul_inside(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_nul_inside(v) for v in value)
    return False


def check_strings(session: Session, *_: Any) -> None:
    """Before a flush: no NUL character and no string longer than its column, on any table.

    PostgreSQL refuses both (with a DataError deep in the write) while SQLite stores them;
    checking here makes both databases answer the same clear 422, whatever the feature.
    """
    for row in (*session.new, *session.dirty):
        mapper = inspect(row).mapper
        for attr in mapper.column_attrs:
            _check_value(attr.key, attr.columns[0], getattr(row, attr.key, None))


def check_values(table: Table, values: Mapping[str, Any]) -> None:
    """`check_strings` for a row written by a Core insert (no flush sees it)."""
    for key, value in values.items():
        _check_value(key, table.c[key], value)


def _check_value(key: str, column: ColumnElement[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(column.type, JSON):
        if _nul_inside(value):
            raise InvalidInput(f"{key}: a NUL character is not allowed")
        return
    if not isinstance(column.type, String) or not isinstance(value, str):
        return
    if "\x00" in value:
        raise InvalidInput(f"{key}: a NUL character is not allowed")
    limit = column.type.length
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"{key}: at most {limit} characters (got {len(value)})")


_writer_locks: dict[str, Any] = {}
_no_turn = contextlib.nullcontext()
_writer_locks_guard = threading.Lock()


def sqlite_writers(url: str) -> contextlib.AbstractContextManager[Any]:
    """The lock this process's write transactions on one SQLite file take in turn.

    SQLite lets one writer in at a time (BEGIN IMMEDIATE); the others retry on a timer
    (busy_timeout) with sleeps of up to 100 ms and no order, so under load some writers
    lose again and again (seconds of p99 for milliseconds of work). Threads of one process
    queue here instead, and the next one starts as soon as the last one ends. (Processes
    still meet on SQLite's lock.) Re-entrant: a thread may nest transactions as before.
    """
    with _writer_locks_guard:
        lock = _writer_locks.setdefault(url, threading.RLock())
    return _turn(lock)


@contextlib.contextmanager
def _turn(lock: Any) -> Iterator[None]:
    # The same 30 s a writer waited on SQLite's own lock, and the same error after it.
    if not lock.acquire(timeout=30):
        raise OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        )
    try:
        yield
    finally:
        lock.release()


class Database:
    """Holds the engine and makes sessions; built once by the composition root."""

    def __init__(self, url: str, data_dir: Path | None = None, threads: int | None = None) -> None:
        self.url = _normalise_url(url)
        # `threads`: the requests a served worker runs at once (Settings.worker_threads).
        self.engine = make_engine(self.url, threads)
        self.sqlite = is_sqlite(self.url)
        # Where the node key lives (relos.tlog.node); None: the default data directory.
        self.data_dir = data_dir
        # What a process may keep about this database between transactions, each entry
        # checked against the database before use (e.g. a signed log's head by its size).
        self.memo: dict[str, Any] = {}
        # Sessions can find their Database (and so the node key) through session.info.
        info = {"relos.database": self}
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False, info=info)
        self._writer = sessionmaker(
            bind=self.engine.execution_options(relos_write=True),
            expire_on_commit=False,
            info=info,
        )
        event.listen(self._writer, "before_flush", check_strings)
        self.sqlite_url = self.url if self.sqlite else None  # its writers take turns here
        # PostgreSQL reads outside a transaction (see reads).
        self._single = sessionmaker(
            bind=self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            info=info,
        )

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One unit of work: commits when the block ends cleanly, rolls back otherwise."""
        turn = sqlite_writers(self.sqlite_url) if write and self.sqlite_url else _no_turn
        with turn:
            session = (self._writer if write else self._reader)()
            try:
                yield session
                if write:
                    session.commit()
                else:
                    session.rollback()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    @contextmanager
    def reads(self) -> Iterator[Session]:
        """A session for reads that need no transaction: no locks, no cursor kept open,
        nothing written (authentication, validation, headroom, a list's page).

        On PostgreSQL it runs outside a transaction: in READ COMMITTED each statement sees
        its own snapshot either way, so the answers are the same, and every request saves
        the BEGIN and ROLLBACK round trips. On SQLite (where BEGIN is ours to emit) it is
        an ordinary read transaction.
        """
        if self.sqlite:
            with self.transaction(write=False) as session:
                yield session
            return
        session = self._single()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def connection_of(session: Session) -> Connection:
    """The session's connection, for a prebuilt Core statement on a hot path.

    Skips the ORM's execution path (worth a good share of a small query's CPU), but first
    flushes what the transaction added, as `session.execute` would, so no read misses it.
    """
    if session.autoflush and (session.new or session.deleted or session.dirty):
        session.flush()
    return session.connection()


def memo_of(session: Session) -> dict[str, Any]:
    """The session's Database.memo, or a fresh dict for a session made elsewhere."""
    database = session.info.get("relos.database")
    return database.memo if isinstance(database, Database) else {}


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit key for an advisory lock, from readable parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


HELD = "relos.db.held_locks"


@event.listens_for(Session, "after_transaction_end")
def _forget_held(session: Session, transaction: SessionTransaction) -> None:
    # A lock taken in a savepoint that rolls back is released with it: after the
    # transaction or any savepoint ends, a key is taken again rather than assumed held.
    # (A flush's own inner transaction, neither of these, releases nothing.)
    if transaction.parent is None or transaction.nested:
        session.info.pop(HELD, None)  # key -> held in shared mode only


def advisory_lock(session: Session, *parts: str) -> None:
    """Serialise writers on one key until the transaction ends.

    On PostgreSQL a transaction-scoped advisory lock; on SQLite nothing is needed because
    every write transaction already holds the database's reserved lock (BEGIN IMMEDIATE).
    """
    advisory_locks(session, [parts])


LOCKS_PER_STATEMENT = 1000
KEPT_LOCK_SHAPE = 16
_LOCK_STATEMENTS: dict[tuple[bool, ...], TextClause] = {}


def _lock_statement(shared: tuple[bool, ...]) -> TextClause:
    """`SELECT pg_advisory_xact_lock(:k0), ...` for these modes, built once per common shape
    (a few keys; the shapes of large filings, which vary, are not kept)."""
    statement = _LOCK_STATEMENTS.get(shared)
    if statement is None:
        # The select list is evaluated left to right: the locks are taken in this order.
        calls = ", ".join(
            f"pg_advisory_xact_lock{'_shared' if is_shared else ''}(:k{i})"
            for i, is_shared in enumerate(shared)
        )
        statement = text(f"SELECT {calls}")
        if len(shared) <= KEPT_LOCK_SHAPE:
            _LOCK_STATEMENTS.setdefault(shared, statement)
    return statement


def advisory_locks(
    session: Session, keys: Iterable[Sequence[str]], shared: Iterable[Sequence[str]] = ()
) -> None:
    """Take several keys' locks, a thousand per statement: `keys` exclusive, `shared` shared.

    The locks are taken sorted by their readable parts (both modes together): every writer
    takes its keys in this one order, so two writers never wait on each other crosswise.
    A shared key conflicts only with the same key taken exclusively (see
    deployments/contention.py for why a filing takes some). A key this transaction already
    holds (exclusively, or shared when shared is asked) is not asked for again: the record
    path takes its log's key once for the event log and the signed log alike.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    modes = {tuple(parts): True for parts in shared}
    modes.update({tuple(parts): False for parts in keys})  # exclusive wins over shared
    held: dict[int, bool] = session.info.setdefault(HELD, {})
    wanted: dict[int, bool] = {}
    for parts, is_shared in sorted(modes.items()):
        key = lock_key(*parts)
        if key in held and (is_shared or not held[key]):
            continue
        wanted[key] = is_shared
    if not wanted:
        return
    connection = connection_of(session)
    ordered = list(wanted.items())
    # PostgreSQL's select list holds at most 1,664 entries: a filing of hundreds of
    # elements takes its keys in several statements, still in the one order.
    for at in range(0, len(ordered), LOCKS_PER_STATEMENT):
        chunk = ordered[at : at + LOCKS_PER_STATEMENT]
        statement = _lock_statement(tuple(is_shared for _, is_shared in chunk))
        connection.execute(statement, {f"k{i}": key for i, (key, _) in enumerate(chunk)})
    for key, is_shared in wanted.items():
        held[key] = held.get(key, True) and is_shared
