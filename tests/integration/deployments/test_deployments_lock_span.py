"""On PostgreSQL a filing's locks cover the months its periods touch: a writer holding July's
keys does not hold up a filing for September of the same party, and does hold up one that
overlaps July (deployments/contention.py)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from tests.integration.deployments.deployment_bodies import filing, warship

from relos.deployments import screening
from relos.deployments.domain import Filing
from relos.deployments.schemas import FilingIn
from relos.kit.db import Database, advisory_locks
from relos.kit.timeutil import utcnow


def _filing(start: float, end: float) -> Filing:
    body = FilingIn.model_validate(filing(warship("W1", start, end)))
    return screening.filing_of(body, utcnow())


def _takes_without_waiting(database: Database, start: float, end: float) -> bool:
    with database.transaction() as session:
        session.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            screening.lock(session, _filing(start, end))
        except OperationalError as error:
            if "lock timeout" not in str(error):
                raise
            return False
        return True


CASES = [
    (62, 70, True),  # September: no month in common
    (400, 410, True),  # August 2028: another year
    (40, 45, True),  # August: the month after, no instant in July
    (10, 20, False),  # overlaps July
    (-40, 2, False),  # May to July
    (-200, 300, False),  # whole years 2026 to 2028, 2027 among them
]


def test_only_writers_in_the_same_months_wait(postgres_database: Database) -> None:
    with postgres_database.transaction() as holder:
        screening.lock(holder, _filing(0, 14))  # 1 to 15 July 2027, held until the end
        seen = [
            (start, end, _takes_without_waiting(postgres_database, start, end))
            for start, end, _ in CASES
        ]
    assert seen == CASES


def test_a_filing_of_hundreds_of_units_takes_its_keys(postgres_database: Database) -> None:
    body = FilingIn.model_validate(filing(*(warship(f"H{i}", 0, 40) for i in range(500))))
    with postgres_database.transaction() as session:
        screening.lock(session, screening.filing_of(body, utcnow()))
        held = session.execute(_ADVISORY_HELD).scalar_one()
    assert held == 502  # one all-time key per unit, the caps and the port: no thousands


def test_thousands_of_keys_are_taken_in_several_statements(postgres_database: Database) -> None:
    with postgres_database.transaction() as session:
        advisory_locks(session, [("test", str(i)) for i in range(2500)])
        assert session.execute(_ADVISORY_HELD).scalar_one() == 2500


_ADVISORY_HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
)
