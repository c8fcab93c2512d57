from __future__ import annotations

from datetime import UTC, datetime, timedelta

from relos.access.ratelimit import Limits, LoginLimiter, limiter_for

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def limiter() -> LoginLimiter:
    return LoginLimiter(Limits(window=timedelta(minutes=15), per_pair=3, per_client=5, per_name=7))


def fail(lim: LoginLimiter, name: str, client: str, times: int, at: datetime = T0) -> None:
    for _ in range(times):
        lim.failed(name, client, at)


def test_pair_blocks_after_its_limit_and_frees_after_the_window() -> None:
    lim = limiter()
    fail(lim, "in-admin", "10.0.0.1", 2)
    assert not lim.blocked("in-admin", "10.0.0.1", T0)
    fail(lim, "in-admin", "10.0.0.1", 1)
    assert lim.blocked("in-admin", "10.0.0.1", T0)
    assert lim.blocked("IN-ADMIN", "10.0.0.1", T0), "names compare without case"
    assert not lim.blocked("in-admin", "10.0.0.2", T0), "another client may still try"
    assert not lim.blocked("in-admin", "10.0.0.1", T0 + timedelta(minutes=15))


def test_one_client_guessing_many_names_is_stopped() -> None:
    lim = limiter()
    for i in range(5):
        fail(lim, f"user{i}", "10.0.0.9", 1)
    assert lim.blocked("user99", "10.0.0.9", T0)


def test_many_clients_guessing_one_name_are_stopped() -> None:
    lim = limiter()
    for i in range(7):
        fail(lim, "ru-finance", f"10.1.0.{i}", 1)
    assert lim.blocked("ru-finance", "10.1.0.200", T0)
    assert not lim.blocked("ru-auditor", "10.1.0.200", T0)


def test_success_clears_the_pair_only() -> None:
    lim = limiter()
    fail(lim, "a", "c", 3)
    lim.succeeded("a", "c")
    assert not lim.blocked("a", "c", T0)


def test_memory_stays_bounded_under_made_up_names() -> None:
    lim = LoginLimiter(Limits(window=timedelta(minutes=1)), max_keys=30)
    for i in range(100):
        lim.failed(f"n{i}", f"c{i}", T0 + timedelta(minutes=2 * i))
    assert len(lim._failures) <= 33


def test_one_limiter_per_database() -> None:
    assert limiter_for("sqlite:///a") is limiter_for("sqlite:///a")
    assert limiter_for("sqlite:///a") is not limiter_for("sqlite:///b")
