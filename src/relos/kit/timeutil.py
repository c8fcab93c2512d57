"""RFC 3339 UTC times: parse strictly, format with a Z."""

from __future__ import annotations

from datetime import UTC, date, datetime

from relos.kit.errors import InvalidInput


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_instant(value: str, field: str = "time") -> datetime:
    """Parse an RFC 3339 time with an offset (or a bare date as midnight UTC) into UTC."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"{field}: {value!r} is not an RFC 3339 time") from exc
    if parsed.tzinfo is None:
        raise InvalidInput(f"{field}: {value!r} has no UTC offset")
    return parsed.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (SQLite returns them) as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_instant(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)
