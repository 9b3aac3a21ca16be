"""The database engine, and how a request or command reaches it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


@dataclass(frozen=True, slots=True)
class Database:
    """An engine for writes and an autocommit view of it for reads.

    Reads run outside a transaction, so each is one round trip with no BEGIN/ROLLBACK around it.
    Every read or unit of work takes its own connection: sibling GraphQL fields resolve
    concurrently and must not share one.
    """

    engine: AsyncEngine
    reader: AsyncEngine

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        pool_size: int = 10,
        statement_timeout_ms: int | None = None,
        connect_timeout: float = 3.0,
        pool_timeout: float = 5.0,
    ) -> "Database":
        """Create the engine for a postgresql+asyncpg URL (connections open lazily).

        The timeouts keep requests from hanging while PostgreSQL is unreachable. Connections are
        not pinged on checkout (a round trip per checkout); a connection found broken invalidates
        every older pooled one, so the pool refills by itself once the server is back.
        """
        server_settings = {"application_name": "invoice_graph"}
        if statement_timeout_ms:
            server_settings["statement_timeout"] = str(statement_timeout_ms)
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=False,
            pool_timeout=pool_timeout,
            connect_args={"server_settings": server_settings, "timeout": connect_timeout},
        )
        return cls(engine=engine, reader=engine.execution_options(isolation_level="AUTOCOMMIT"))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads, with no transaction around them."""
        async with self.reader.connect() as connection:
            yield connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A unit of work: commits when the block ends, rolls back if it raises."""
        async with self.engine.begin() as connection:
            yield connection

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
