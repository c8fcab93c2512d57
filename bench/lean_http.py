"""A lean HTTP/1.1 keep-alive client for the load bench: the server, not the client, is measured.

httpx builds a Request and a Response object, header maps and a URL per call; on a machine
whose two cores the server shares, that cost capped the bench at ~350 req/s of a trivial GET.
Here one asyncio Protocol per connection writes pre-encoded request heads (only the body
and its Content-Length change per request) and parses answers with httptools, the parser
uvicorn serves with. One request at a time per connection (no pipelining), as a client
that waits for each answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

import httptools


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class ConnectionClosed(ConnectionError):
    """The server closed the connection (or it broke) before the answer was complete."""


class _Protocol(asyncio.Protocol):
    """One connection; `exchange` sends a request and waits for its whole answer."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Answer] | None = None
        self.parts: list[bytes] = []
        self.closed: BaseException | None = None

    # asyncio's side
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's TCP transport is not an asyncio.Transport subclass, but behaves as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = exc or ConnectionClosed("the server closed the connection")
        self._fail(self.closed)

    # httptools' side (called from feed_data)
    def on_message_begin(self) -> None:
        self.parts = []

    def on_body(self, body: bytes) -> None:
        self.parts.append(body)

    def on_message_complete(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(Answer(self.parser.get_status_code(), b"".join(self.parts)))

    def _fail(self, exc: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    async def exchange(self, request: bytes) -> Answer:
        if self.closed is not None or self.transport is None:
            raise ConnectionClosed("the connection is closed")
        waiter: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self.waiter = waiter
        self.transport.write(request)
        return await waiter


class Client:
    """One keep-alive connection to host:port, reopened after the server closes it."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        common = {"Host": f"{host}:{port}", **(headers or {})}
        self.common = "".join(f"{k}: {v}\r\n" for k, v in common.items()).encode("latin-1")
        self.protocol: _Protocol | None = None

    def head(self, method: str, target: str, headers: dict[str, str] | None = None) -> bytes:
        """The request line and headers up to (not including) Content-Length, encoded once."""
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()).encode("latin-1")
        return f"{method} {target} HTTP/1.1\r\n".encode("latin-1") + self.common + extra

    async def send(self, head: bytes, body: bytes = b"") -> Answer:
        """Send head + Content-Length + body on the kept-alive connection; the whole answer."""
        if self.protocol is None or self.protocol.closed is not None:
            loop = asyncio.get_running_loop()
            _, self.protocol = await loop.create_connection(_Protocol, self.host, self.port)
        if body:
            request = head + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        else:
            request = head + b"\r\n"
        return await self.protocol.exchange(request)

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None
