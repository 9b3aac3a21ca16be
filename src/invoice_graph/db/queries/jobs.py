"""Background jobs (SPEC section 12): queued in the caller's transaction, claimed with SKIP LOCKED.

A claim adds one to `attempts`, so a job's id and its attempts name one claim: a worker settles
(finishes, retries or fails) only its own claim, and one whose lease ran out while it was still
working (another worker has claimed the job since) changes nothing.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.records import record_columns, to_records
from invoice_graph.db.tables import jobs

# The channel told of every job that is due at once; the runners LISTEN on it.
JOBS_CHANNEL = "invoice_graph_jobs"
# How much of a failure is kept: the exception's type and message on one line.
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job as a worker claimed it; `attempts` counts this attempt (1 on the first run)."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


_CLAIMED = record_columns(ClaimedJob, jobs)


async def enqueue_job(
    *,
    connection: AsyncConnection,
    kind: str,
    payload: dict[str, Any],
    max_attempts: int = 10,
    delay_seconds: float = 0.0,
) -> int:
    """Queue a job in the caller's transaction (it runs only if that commits); returns its id.

    A job due at once also notifies the runners, which PostgreSQL delivers at commit.
    """
    query = (
        jobs.insert()
        .values(
            kind=kind,
            payload=payload,
            max_attempts=max_attempts,
            run_at=func.now() + timedelta(seconds=max(delay_seconds, 0.0)),
        )
        .returning(jobs.c.id)
    )
    job_id = int((await connection.execute(query)).scalar_one())
    if delay_seconds <= 0:
        await connection.execute(select(func.pg_notify(JOBS_CHANNEL, "")))
    return job_id


async def claim_jobs(
    *,
    connection: AsyncConnection,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    kinds: Collection[str] | None = None,
) -> list[ClaimedJob]:
    """Claim up to `limit` due jobs (of these kinds; None: any) for `lease_seconds`, oldest due first.

    Due: queued, its `run_at` passed and no live lease (a lease that ran out is a worker that
    died). Rows other transactions are claiming are skipped, so concurrent workers never claim
    one job twice. The caller commits before running them.
    """
    now = func.now()
    due = (
        select(jobs.c.id)
        .where(
            jobs.c.status == "QUEUED",
            jobs.c.run_at <= now,
            or_(jobs.c.locked_until.is_(None), jobs.c.locked_until <= now),
        )
        .order_by(jobs.c.run_at, jobs.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if kinds is not None:
        due = due.where(jobs.c.kind.in_(kinds))
    # Materialised, so the locking SELECT runs once and its LIMIT holds.
    chosen = due.cte("due").prefix_with("MATERIALIZED")
    query = (
        jobs.update()
        .where(jobs.c.id == chosen.c.id)
        .values(
            attempts=jobs.c.attempts + 1,
            locked_until=now + timedelta(seconds=lease_seconds),
            locked_by=worker_id,
        )
        .returning(*_CLAIMED)
    )
    claimed = to_records(ClaimedJob, await connection.execute(query))
    return sorted(claimed, key=lambda job: job.id)


def _claim_of(job_id: int, attempt: int) -> list[ColumnElement[bool]]:
    """The job while it is still under this claim."""
    return [jobs.c.id == job_id, jobs.c.attempts == attempt, jobs.c.status == "QUEUED"]


def _one_line(error: str) -> str:
    """An error summary on one line, truncated."""
    line = " ".join(error.split())
    return line if len(line) <= MAX_ERROR_LENGTH else line[: MAX_ERROR_LENGTH - 1] + "…"


async def finish_job(*, connection: AsyncConnection, job_id: int, attempt: int) -> bool:
    """Mark a claimed job DONE; False when the claim was lost (its lease ran out and it was reclaimed)."""
    query = (
        jobs.update()
        .where(*_claim_of(job_id, attempt))
        .values(status="DONE", finished_at=func.now(), locked_until=None)
    )
    return bool((await connection.execute(query)).rowcount)


async def retry_job(
    *, connection: AsyncConnection, job_id: int, attempt: int, delay_seconds: float, error: str
) -> bool:
    """Queue a claimed job again in `delay_seconds`, noting why it failed; False when the claim was lost."""
    query = (
        jobs.update()
        .where(*_claim_of(job_id, attempt))
        .values(
            run_at=func.now() + timedelta(seconds=max(delay_seconds, 0.0)),
            locked_until=None,
            last_error=_one_line(error),
        )
    )
    return bool((await connection.execute(query)).rowcount)


async def fail_job(*, connection: AsyncConnection, job_id: int, attempt: int, error: str) -> bool:
    """Mark a claimed job FAILED for good, recording why; False when the claim was lost."""
    query = (
        jobs.update()
        .where(*_claim_of(job_id, attempt))
        .values(status="FAILED", finished_at=func.now(), locked_until=None, last_error=_one_line(error))
    )
    return bool((await connection.execute(query)).rowcount)


async def count_jobs_by_status(*, connection: AsyncConnection, kind: str | None = None) -> dict[str, int]:
    """How many jobs (of this kind; None: any) are QUEUED, DONE and FAILED (every status present)."""
    query = select(jobs.c.status, func.count()).group_by(jobs.c.status)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    counts = {"QUEUED": 0, "DONE": 0, "FAILED": 0}
    counts.update({status: int(n) for status, n in await connection.execute(query)})
    return counts
