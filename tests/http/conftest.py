"""The fixtures of the HTTP tests: the GraphQL tests' `api` (the app over httpx, in process), and the
app under a real uvicorn on a loopback port with a client that keeps one connection open."""

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import uvicorn
from starlette.types import ASGIApp

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from tests.graphql.conftest import api

__all__ = ["api", "live"]


@dataclass
class Answer:
    """An HTTP response as read off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes


class KeepAliveClient:
    """HTTP/1.1 over one TCP connection, so a test sees whether the server kept it open."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def post(self, body: bytes, *, token: str | None, content_type: str = "application/json") -> Answer:
        """POST /graphql on the open connection and read the whole answer."""
        headers = [
            "POST /graphql HTTP/1.1",
            "Host: 127.0.0.1",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
        ]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        return await self._read_answer()

    async def _read_answer(self) -> Answer:
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout=30)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        fields = dict(line.split(": ", 1) for line in lines if line)
        answer_headers = {name.lower(): value for name, value in fields.items()}
        length = int(answer_headers.get("content-length", "0"))
        body = await asyncio.wait_for(self.reader.readexactly(length), timeout=30)
        return Answer(status=int(status_line.split()[1]), headers=answer_headers, body=body)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@dataclass
class LiveServer:
    """The app served by uvicorn on 127.0.0.1:port."""

    port: int
    database: Database

    async def connect(self) -> KeepAliveClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        return KeepAliveClient(reader, writer)


async def serve(app: ASGIApp, *, database: Database) -> AsyncIterator[LiveServer]:
    """Serve `app` under uvicorn in this event loop until the caller is done."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(port=sock.getsockname()[1], database=database)
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def live(database: Database) -> AsyncIterator[LiveServer]:
    """The app over the test database, under uvicorn."""
    async for server in serve(create_app(Settings(environment="test"), database), database=database):
        yield server
