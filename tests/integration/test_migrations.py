"""The migrations build exactly the schema the tables declare."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import is_at_head
from invoice_graph.db.tables import metadata


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_migrations_match_the_tables(database: Database) -> None:
    # when the test database has been migrated to head
    assert await is_at_head(database.engine)
    # then autogenerate finds nothing to add, drop or change
    async with database.read() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
