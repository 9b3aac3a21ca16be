"""Background jobs on real PostgreSQL: the outbox, claims, retries, leases, NOTIFY and stopping."""

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.jobs import (
    MAX_ERROR_LENGTH,
    claim_jobs,
    count_jobs_by_status,
    enqueue_job,
    finish_job,
)
from invoice_graph.db.tables import jobs
from invoice_graph.jobs.runner import (
    JobContext,
    JobRunner,
    PermanentJobError,
    backoff_seconds,
    error_summary,
    running_jobs,
)

PATIENCE_SECONDS = 5.0


def settings(**overrides: Any) -> Settings:
    """Test settings with a fast poll unless told otherwise."""
    return Settings(environment="test", **{"job_poll_seconds": 0.05, **overrides})


@dataclass
class Recorder:
    """A handler that records each call, and can be told to fail or to block."""

    calls: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    contexts: list[JobContext] = field(default_factory=list)
    fail_with: Exception | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 1

    async def __call__(self, context: JobContext, payload: dict[str, Any]) -> None:
        self.calls.append((context.job_id, context.attempt, payload))
        self.contexts.append(context)
        if len(self.calls) >= self.expected:
            self.done.set()
        if self.fail_with is not None:
            raise self.fail_with


class Blocker:
    """A handler that blocks on its first attempt until released, and notes being cancelled."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = asyncio.Event()
        self.finished = asyncio.Event()

    async def __call__(self, context: JobContext, _: dict[str, Any]) -> None:
        if context.attempt == 1:
            self.started.set()
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
        self.finished.set()


@dataclass(frozen=True, slots=True)
class Watched(Database):
    """The database, telling when a transaction (a runner's claim, say) has ended."""

    ended: asyncio.Event = field(default_factory=asyncio.Event)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with Database.transaction(self) as connection:
            yield connection
        self.ended.set()


class MaxJitter(random.Random):
    """Jitter that always waits the longest it may, so the backoff's ceiling shows."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def enqueue(
    database: Database, kind: str = "test", payload: dict[str, Any] | None = None, **options: Any
) -> int:
    async with database.transaction() as connection:
        return await enqueue_job(connection=connection, kind=kind, payload=payload or {}, **options)


async def row(database: Database, job_id: int) -> Any:
    """The job's row, with the seconds until it is due and until its lease ends (by the database's clock)."""
    query = select(
        jobs,
        func.extract("epoch", jobs.c.run_at - func.now()).label("due_in"),
        func.extract("epoch", jobs.c.locked_until - func.now()).label("lease_left"),
    ).where(jobs.c.id == job_id)
    async with database.read() as connection:
        return (await connection.execute(query)).one()


async def make_due(database: Database, job_id: int) -> None:
    """Time passes: the job's retry comes due."""
    async with database.transaction() as connection:
        await connection.execute(jobs.update().where(jobs.c.id == job_id).values(run_at=func.now()))


async def counts(database: Database) -> dict[str, int]:
    async with database.read() as connection:
        return await count_jobs_by_status(connection=connection)


async def until_one_runs(runner: JobRunner) -> None:
    """Run the runner's due jobs until one ran (polling: a lease ends with no event to wait on)."""
    async with asyncio.timeout(PATIENCE_SECONDS):
        while True:
            if await runner.run_once():
                return
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(runner: JobRunner, *, grace_seconds: float = 1.0) -> AsyncIterator[asyncio.Task[None]]:
    """The runner's loop as a task for the block; stopped after it."""
    task = asyncio.create_task(runner.run())
    try:
        yield task
    finally:
        await runner.stop(grace_seconds)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def jobs_counted(kind: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("invoice_graph_jobs_total", {"kind": kind, "outcome": outcome})
    return value or 0.0


async def test_a_job_queued_in_a_rolled_back_transaction_never_runs(database: Database) -> None:
    # given a change that queued a job and then failed
    async def failed_change() -> None:
        async with database.transaction() as connection:
            await enqueue_job(connection=connection, kind="test", payload={"n": 1})
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await failed_change()
    recorder = Recorder()
    # when a runner looks for work, then there is none
    assert await JobRunner(database, settings(), {"test": recorder}).run_once() == 0
    assert recorder.calls == []
    assert await counts(database) == {"QUEUED": 0, "DONE": 0, "FAILED": 0}


async def test_a_committed_job_runs_once_with_its_payload(database: Database) -> None:
    # given a committed job
    job_id = await enqueue(database, payload={"application_id": 7, "to": ["a@example.com"]})
    recorder = Recorder()
    runner = JobRunner(database, settings(), {"test": recorder})
    done_before = jobs_counted("test", "done")
    # when the runner runs what is due, twice
    assert await runner.run_once() == 1
    assert await runner.run_once() == 0
    # then the handler ran once, with the payload, on the first attempt, and the job is DONE
    assert recorder.calls == [(job_id, 1, {"application_id": 7, "to": ["a@example.com"]})]
    assert not recorder.contexts[0].is_last_attempt
    job = await row(database, job_id)
    assert (job.status, job.attempts, job.locked_by) == ("DONE", 1, runner.worker_id)
    assert job.finished_at is not None
    assert job.last_error is None
    assert jobs_counted("test", "done") == done_before + 1


async def test_a_failing_job_is_retried_later_with_a_growing_backoff_under_the_cap(
    database: Database,
) -> None:
    # given a job whose handler fails, and a backoff of 10 s doubling up to 35 s
    job_id = await enqueue(database)
    recorder = Recorder(fail_with=ValueError("relay refused\nthe message"))
    runner = JobRunner(
        database,
        settings(),
        {"test": recorder},
        backoff_base_seconds=10.0,
        backoff_cap_seconds=35.0,
        rng=MaxJitter(),
    )
    for attempt, ceiling in enumerate([10.0, 20.0, 35.0, 35.0], start=1):
        # when it runs and fails
        assert await runner.run_once() == 1
        # then it is queued again, due only after the backoff, with its error on one line
        job = await row(database, job_id)
        assert (job.status, job.attempts) == ("QUEUED", attempt)
        assert job.last_error == "ValueError: relay refused the message"
        assert ceiling - 2.0 < float(job.due_in) <= ceiling
        assert job.locked_until is None
        assert await runner.run_once() == 0  # not due yet
        await make_due(database, job_id)
    assert [call[1] for call in recorder.calls] == [1, 2, 3, 4]


def test_the_backoff_is_full_jitter_below_a_doubling_ceiling_and_the_cap() -> None:
    rng = random.Random(7)  # noqa: S311 (jitter, not a secret)
    for attempt in range(1, 40):
        ceiling = min(3600.0, 5.0 * 2 ** (attempt - 1))
        waits = [backoff_seconds(attempt, base=5.0, cap=3600.0, rng=rng) for _ in range(200)]
        assert all(0.0 <= wait <= ceiling for wait in waits)
        assert max(waits) > ceiling * 0.8  # spread over the whole range, not bunched
    assert backoff_seconds(10_000, base=5.0, cap=60.0, rng=MaxJitter()) == 60.0


async def test_a_permanent_error_fails_the_job_at_once(database: Database) -> None:
    job_id = await enqueue(database)
    runner = JobRunner(
        database, settings(), {"test": Recorder(fail_with=PermanentJobError("no such mailbox"))}
    )
    failed_before = jobs_counted("test", "failed")
    assert await runner.run_once() == 1
    job = await row(database, job_id)
    assert (job.status, job.attempts, job.last_error) == ("FAILED", 1, "PermanentJobError: no such mailbox")
    assert job.finished_at is not None
    assert jobs_counted("test", "failed") == failed_before + 1


async def test_a_job_fails_for_good_when_its_last_attempt_fails(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # given a job of two attempts whose handler always fails
    caplog.set_level(logging.WARNING, logger="invoice_graph.jobs.runner")
    job_id = await enqueue(database, max_attempts=2)
    recorder = Recorder(fail_with=OSError("x" * 2000))
    runner = JobRunner(database, settings(), {"test": recorder})
    # when both attempts run
    assert await runner.run_once() == 1
    await make_due(database, job_id)
    assert await runner.run_once() == 1
    # then the handler knew the second was the last, and the job FAILED with a truncated error
    assert [context.is_last_attempt for context in recorder.contexts] == [False, True]
    job = await row(database, job_id)
    assert (job.status, job.attempts) == ("FAILED", 2)
    assert job.last_error.startswith("OSError: xxx")
    assert len(job.last_error) <= MAX_ERROR_LENGTH
    # and each failure was logged with the job's id and kind
    logged = [record for record in caplog.records if getattr(record, "fields", {}).get("job_id") == job_id]
    assert [(record.levelno, record.fields["kind"]) for record in logged] == [  # type: ignore[attr-defined]
        (logging.WARNING, "test"),
        (logging.ERROR, "test"),
    ]
    assert await runner.run_once() == 0


async def test_a_job_of_a_kind_without_a_handler_fails_and_does_not_hold_up_others(
    database: Database,
) -> None:
    # given a job nobody handles, queued before one that is handled, and one slot
    unknown = await enqueue(database, kind="fax")
    known = await enqueue(database, kind="test")
    recorder = Recorder()
    runner = JobRunner(database, settings(job_concurrency=1), {"test": recorder})
    # when the runner runs twice
    assert await runner.run_once() == 1
    assert await runner.run_once() == 1
    # then the unknown one FAILED saying why, and the other ran
    job = await row(database, unknown)
    assert (job.status, job.attempts) == ("FAILED", 1)
    assert "no handler for job kind 'fax'" in job.last_error
    assert [call[0] for call in recorder.calls] == [known]


async def test_two_runners_racing_over_50_jobs_run_each_exactly_once(
    database: Database, migrated_url: str
) -> None:
    # given 50 jobs, and two runners with pools of their own
    async with database.transaction() as connection:
        ids = [await enqueue_job(connection=connection, kind="test", payload={"n": n}) for n in range(50)]
    seen: list[int] = []

    async def handle(context: JobContext, _: dict[str, Any]) -> None:
        seen.append(context.job_id)
        await asyncio.sleep(0)

    other = Database.connect(migrated_url, pool_size=5)
    runners = [
        JobRunner(db, settings(job_concurrency=4), {"test": handle}, worker_id=f"racer-{n}")
        for n, db in enumerate([database, other])
    ]

    async def drain(runner: JobRunner) -> None:
        while await runner.run_once():
            pass

    # when both claim and run until nothing is due
    try:
        await asyncio.gather(*(drain(runner) for runner in runners))
    finally:
        await other.dispose()
    # then every job ran once, on its first attempt
    assert sorted(seen) == ids
    assert await counts(database) == {"QUEUED": 0, "DONE": 50, "FAILED": 0}
    async with database.read() as connection:
        attempts = (await connection.execute(select(func.max(jobs.c.attempts)))).scalar_one()
    assert attempts == 1


async def test_a_job_whose_worker_died_runs_again_once_its_lease_has_passed_and_not_before(
    database: Database,
) -> None:
    # given a job claimed by a worker that then died, with a short lease
    job_id = await enqueue(database)
    async with database.transaction() as connection:
        [claimed] = await claim_jobs(connection=connection, worker_id="dead", limit=5, lease_seconds=0.5)
    assert (claimed.id, claimed.attempts) == (job_id, 1)
    recorder = Recorder()
    runner = JobRunner(database, settings(), {"test": recorder})
    # when another runner looks at once, then the job is not due: its lease holds
    assert await runner.run_once() == 0
    assert (await row(database, job_id)).lease_left > 0
    # and once the lease has passed, the runner runs it, as a second attempt
    await until_one_runs(runner)
    assert recorder.calls == [(job_id, 2, {})]
    job = await row(database, job_id)
    assert (job.status, job.locked_by) == ("DONE", runner.worker_id)


async def test_a_late_worker_does_not_record_an_outcome_over_the_new_claim(database: Database) -> None:
    # given a job claimed twice: the first worker's lease ran out and another claimed it
    await enqueue(database)
    async with database.transaction() as connection:
        [first] = await claim_jobs(connection=connection, worker_id="slow", limit=1, lease_seconds=0.01)
    await asyncio.sleep(0.05)
    async with database.transaction() as connection:
        [second] = await claim_jobs(connection=connection, worker_id="new", limit=1, lease_seconds=60)
        assert second.attempts == first.attempts + 1
    # when the first worker finally reports, then nothing changes; the new claim still holds
    async with database.transaction() as connection:
        assert not await finish_job(connection=connection, job_id=first.id, attempt=first.attempts)
        assert await finish_job(connection=connection, job_id=second.id, attempt=second.attempts)


async def test_a_job_whose_worker_died_on_its_last_attempt_fails(database: Database) -> None:
    job_id = await enqueue(database, max_attempts=1)
    async with database.transaction() as connection:
        await claim_jobs(connection=connection, worker_id="dead", limit=1, lease_seconds=0.2)
    recorder = Recorder()
    await until_one_runs(JobRunner(database, settings(), {"test": recorder}))
    job = await row(database, job_id)
    assert (job.status, job.last_error) == (
        "FAILED",
        "PermanentJobError: its worker stopped during the last attempt",
    )
    assert recorder.calls == []


async def test_a_new_job_wakes_a_running_runner_at_once(database: Database) -> None:
    # given a runner that polls only every 30 s, listening
    recorder = Recorder()
    watched = Watched(engine=database.engine, reader=database.reader)
    runner = JobRunner(watched, settings(job_poll_seconds=30.0), {"test": recorder})
    async with running(runner):
        async with asyncio.timeout(PATIENCE_SECONDS):
            await watched.ended.wait()  # its first claim, after it began to LISTEN, found nothing
        await _wait_until_listening(database)
        # when a job is committed, then it runs well before the next poll
        job_id = await enqueue(database)
        async with asyncio.timeout(PATIENCE_SECONDS):
            await recorder.done.wait()
    assert recorder.calls == [(job_id, 1, {})]


async def _wait_until_listening(database: Database) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = 'invoice_graph_jobs' AND query ILIKE 'LISTEN%'"
    )
    async with asyncio.timeout(PATIENCE_SECONDS):
        while True:  # polling the server: the runner gives no signal of its own
            async with database.read() as connection:
                if (await connection.execute(query)).scalar_one():
                    return
            await asyncio.sleep(0.02)


async def test_a_running_runner_runs_jobs_up_to_its_concurrency_at_once(database: Database) -> None:
    # given six jobs whose handlers wait for each other, and three slots
    for _ in range(6):
        await enqueue(database)
    active = 0
    most = 0
    arrived = asyncio.Event()
    finished: list[int] = []
    all_finished = asyncio.Event()

    async def handle(context: JobContext, _: dict[str, Any]) -> None:
        nonlocal active, most
        active += 1
        most = max(most, active)
        if most == 3:
            arrived.set()
        await arrived.wait()
        await asyncio.sleep(0.01)
        active -= 1
        finished.append(context.job_id)
        if len(finished) == 6:
            all_finished.set()

    runner = JobRunner(database, settings(job_concurrency=3), {"test": handle})
    async with running(runner):
        async with asyncio.timeout(PATIENCE_SECONDS):
            await all_finished.wait()  # each slot freed wakes the runner for the next job
    assert most == 3
    assert await counts(database) == {"QUEUED": 0, "DONE": 6, "FAILED": 0}


async def test_stop_lets_a_running_job_finish_within_the_grace(database: Database) -> None:
    job_id = await enqueue(database)
    blocker = Blocker()
    runner = JobRunner(database, settings(), {"test": blocker})
    async with running(runner, grace_seconds=0.0):
        async with asyncio.timeout(PATIENCE_SECONDS):
            await blocker.started.wait()
        stopping = asyncio.create_task(runner.stop(PATIENCE_SECONDS))
        await asyncio.sleep(0.05)
        assert not stopping.done()  # it waits for the job
        blocker.release.set()
        await stopping
    assert blocker.finished.is_set()
    assert (await row(database, job_id)).status == "DONE"


async def test_stop_cancels_a_job_still_running_after_the_grace_and_another_runner_takes_it_later(
    database: Database,
) -> None:
    # given a job whose handler hangs, under a lease of 1 s
    job_id = await enqueue(database)
    blocker = Blocker()
    runner = JobRunner(database, settings(job_lease_seconds=1.0), {"test": blocker})
    task = asyncio.create_task(runner.run())
    async with asyncio.timeout(PATIENCE_SECONDS):
        await blocker.started.wait()
    # when the runner is stopped with a short grace
    await runner.stop(0.1)
    await task
    # then the handler was cancelled and the job is still queued, under its lease
    assert blocker.cancelled.is_set()
    job = await row(database, job_id)
    assert (job.status, job.attempts, job.finished_at) == ("QUEUED", 1, None)
    # and another runner takes it once the lease has passed
    other = JobRunner(database, settings(), {"test": blocker})
    assert await other.run_once() == 0
    await until_one_runs(other)
    assert blocker.finished.is_set()
    assert (await row(database, job_id)).status == "DONE"


async def test_running_jobs_starts_a_runner_and_stops_it_on_exit(database: Database) -> None:
    recorder = Recorder()
    async with running_jobs(database, settings(shutdown_grace_seconds=1), {"test": recorder}) as runner:
        await enqueue(database)
        async with asyncio.timeout(PATIENCE_SECONDS):
            await recorder.done.wait()
    assert runner.worker_id
    assert await counts(database) == {"QUEUED": 0, "DONE": 1, "FAILED": 0}


async def test_a_database_outage_is_logged_once_and_the_runner_keeps_polling(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a runner whose database is unreachable
    caplog.set_level(logging.INFO, logger="invoice_graph.jobs.runner")
    unreachable = Database.connect("postgresql+asyncpg://nobody@127.0.0.1:1/none", pool_size=1)
    runner = JobRunner(unreachable, settings(job_poll_seconds=0.02), {})
    try:
        async with running(runner) as task:
            # when it has polled for a while, then it still runs
            await asyncio.sleep(0.3)
            assert not task.done()
    finally:
        await unreachable.dispose()
    # and it said so once, without a traceback, besides that it polls without LISTEN
    messages = [
        record.getMessage() for record in caplog.records if record.name == "invoice_graph.jobs.runner"
    ]
    assert len([message for message in messages if "database is unavailable" in message]) == 1
    assert any("cannot LISTEN" in message for message in messages)
    assert all(record.exc_info is None for record in caplog.records if "unavailable" in record.getMessage())


def test_an_error_summary_is_its_type_and_message_on_one_line() -> None:
    assert error_summary(ValueError("bad\n  value")) == "ValueError: bad value"
    assert error_summary(TimeoutError()) == "TimeoutError"
