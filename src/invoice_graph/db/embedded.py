"""The embedded PostgreSQL used when no DATABASE_URL is configured (package pgserver)."""

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

DATABASE = "invoice_graph"
# pgserver logs every pg_ctl run and its whole output at INFO (at each start and stop); its
# failures (ERROR, with pg_ctl's output) and its fallback to killing the server (WARNING) still show.
logging.getLogger("pgserver").setLevel(logging.WARNING)


def _private_runtime_dir() -> None:
    """Give pgserver a private runtime folder; platformdirs warns when it has none or a shared one."""
    current = os.environ.get("XDG_RUNTIME_DIR")
    if current and Path(current).is_dir() and (Path(current).stat().st_mode & 0o777) == 0o700:
        return
    folder = Path(tempfile.gettempdir()) / f"invoice-graph-runtime-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(folder)


def start_embedded(data_dir: Path, *, database: str = DATABASE) -> tuple[str, Any]:
    """Start (or join) the embedded server kept in data_dir and make sure `database` exists.

    Args:
        data_dir: the folder that holds the cluster; created on first use.
        database: the database to use inside it.

    Returns:
        A postgresql+asyncpg URL of the database over the server's Unix socket, and the server
        handle; the server stops when the last process using it exits.
    """
    _private_runtime_dir()
    import pgserver  # noqa: PLC0415 (needs the runtime folder)

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir.resolve() / "pgdata"
    server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
    # The database name is the project's own constant (or a test's), never outside input.
    found = server.psql(f"SELECT 'found' FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "found" not in found:
        server.psql(f'CREATE DATABASE "{database}";')
    uri: str = server.get_uri(database)
    return uri.replace("postgresql://postgres:@", "postgresql+asyncpg://postgres@", 1), server


def resolve_database_url(database_url: str | None, data_dir: Path) -> tuple[str, Any]:
    """The configured DATABASE_URL, or the embedded server's when none is configured.

    Returns:
        The URL and the embedded server handle (None with a configured URL); keep the handle
        referenced while the database is in use.
    """
    if database_url:
        return database_url, None
    return start_embedded(data_dir)
