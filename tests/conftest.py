"""Fixtures shared by every test level.

Each test run makes its own database: on the server named by TEST_DATABASE_URL (or
DATABASE_URL) when one is set, else in a fresh embedded PostgreSQL (pgserver) in a temporary
folder. Tests that use `database` start from empty tables.
"""

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from invoice_graph.config import Settings
from invoice_graph.db.embedded import start_embedded
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.db.tables import metadata


def _plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A database of this run's own, migrated to head."""
    server_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server_url:
        # Not under pytest's temp folder: a later pytest session resets its mode to 0700, and the
        # embedded server runs as its own user when the tests run as root.
        folder = Path(tempfile.mkdtemp(prefix="invoice-graph-test-"))
        folder.chmod(0o755)
        url, server = start_embedded(folder, database="invoice_graph_test")
        yield url
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
        return
    base = Settings(database_url=server_url).database_url
    assert base is not None
    name = f"invoice_graph_test_{uuid.uuid4().hex[:12]}"
    admin = _plain_dsn(base)
    _run_admin(admin, f'CREATE DATABASE "{name}"')
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    _run_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_admin(dsn: str, statement: str) -> None:
    import asyncio  # noqa: PLC0415 (only the session fixture needs a loop of its own)

    async def run() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
async def migrated_url(database_url: str) -> str:
    """The run's database URL after migrations."""
    database = Database.connect(database_url, pool_size=2)
    await migrate(database.engine)
    await database.dispose()
    return database_url


_TABLES = ", ".join(table.name for table in reversed(metadata.sorted_tables))


async def empty_database(database: Database) -> None:
    """Every table emptied, identities restarted."""
    async with database.transaction() as connection:
        await connection.exec_driver_sql(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")


@pytest.fixture
async def database(migrated_url: str) -> AsyncIterator[Database]:
    """The run's database, emptied before the test."""
    database = Database.connect(migrated_url, pool_size=5)
    await empty_database(database)
    yield database
    await database.dispose()
