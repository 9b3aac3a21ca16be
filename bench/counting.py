"""Counting what each request sends to PostgreSQL, at the asyncpg protocol level.

Every call below is one round trip to the server (a simple query, a prepare, an execute of a
prepared statement...). The counts are taken in this process, over the real application
(`create_app`) and the floor, with warm pools and warm statement caches.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from starlette.types import ASGIApp

ROUND_TRIPS = frozenset(
    {"query", "prepare", "bind_execute", "bind_execute_many", "bind", "execute", "close_statement", "copy_in"}
)
EXECUTES = frozenset({"query", "bind_execute", "bind_execute_many", "execute", "copy_in"})


@dataclass
class Log:
    """The round trips seen, as (kind, SQL) pairs."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def statements(self) -> int:
        """How many SQL statements were executed."""
        return sum(1 for kind, _ in self.calls if kind in EXECUTES)

    def transaction_control(self) -> int:
        """How many BEGIN/COMMIT/ROLLBACK statements were sent."""
        return sum(
            1 for _, sql in self.calls if sql.split(" ", 1)[0].upper() in {"BEGIN", "COMMIT", "ROLLBACK"}
        )


def _sql_of(arguments: tuple[Any, ...]) -> str:
    for argument in arguments:
        if isinstance(argument, str) and " " in argument.strip():
            return argument.strip()
        query = getattr(argument, "query", None)
        if isinstance(query, str):
            return query.strip()
    return ""


class _CountingProtocol:
    """Forwards everything to asyncpg's protocol and logs the calls that reach the server."""

    def __init__(self, inner: Any, log: Log) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in ROUND_TRIPS:
            return attribute
        log: Log = self._log

        def logged(*arguments: Any, **keywords: Any) -> Any:
            log.calls.append((name, _sql_of(arguments)))
            return attribute(*arguments, **keywords)

        return logged


def watch(connection: asyncpg.Connection, log: Log) -> None:
    """Log the round trips of an asyncpg connection."""
    if not isinstance(connection._protocol, _CountingProtocol):  # type: ignore[attr-defined]
        connection._protocol = _CountingProtocol(connection._protocol, log)  # type: ignore[attr-defined]


def watch_engine(sync_engine: Any, log: Log) -> None:
    """Log the round trips of every connection a SQLAlchemy engine opens."""

    def on_connect(dbapi_connection: Any, _: Any) -> None:
        watch(dbapi_connection.driver_connection, log)

    event.listen(sync_engine, "connect", on_connect)


@dataclass(frozen=True, slots=True)
class Counted:
    """Round trips and statements per request (or per cycle), and the transaction controls."""

    round_trips: float
    statements: float
    transaction_control: float
    sample: list[tuple[str, str]]


async def count_per_request(
    app: ASGIApp,
    log: Log,
    send: Callable[[httpx.AsyncClient], Awaitable[None]],
    *,
    warmup: int = 5,
    measured: int = 10,
) -> Counted:
    """Send a request (or cycle) `warmup` times, then count the next `measured` ones."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(warmup):
            await send(client)
        log.calls.clear()
        for _ in range(measured):
            await send(client)
    calls = list(log.calls)
    seen = Log(calls)
    return Counted(
        round_trips=len(calls) / measured,
        statements=seen.statements() / measured,
        transaction_control=seen.transaction_control() / measured,
        sample=calls[: max(1, len(calls) // measured)],
    )
