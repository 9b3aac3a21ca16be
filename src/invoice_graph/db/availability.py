"""Telling "PostgreSQL is unreachable" apart from other failures, wherever it surfaces."""

import asyncpg
from sqlalchemy import exc

# What asyncpg raises when the server refuses, drops or is shutting down a connection.
_ASYNCPG_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
    asyncpg.ConnectionDoesNotExistError,  # the connection was closed under a query
)
_DEPTH = 8


def is_database_unavailable(error: BaseException | None) -> bool:
    """Tell whether an error means the database is down or unreachable (not a bug or bad data).

    Args:
        error: any exception, possibly wrapped by SQLAlchemy or chained with `raise ... from`.

    Returns:
        True for refused or dropped connections, connect and pool timeouts and server shutdowns.
        (OSError counts: on a request's path only sockets raise it.)
    """
    for _ in range(_DEPTH):
        if error is None:
            return False
        if isinstance(error, OSError | TimeoutError | exc.TimeoutError):
            return True
        if isinstance(error, _ASYNCPG_UNAVAILABLE):
            return True
        if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
            return True
        error = _cause(error)
    return False


def _cause(error: BaseException) -> BaseException | None:
    """The error this one wraps: SQLAlchemy's `orig` or an explicit `raise ... from` cause."""
    if isinstance(error, exc.StatementError) and error.orig is not None:
        return error.orig
    return error.__cause__


def violated_constraint(error: exc.IntegrityError) -> str | None:
    """The name of the unique index or constraint an IntegrityError violated, when asyncpg says."""
    cause = getattr(error.orig, "__cause__", None)
    return getattr(cause, "constraint_name", None)
