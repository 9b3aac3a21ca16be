"""Liveness (/healthz) and readiness (/readyz) for load balancers and orchestrators.

/healthz only says the process answers. /readyz says whether this process can serve: the
database is reachable and its schema is at the newest migration (SPEC 14). What degrades the
service without stopping it is a warning in the body, with 200: a China working-day calendar
that does not know this year or the next (deadlines then count Monday-Friday). A load balancer
must not take every replica out because a package lacks next year's holidays. Neither endpoint
needs a token; neither reveals more than what is wrong.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from invoice_graph.db.migrate import is_at_head
from invoice_graph.domain.workdays import calendar_covers, today_cst
from invoice_graph.services import Database, is_database_unavailable

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0
OK = "ok"


async def healthz(_: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": OK})


async def _database_problem(database: Database) -> str | None:
    """None when the database answers, else what is wrong with it."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            async with database.read() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception as error:
        if not is_database_unavailable(error):
            logger.exception("readiness: unexpected database error")
        return f"unreachable: {type(error).__name__}"
    return None


async def _migrations_problem(database: Database) -> str | None:
    """None when every migration is applied, else what to do."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            current = await is_at_head(database.engine)
    except Exception as error:
        return f"could not be checked: {type(error).__name__}"
    return None if current else "behind: run `invoice-graph migrate`"


def _calendar_problem(year: int) -> str | None:
    """None when the official calendar knows this year and the next, else which year it lacks."""
    missing = [str(each) for each in (year, year + 1) if not calendar_covers(each)]
    if not missing:
        return None
    return (
        f"no official holidays for {', '.join(missing)} (counting Monday-Friday); "
        "add them with HOLIDAYS_FILE or upgrade chinesecalendar"
    )


async def check_readiness(database: Database) -> dict[str, str]:
    """Run every check that decides readiness.

    Args:
        database: the database this process serves from.

    Returns:
        Each check's name and "ok", or what is wrong with it.
    """
    problem = await _database_problem(database)
    migrations = "not checked: no database" if problem else await _migrations_problem(database)
    return {"database": problem or OK, "migrations": migrations or OK}


def readiness_warnings() -> dict[str, str]:
    """What degrades the service without stopping it: each warning's name and what to do."""
    calendar = _calendar_problem(today_cst().year)
    return {"calendar": calendar} if calendar else {}


def readiness_endpoint(database: Database) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The /readyz endpoint over a database: 200 when every check is ok (warnings or not), else 503."""

    async def readyz(_: Request) -> JSONResponse:
        checks = await check_readiness(database)
        ready = all(value == OK for value in checks.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": checks,
            "warnings": readiness_warnings(),
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    return readyz
