"""A worker's request threads: changes before reads, reads never starved, places kept."""

from __future__ import annotations

import asyncio
import time

import anyio
import pytest
from anyio import to_thread

from relos.app import bound_request_threads
from relos.kit.guard import RequestContext, current
from relos.kit.turns import ChangesFirst, is_change


def _as(method: str, path: str) -> None:
    current.set(RequestContext("rid", time.monotonic() + 30, method, path))


async def _served(limiter: ChangesFirst, name: str, method: str, order: list[str]) -> None:
    _as(method, f"/api/v1/{name}")
    async with limiter:
        order.append(name)
        await asyncio.sleep(0)


async def _queue(limiter: ChangesFirst, *requests: tuple[str, str]) -> list[str]:
    """Hold the only place, queue the requests in this order, then let go."""
    order: list[str] = []
    _as("GET", "/api/v1/holder")
    async with limiter:
        tasks = []
        for name, method in requests:
            tasks.append(asyncio.create_task(_served(limiter, name, method, order)))
            await asyncio.sleep(0)  # queued in this order
        assert limiter.borrowed_tokens == 1
    await asyncio.gather(*tasks)
    assert limiter.borrowed_tokens == 0
    return order


def test_waiting_changes_go_before_waiting_reads_each_in_arrival_order() -> None:
    requests = [
        ("list", "GET"),
        ("headroom", "GET"),
        ("deployments", "POST"),
        ("amend", "PATCH"),
        ("audit", "GET"),
    ]
    order = asyncio.run(_queue(ChangesFirst(1), *requests))
    assert order == ["deployments", "amend", "list", "headroom", "audit"]


def test_with_nothing_queued_places_are_taken_at_once_up_to_the_bound() -> None:
    async def main() -> None:
        limiter = ChangesFirst(2)
        _as("GET", "/api/v1/x")
        async with limiter, limiter:
            assert limiter.available_tokens == 0
            waiter = asyncio.create_task(limiter.__aenter__())
            await asyncio.sleep(0.01)
            assert not waiter.done() and limiter.waiting == (0, 1)
        await waiter
        assert limiter.borrowed_tokens == 1
        await limiter.__aexit__(None, None, None)
        assert limiter.borrowed_tokens == 0

    asyncio.run(main())


def test_a_read_that_waited_its_patience_goes_before_later_changes() -> None:
    async def main() -> list[str]:
        limiter = ChangesFirst(1, read_patience_s=0.05)
        order: list[str] = []
        _as("GET", "/api/v1/holder")
        async with limiter:
            read = asyncio.create_task(_served(limiter, "list", "GET", order))
            await asyncio.sleep(0.1)  # the read has waited longer than its patience
            change = asyncio.create_task(_served(limiter, "deployments", "POST", order))
            await asyncio.sleep(0)
        await asyncio.gather(read, change)
        return order

    assert asyncio.run(main()) == ["list", "deployments"]


def test_a_cancelled_waiter_neither_keeps_nor_loses_a_place() -> None:
    async def main() -> None:
        limiter = ChangesFirst(1)
        order: list[str] = []
        _as("GET", "/api/v1/holder")
        async with limiter:
            gone = asyncio.create_task(_served(limiter, "gone", "POST", order))
            later = asyncio.create_task(_served(limiter, "later", "GET", order))
            await asyncio.sleep(0)
            gone.cancel()
        # Cancelled before the place was handed over: the read behind it gets the place.
        with pytest.raises(asyncio.CancelledError):
            await gone
        await later
        assert order == ["later"] and limiter.borrowed_tokens == 0

        # Cancelled just as the place was handed over: it is passed on, not lost.
        _as("GET", "/api/v1/holder")
        async with limiter:
            handed = asyncio.create_task(_served(limiter, "handed", "POST", order))
            after = asyncio.create_task(_served(limiter, "after", "GET", order))
            await asyncio.sleep(0)
        handed.cancel()  # its turn was set by the release above, before it could run
        with pytest.raises(asyncio.CancelledError):
            await handed
        await after
        assert order == ["later", "after"] and limiter.borrowed_tokens == 0

    asyncio.run(main())


@pytest.mark.parametrize(
    ("method", "path", "change"),
    [
        ("POST", "/api/v1/deployments", True),
        ("PATCH", "/api/v1/deployments/dep_1", True),
        ("DELETE", "/api/v1/tokens/3", True),
        ("POST", "/api/v1/deployments/validate", False),
        ("POST", "/api/v1/plans/route", False),
        ("GET", "/api/v1/deployments", False),
    ],
)
def test_what_counts_as_a_change(method: str, path: str, change: bool) -> None:
    async def main() -> bool:
        _as(method, path)
        return is_change()

    assert asyncio.run(main()) is change


def test_outside_a_request_nothing_is_a_change() -> None:
    async def main() -> bool:
        current.set(None)
        return is_change()

    assert asyncio.run(main()) is False


def test_the_server_installs_it_as_the_loops_thread_limiter() -> None:
    async def main() -> None:
        bound_request_threads(3)
        limiter = to_thread.current_default_thread_limiter()
        assert isinstance(limiter, ChangesFirst) and limiter.total_tokens == 3
        assert await to_thread.run_sync(lambda: 42) == 42
        assert limiter.borrowed_tokens == 0

    anyio.run(main)
