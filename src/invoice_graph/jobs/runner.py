"""The job runner: claims due jobs from PostgreSQL and runs them, in any number of processes.

A claim is committed before its handler runs, and the handler runs outside that transaction; a
job is then DONE, queued again with exponential backoff and full jitter (or after the delay its
handler asked for, with `RetryJobError`), or FAILED. A claim is a lease: a job whose process died
is claimed again once its lease has passed, so a job runs at least once (and handlers must be
safe to repeat). The runner wakes at once on NOTIFY from `enqueue_job`, over a LISTEN connection
of its own, and polls every JOB_POLL_SECONDS besides: for retries that came due, for jobs of dead
workers, and for everything when LISTEN is lost.
"""

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from invoice_graph.config import Settings
from invoice_graph.db.queries.jobs import (
    JOBS_CHANNEL,
    ClaimedJob,
    claim_jobs,
    fail_job,
    finish_job,
    retry_job,
)
from invoice_graph.http import metrics
from invoice_graph.services import Database, is_database_unavailable

logger = logging.getLogger(__name__)

# A handler is stopped before its lease runs out, so that no other worker starts the job meanwhile.
HANDLER_SHARE_OF_LEASE = 0.9
# How soon a lost (or refused) LISTEN connection is tried again; polling goes on meanwhile.
LISTEN_RETRY_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler is given besides its payload."""

    database: Database
    settings: Settings
    job_id: int
    attempt: int  # 1 on the first run
    max_attempts: int

    @property
    def is_last_attempt(self) -> bool:
        """True when failing now fails the job for good."""
        return self.attempt >= self.max_attempts


class PermanentJobError(Exception):
    """Raised by a handler: do not retry."""


class RetryJobError(Exception):
    """Raised by a handler: retry after `delay_seconds` (a schedule of its own), not the backoff.

    The handler has logged the failure already, so the runner logs it without a traceback.
    """

    def __init__(self, message: str, *, delay_seconds: float) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """How long to wait after failed attempt `attempt` (1, 2, ...): exponential, with full jitter.

    Uniform in [0, min(cap, base * 2 ** (attempt - 1))], so that jobs failing together (an outage
    of what they call) spread their retries out instead of coming back at once.
    """
    return rng.uniform(0.0, min(cap, base * 2.0 ** min(attempt - 1, 64)))


def error_summary(error: BaseException) -> str:
    """An exception as one line: its type and its message."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def listen_dsn(database: Database) -> str:
    """The database's URL for a plain asyncpg connection."""
    return database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class JobRunner:
    """Claims due jobs and runs each with its kind's handler, at most JOB_CONCURRENCY at once."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        handlers: Mapping[str, Handler],
        *,
        worker_id: str | None = None,
        backoff_base_seconds: float = 5.0,
        backoff_cap_seconds: float = 3600.0,
        rng: random.Random | None = None,
    ) -> None:
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._database = database
        self._settings = settings
        self._handlers = dict(handlers)
        self._backoff = (backoff_base_seconds, backoff_cap_seconds)
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not a secret)
        self._running: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._claiming = asyncio.Lock()
        self._stopping = False
        self._listener: asyncpg.Connection | None = None
        self._listen_tried_at: float | None = None
        self._database_down = False

    async def run_once(self) -> int:
        """Claim the jobs due now (as many as there are free slots), run them; how many ran."""
        async with self._claiming:
            claimed = await self._claim(self._free_slots())
            tasks = [self._start(job) for job in claimed]
        await asyncio.gather(*tasks)
        return len(claimed)

    async def run(self) -> None:
        """Claim and run due jobs until `stop()` is called or the task is cancelled."""
        try:
            while not self._stopping:
                await self._listen()
                self._wake.clear()
                free = self._free_slots()
                if free and await self._claim_and_start(free) == free:
                    continue  # a full batch: more may be due
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._settings.job_poll_seconds):
                        await self._wake.wait()  # a NOTIFY, a finished job or stop()
        except asyncio.CancelledError:
            await self._cancel_running()
            raise
        finally:
            await self._unlisten()

    async def stop(self, grace_seconds: float) -> None:
        """Stop claiming; wait up to `grace_seconds` for the running jobs, then cancel the rest.

        A cancelled job keeps its lease, and runs again (here or elsewhere) once that has passed.
        """
        self._stopping = True
        self._wake.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace_seconds):
                async with self._claiming:  # a claim in progress starts its jobs first
                    pass
                if self._running:
                    await asyncio.wait(set(self._running))
        if left := await self._cancel_running():
            logger.warning(
                "stopped %d job(s) still running after %s s; they run again once their lease has passed",
                left,
                grace_seconds,
                extra={"fields": {"worker_id": self.worker_id}},
            )

    def _free_slots(self) -> int:
        return max(self._settings.job_concurrency - len(self._running), 0)

    async def _claim(self, limit: int) -> list[ClaimedJob]:
        """Claim up to `limit` due jobs, committed as claimed before any of them runs."""
        if limit <= 0:
            return []
        async with self._database.transaction() as connection:
            return await claim_jobs(
                connection=connection,
                worker_id=self.worker_id,
                limit=limit,
                lease_seconds=self._settings.job_lease_seconds,
                kinds=None,  # every kind: one without a handler fails rather than waiting forever
            )

    async def _claim_and_start(self, limit: int) -> int:
        """Claim and start due jobs; how many. A failed claim is logged and counts as none."""
        async with self._claiming:
            if self._stopping:
                return 0
            try:
                claimed = await self._claim(limit)
            except Exception as error:
                self._log_claim_failure(error)
                return 0
            if self._database_down:
                self._database_down = False
                logger.info("jobs: the database answers again")
            for job in claimed:
                self._start(job)
            return len(claimed)

    def _log_claim_failure(self, error: Exception) -> None:
        """Log an outage once, when it starts; any other failure (a fault) every time."""
        if not is_database_unavailable(error):
            logger.exception("jobs: claiming failed; trying again in %s s", self._settings.job_poll_seconds)
        elif not self._database_down:
            self._database_down = True
            logger.warning(
                "jobs: the database is unavailable (%s); trying again every %s s",
                error_summary(error),
                self._settings.job_poll_seconds,
            )

    def _start(self, job: ClaimedJob) -> asyncio.Task[None]:
        task = asyncio.create_task(self._run_job(job), name=f"job-{job.id}")
        self._running.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        self._wake.set()  # a free slot

    async def _cancel_running(self) -> int:
        """Cancel the running jobs and wait for them to end; how many there were."""
        tasks = [task for task in self._running if not task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return len(tasks)

    async def _run_job(self, job: ClaimedJob) -> None:
        """Run one claimed job and record its outcome (logged if that fails: the lease runs out)."""
        error = await self._call_handler(job)
        fields = {"job_id": job.id, "kind": job.kind, "attempt": job.attempts, "worker_id": self.worker_id}
        try:
            outcome = await self._settle(job, error, fields)
        except Exception:
            logger.exception(
                "jobs: could not record how job %d went; it runs again once its lease has passed",
                job.id,
                extra={"fields": fields},
            )
            return
        if outcome is not None:
            metrics.record_job(job.kind if job.kind in self._handlers else "unknown", outcome)

    async def _call_handler(self, job: ClaimedJob) -> Exception | None:
        """Run the job's handler; what it raised, or None when it succeeded."""
        handler = self._handlers.get(job.kind)
        if handler is None:
            return PermanentJobError(f"no handler for job kind {job.kind!r}")
        if job.attempts > job.max_attempts:
            return PermanentJobError("its worker stopped during the last attempt")
        context = JobContext(
            database=self._database,
            settings=self._settings,
            job_id=job.id,
            attempt=job.attempts,
            max_attempts=job.max_attempts,
        )
        limit = self._settings.job_lease_seconds * HANDLER_SHARE_OF_LEASE
        deadline = asyncio.timeout(limit)
        try:
            async with deadline:
                await handler(context, job.payload)
        except Exception as error:
            return TimeoutError(f"the handler ran longer than {limit:g} s") if deadline.expired() else error
        return None

    async def _settle(self, job: ClaimedJob, error: Exception | None, fields: dict[str, Any]) -> str | None:
        """Record DONE, a retry or FAILED, and log a failure; the outcome, or None if the claim was lost."""
        claim = {"job_id": job.id, "attempt": job.attempts}
        async with self._database.transaction() as connection:
            if error is None:
                outcome, kept = "done", await finish_job(connection=connection, **claim)
            elif isinstance(error, PermanentJobError) or job.attempts >= job.max_attempts:
                outcome = "failed"
                kept = await fail_job(connection=connection, **claim, error=error_summary(error))
            else:
                outcome, delay = "retry", self._retry_delay(job.attempts, error)
                kept = await retry_job(
                    connection=connection, **claim, delay_seconds=delay, error=error_summary(error)
                )
                fields = {**fields, "retry_in_seconds": round(delay, 3)}
        if not kept:
            logger.warning(
                "jobs: job %d outlived its lease and was claimed again; its outcome is not recorded",
                job.id,
                extra={"fields": fields},
            )
            return None
        if error is not None:
            self._log_failure(job, error, outcome, fields)
        return outcome

    def _retry_delay(self, attempt: int, error: Exception) -> float:
        if isinstance(error, RetryJobError):
            return max(error.delay_seconds, 0.0)
        base, cap = self._backoff
        return backoff_seconds(attempt, base=base, cap=cap, rng=self._rng)

    @staticmethod
    def _log_failure(job: ClaimedJob, error: Exception, outcome: str, fields: dict[str, Any]) -> None:
        """Log a failed attempt: a warning when it is retried, an error when the job failed for good."""
        again = "will retry" if outcome == "retry" else "failed for good"
        logger.log(
            logging.WARNING if outcome == "retry" else logging.ERROR,
            "job %d (%s) attempt %d %s: %s",
            job.id,
            job.kind,
            job.attempts,
            again,
            error_summary(error),
            exc_info=error if error.__traceback__ and not isinstance(error, RetryJobError) else None,
            extra={"fields": {**fields, "error": error_summary(error)}},
        )

    async def _listen(self) -> None:
        """Open the LISTEN connection if there is none (at most every LISTEN_RETRY_SECONDS)."""
        if self._listener is not None and not self._listener.is_closed():
            return
        now = asyncio.get_running_loop().time()
        if self._listen_tried_at is not None and now - self._listen_tried_at < LISTEN_RETRY_SECONDS:
            return
        self._listen_tried_at = now
        await self._unlisten()
        try:
            connection = await asyncpg.connect(
                listen_dsn(self._database),
                timeout=self._settings.database_connect_timeout,
                server_settings={"application_name": "invoice_graph_jobs"},
            )
        except Exception as error:
            logger.warning("jobs: cannot LISTEN (%s); polling only, for now", error_summary(error))
            return
        try:
            await connection.add_listener(JOBS_CHANNEL, self._notified)
        except Exception as error:
            logger.warning("jobs: cannot LISTEN (%s); polling only", error_summary(error))
            connection.terminate()
            return
        self._listener = connection

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _unlisten(self) -> None:
        """Close the LISTEN connection, if open."""
        connection, self._listener = self._listener, None
        if connection is None or connection.is_closed():
            return
        try:
            await connection.close(timeout=2.0)
        except Exception:  # the server is gone: drop the socket
            connection.terminate()


@asynccontextmanager
async def running_jobs(
    database: Database, settings: Settings, handlers: Mapping[str, Handler]
) -> AsyncIterator[JobRunner]:
    """Run jobs in the background for the duration of the block; on exit, stop them gracefully.

    Running jobs get SHUTDOWN_GRACE_SECONDS to finish; the rest are cancelled and run again later.
    """
    runner = JobRunner(database, settings, handlers)
    task = asyncio.create_task(runner.run(), name="job-runner")
    logger.info(
        "running background jobs, %d at a time",
        settings.job_concurrency,
        extra={"fields": {"worker_id": runner.worker_id}},
    )
    try:
        yield runner
    finally:
        await runner.stop(settings.shutdown_grace_seconds)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
