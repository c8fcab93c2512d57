"""The outermost layer of every request: its id, its limits, its log line and its metrics.

One pure ASGI middleware (not BaseHTTPMiddleware, so streaming and errors pass through) that
keeps one request from hurting the others:
- a body limit: a Content-Length over it, or a body that grows over it, is a 413 problem;
- a JSON nesting limit: deeper JSON is a 422 problem before any parser recurses into it;
- no NUL character in a body or query (PostgreSQL cannot store one; SQLite would): 422;
- a request timeout: the request's work is cancelled and the client gets a 503 problem;
- a client that leaves cancels its request: the database refuses further statements from it
  (see `cancel_point`), so a long import stops instead of holding locks for nobody;
- an unhandled error never tears down a kept-alive connection: the 500 is answered here and
  the connection stays usable.
Every request gets an id (X-Request-ID, kept from the client when it is a sane token), which
goes into the response header, the problem+json body and the one-line JSON access log.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Not from relos.kit.problems: kit.db imports this module, and the CLI need not load FastAPI.
from relos.kit.errors import PROBLEM_TYPE_BASE, RequestCancelled

access_log = logging.getLogger("relos.access")
log = logging.getLogger("relos")

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_NUL_ESCAPE = re.compile(rb"\\u0000", re.IGNORECASE)
_READ_HEADERS = frozenset({b"x-request-id", b"content-length", b"content-type"})
TOO_LONG = "the request took too long"
# A request still running after this long gets a watcher for its client leaving (see _serve).
WATCH_AFTER_S = 0.05


@dataclass
class RequestContext:
    """What the code serving one request may need to know about it."""

    request_id: str
    deadline: float
    method: str = "GET"
    path: str = ""
    cancelled: bool = False
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        """Raise RequestCancelled when the client left or the time is up."""
        if self.cancelled:
            raise RequestCancelled(self.reason)
        if time.monotonic() > self.deadline:
            self.cancelled, self.reason = True, TOO_LONG
            raise RequestCancelled(self.reason)


current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "relos_request", default=None
)


def request_id() -> str | None:
    context = current.get()
    return context.request_id if context else None


class _RequestIds:
    """Request ids as unique as uuid4's but without a system call each: a random prefix per
    process (renewed in a forked child) and a counter."""

    def __init__(self) -> None:
        self.renew()
        os.register_at_fork(after_in_child=self.renew)

    def renew(self) -> None:
        self.prefix = uuid.uuid4().hex[:20]
        self.count = itertools.count()

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.count):012x}"


next_request_id = _RequestIds()


def cancel_point() -> None:
    """Called before each database statement: stops work nobody is waiting for any more."""
    context = current.get()
    if context is not None:
        context.check()


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub(b'""', body)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def problem_bytes(status: int, slug: str, title: str, detail: str, rid: str) -> bytes:
    body = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": rid,
    }
    return json.dumps(body).encode()


Observer = Callable[[Scope, int, float], None]


class RequestGuard:
    """See the module docstring; `observe(scope, status, seconds)` feeds the metrics."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        max_json_depth: int,
        timeout_s: float,
        observe: Observer | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_depth = max_json_depth
        self.timeout = timeout_s
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.monotonic()
        # ASGI servers give header names in lower case; only these three are looked at.
        headers = {k: v for k, v in scope.get("headers", ()) if k in _READ_HEADERS}
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.match(given) else next_request_id()
        context = RequestContext(
            rid, began + self.timeout, scope.get("method", "GET"), scope.get("path", "")
        )
        token = current.set(context)
        scope.setdefault("state", {})["request_id"] = rid
        status = [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", rid.encode()),
                ]
            await send(message)

        async def answer(code: int, slug: str, title: str, detail: str) -> None:
            if status[0]:
                return  # too late to change the answer; the log line says what happened
            body = problem_bytes(code, slug, title, detail, rid)
            await send_with_id(
                {
                    "type": "http.response.start",
                    "status": code,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send_with_id({"type": "http.response.body", "body": body})

        try:
            refusal = self._refuse_early(scope, headers)
            if refusal:
                await answer(*refusal)
                return
            body_or_refusal = await self._read_body(receive, headers)
            if isinstance(body_or_refusal, tuple):
                await answer(*body_or_refusal)
                return
            await self._serve(
                scope,
                body_or_refusal,
                receive,
                send_with_id,
                context,
                answer,
                lambda: bool(status[0]),
            )
        finally:
            current.reset(token)
            seconds = time.monotonic() - began
            if self.observe is not None:
                self.observe(scope, status[0], seconds)
            access_log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "route": route_template(scope),
                    "status": status[0],
                    "duration_ms": round(seconds * 1000, 1),
                    "client": (scope.get("client") or ("", 0))[0],
                    **({"cancelled": context.reason} if context.cancelled else {}),
                },
            )

    def _refuse_early(
        self, scope: Scope, headers: dict[bytes, bytes]
    ) -> tuple[int, str, str, str] | None:
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return 400, "bad-request", "Bad request", "Content-Length is not a number"
            if declared > self.max_body:
                return self._too_large()
        query: bytes = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
            return 422, "invalid-input", "Invalid input", "a NUL character is not allowed"
        return None

    def _too_large(self) -> tuple[int, str, str, str]:
        return (
            413,
            "body-too-large",
            "Request body too large",
            f"the body is larger than the limit of {self.max_body} bytes",
        )

    async def _read_body(
        self, receive: Receive, headers: dict[bytes, bytes]
    ) -> bytes | tuple[int, str, str, str]:
        """The whole body, or why it is refused; the limit holds for chunked bodies too."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise asyncio.CancelledError
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"\x00" in body or _NUL_ESCAPE.search(body):
            return 422, "invalid-input", "Invalid input", "a NUL character is not allowed"
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if kind.endswith(b"json") or body.lstrip()[:1] in (b"[", b"{"):
            deepest = json_depth(body)
            if deepest > self.max_depth:
                return (
                    422,
                    "invalid-input",
                    "Invalid input",
                    f"JSON nested {deepest} deep; the limit is {self.max_depth}",
                )
        return body

    async def _serve(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        send: Send,
        context: RequestContext,
        answer: Callable[[int, str, str, str], Any],
        started: Callable[[], bool],
    ) -> None:
        """Run the app in this task; a timer stops it when the time is up, and a watcher (from
        WATCH_AFTER_S on) stops it when the client leaves. No task or wait per request: most
        requests end before either would have fired, and tasks cost every request CPU."""
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        delivered = working = False
        left = asyncio.Event()
        watcher: asyncio.Task[None] | None = None

        def stop(reason: str) -> None:
            if working and not context.cancelled:
                context.cancelled, context.reason = True, reason
                task.cancel()

        async def watch() -> None:
            # After the body, the only message left to receive is the client leaving.
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    left.set()
                    stop("the client left")  # not when it just hangs up after the answer
                    return

        def start_watching() -> None:
            nonlocal watcher
            if watcher is None:
                watcher = loop.create_task(watch())

        def time_up() -> None:
            if not started():  # once the answer has begun, it is let finish
                stop(TOO_LONG)

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            start_watching()  # the app listens for the client leaving (a streaming answer)
            await left.wait()
            return {"type": "http.disconnect"}

        timer = loop.call_later(max(0.0, context.deadline - time.monotonic()), time_up)
        watching = loop.call_later(WATCH_AFTER_S, start_watching)
        failure: BaseException | None = None
        working = True
        try:
            await self.app(scope, replay, send)
        except asyncio.CancelledError:
            if not context.cancelled:
                raise  # cancelled by the server (shutting down), not by this guard
            task.uncancel()
        except Exception as exc:
            failure = exc
        finally:
            working = False
            timer.cancel()
            watching.cancel()
            if watcher is not None:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
        if context.cancelled or isinstance(failure, RequestCancelled):
            if not left.is_set():
                detail = context.reason or str(failure)
                if context.reason == TOO_LONG:
                    detail = f"the request took longer than {self.timeout:g} s and was stopped"
                await answer(503, "timeout", "Request timed out", detail)
        elif failure is not None:
            # Starlette answered the 500 already and re-raises for the server's sake;
            # answering here keeps a kept-alive connection usable.
            await answer(500, "internal", "Internal error", "An internal error occurred.")


def route_template(scope: Scope) -> str:
    """The matched route's path template (/api/v1/deployments/{deployment_id}), or 'unmatched'.

    A template, never the raw path, so a metric's labels stay few however many ids exist.
    """
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    raw = str(scope.get("path", ""))
    if raw.startswith("/static/"):
        return "/static"
    return "unmatched"
