"""A real HTTP server on loopback that records what webhooks POST to it, for tests."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.network import free_port


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the server received, and the statuses it answers with, in order (then 200)."""

    url: str
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def hook(self, path: str = "/hook") -> str:
        """The URL of a path on the receiver."""
        return f"{self.url}{path}"


@contextmanager
def receiving() -> Iterator[Receiver]:
    """A receiver under uvicorn on a free loopback port, in a thread with its own event loop."""
    port = free_port()
    receiver = Receiver(url=f"http://127.0.0.1:{port}")

    async def record(request: Request) -> Response:
        receiver.received.append(Received(request.url.path, dict(request.headers), await request.body()))
        status = receiver.statuses.pop(0) if receiver.statuses else 200
        return Response(status_code=status)

    app = Starlette(routes=[Route("/{path:path}", record, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=asyncio.run, args=(server.serve(),), daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the webhook receiver did not start")
        threading.Event().wait(0.02)
    try:
        yield receiver
    finally:
        server.should_exit = True
        thread.join(timeout=10)
