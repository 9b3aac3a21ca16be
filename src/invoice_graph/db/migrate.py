"""Bringing a database's schema to the newest migration (Alembic)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Several processes may start at once (server replicas); one migrates while the others wait.
_MIGRATION_LOCK = 7_401_100


def alembic_config() -> Config:
    """The Alembic configuration of the project's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Apply every pending migration, holding a lock so concurrent starts migrate once."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def is_at_head(engine: AsyncEngine) -> bool:
    """Whether the database has every migration applied."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    return current == set(ScriptDirectory.from_config(alembic_config()).get_heads())
