"""Whose turn for a request thread: a worker's queue serves changes before reads.

A worker runs at most `threads` sync routes at once (see relos.app.bound_request_threads);
the others wait on the event loop. AnyIO's own limiter serves them first come, first
served, so under load a filing waited behind every read queued before it, and then again
for its agreement's event-log lock. Here a waiting change (POST, PUT, PATCH or DELETE, but
not the POSTs that only compute an answer: validation and plans) goes before the waiting
reads, so a change waits for its lock, not for the reads. Among changes, and among reads,
first come first served. A read that has waited READ_PATIENCE_S goes before the changes, so
a flood of changes cannot starve reads: they only wait a little longer. (Keeping a place
for reads, at most one change per thread but one, made the changes the bottleneck: filing
p50 250-450 ms in the load bench.)
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from types import TracebackType

from relos.kit.guard import current

CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POST routes that change nothing: they take a body, as a question too large for a URL.
COMPUTATIONS = frozenset(
    {"/api/v1/deployments/validate", "/api/v1/plans/route", "/api/v1/plans/reach"}
)
READ_PATIENCE_S = 0.5


class ChangesFirst:
    """An async context manager of `total_tokens` places (what AnyIO's `to_thread.run_sync`
    needs of a limiter), handed out changes first."""

    def __init__(self, total_tokens: int, read_patience_s: float = READ_PATIENCE_S) -> None:
        self.total_tokens = total_tokens
        self.borrowed_tokens = 0
        self.read_patience_s = read_patience_s
        self._changes: deque[asyncio.Future[None]] = deque()
        self._reads: deque[tuple[float, asyncio.Future[None]]] = deque()

    @property
    def available_tokens(self) -> int:
        return self.total_tokens - self.borrowed_tokens

    @property
    def waiting(self) -> tuple[int, int]:
        """How many changes and reads wait for a place."""
        return len(self._changes), len(self._reads)

    async def __aenter__(self) -> None:
        change = is_change()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if change:
            self._changes.append(turn)
        else:
            self._reads.append((time.monotonic(), turn))
        self._hand_out()
        if turn.done():
            return  # a free place, at once
        try:
            await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._release()  # the place came as the wait was cancelled: pass it on
            elif change:
                if turn in self._changes:
                    self._changes.remove(turn)
            else:
                self._reads = deque(item for item in self._reads if item[1] is not turn)
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        self.borrowed_tokens -= 1
        self._hand_out()

    def _hand_out(self) -> None:
        """Give free places to the waiters whose turn it is."""
        while self.borrowed_tokens < self.total_tokens:
            turn = self._next()
            if turn is None:
                return
            if turn.done():
                continue  # cancelled while waiting, not yet taken out of the queue
            self.borrowed_tokens += 1
            turn.set_result(None)

    def _next(self) -> asyncio.Future[None] | None:
        impatient = bool(self._reads) and (
            time.monotonic() - self._reads[0][0] >= self.read_patience_s
        )
        if self._changes and not impatient:
            return self._changes.popleft()
        if self._reads:
            return self._reads.popleft()[1]
        return None


def is_change() -> bool:
    """Whether the request being served may change something (see the module docstring)."""
    context = current.get()
    return context is not None and context.method in CHANGES and context.path not in COMPUTATIONS
