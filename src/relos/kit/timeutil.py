"""RFC 3339 UTC times: parse strictly, format with a Z.

The supported range is what a UTC datetime can hold, 0001-01-01T00:00:00Z to
9999-12-31T23:59:59Z: an instant whose offset carries it outside (9999-12-31T23:00:00-05:00)
is invalid input, never an overflow deeper in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from relos.kit.errors import InvalidInput

SUPPORTED_RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z"


def utcnow() -> datetime:
    return datetime.now(UTC)


def in_utc(value: datetime, field: str = "time") -> datetime:
    """An aware datetime converted to UTC, or InvalidInput when UTC cannot hold it."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise InvalidInput(f"{field}: {value.isoformat()} is outside {SUPPORTED_RANGE}") from exc


def parse_instant(value: str, field: str = "time") -> datetime:
    """Parse an RFC 3339 time with an offset (or a bare date as midnight UTC) into UTC."""
    if len(value) > 64 or "\x00" in value:
        raise InvalidInput(f"{field}: not an RFC 3339 time")
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"{field}: {value!r} is not an RFC 3339 time") from exc
    if parsed.tzinfo is None:
        raise InvalidInput(f"{field}: {value!r} has no UTC offset")
    return in_utc(parsed, field)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (SQLite returns them) as UTC."""
    if value.tzinfo is UTC:  # every instant read through UTCDateTime: nothing to convert
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else in_utc(value)


def format_instant(value: datetime) -> str:
    """RFC 3339 with a Z, to the second, and always a four-digit year (isoformat pads the
    year, where strftime drops zeros before 1000); a list formats six per row."""
    return as_utc(value).isoformat(timespec="seconds")[:19] + "Z"


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)
