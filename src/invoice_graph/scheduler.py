"""Generating due statements on a timer inside the server (setting STATEMENT_SCHEDULE_SECONDS).

Several server processes may run the schedule at once: generation holds a PostgreSQL advisory
lock and is idempotent, so the first process generates a due month and the others find nothing
left to do. A failed run (the database is down, say) is logged and retried at the next tick.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from invoice_graph.db.engine import Database
from invoice_graph.http import metrics
from invoice_graph.services.statements import GenerationResult, generate_due_statements

logger = logging.getLogger(__name__)


async def generate_once(database: Database) -> GenerationResult | None:
    """Run one generation, count it in the metrics and log it; None when it failed."""
    try:
        result = await generate_due_statements(database)
    except Exception:
        metrics.record_generation(None)
        logger.exception("scheduled statement generation failed; retrying at the next tick")
        return None
    metrics.record_generation(result)
    if result.months:
        logger.info(
            "generated %d statement(s)",
            result.statements,
            extra={"fields": {"months": ", ".join(str(month) for month in result.months)}},
        )
    return result


async def run_schedule(database: Database, interval_seconds: float) -> None:
    """Generate due statements now and then every `interval_seconds`, until cancelled."""
    while True:
        await generate_once(database)
        await asyncio.sleep(interval_seconds)


@asynccontextmanager
async def statement_schedule(database: Database, interval_seconds: float | None) -> AsyncIterator[None]:
    """Run the schedule in the background for the duration of the block (not at all when off).

    Args:
        database: where to generate.
        interval_seconds: seconds between runs; None or 0 turns the schedule off.
    """
    if not interval_seconds:
        yield
        return
    task = asyncio.create_task(run_schedule(database, interval_seconds), name="statement-schedule")
    logger.info("generating due statements every %s seconds", interval_seconds)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
