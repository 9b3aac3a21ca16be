"""Webhook deliveries on real PostgreSQL to real HTTP receivers on loopback (SPEC section 12): signed
by the Standard Webhooks spec, retried on the schedule with the same webhook-id and body, never
following redirects, bounded by the timeout, refused for private addresses in production, sent
only for committed changes, and never lost when a worker dies mid-delivery."""

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
import uvicorn
from prometheus_client import REGISTRY
from sqlalchemy import Table, func, select
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.events import (
    WEBHOOK_DELIVERY_ATTEMPTS,
    WEBHOOK_DELIVERY_JOB,
    record_account_event,
)
from invoice_graph.db.queries.jobs import enqueue_job
from invoice_graph.db.tables import accounts, events_table, jobs, webhook_deliveries, webhook_endpoints
from invoice_graph.domain.events import RETRY_SCHEDULE_SECONDS, EventType
from invoice_graph.jobs.handlers import HANDLERS
from invoice_graph.jobs.runner import JobContext, JobRunner, RetryJobError
from invoice_graph.jobs.webhook_delivery import JITTER
from invoice_graph.webhooks.secrets import new_secret, seal
from tests.network import free_port
from tests.serve_process import kill_worker_mid_job, worker_environment

LINK_SECRET = "test-download-link-secret"
SUBMITTED = EventType.INVOICE_APPLICATION_SUBMITTED
DATA = {
    "id": "SW52b2ljZUFwcGxpY2F0aW9uOjE=",
    "number": "IA-2024-000001",
    "accountNumber": "A-1",
    "status": "PENDING",
}


def settings(**overrides: Any) -> Settings:
    """Test settings: loopback receivers allowed, a known key for sealed secrets."""
    values: dict[str, Any] = {
        "environment": "test",
        "download_link_secret": LINK_SECRET,
        "webhook_allow_private_urls": True,
        "job_poll_seconds": 0.05,
        **overrides,
    }
    return Settings(**values)


@dataclass(frozen=True)
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    """How the receiver answers one request: a status, after a delay, with headers."""

    status: int = 200
    delay_seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Receiver:
    """A webhook receiver: records every request; answers with `answers` in order, then 200.

    With `hold_first`, the first request is held until `release` is set, then answered 503.
    """

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    hold_first: bool = False
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def hook(self, path: str = "/hook") -> str:
        return f"{self.url}{path}"

    async def respond(self, request: Request) -> Response:
        self.received.append(Received(request.url.path, dict(request.headers), await request.body()))
        if self.hold_first and not self.first_arrived.is_set():
            self.first_arrived.set()
            # The test's thread releases it: a threading.Event, which this server's loop can only poll.
            while not self.release.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            return Response(status_code=503)
        answer = self.answers.pop(0) if self.answers else Answer()
        await asyncio.sleep(answer.delay_seconds)
        return Response(status_code=answer.status, headers=answer.headers)


@contextlib.contextmanager
def serving(scheme: str = "http", **config: Any) -> Iterator[Receiver]:
    """A receiver under uvicorn on a free loopback port, in a thread with its own event loop."""
    port = free_port()
    receiver = Receiver(url=f"{scheme}://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/{path:path}", receiver.respond, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, **config))
    thread = threading.Thread(target=asyncio.run, args=(server.serve(),), daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the receiver did not start"
        threading.Event().wait(0.02)
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A plain http receiver."""
    with serving() as receiver:
        yield receiver


@dataclass(frozen=True)
class Endpoint:
    """An endpoint made for a test: its id and its signing secret."""

    id: int
    secret: str


async def make_account(database: Database) -> int:
    async with database.transaction() as connection:
        query = accounts.insert().values(account_number="A-1", name="Acme Ltd").returning(accounts.c.id)
        return int((await connection.execute(query)).scalar_one())


async def make_endpoint(database: Database, url: str) -> Endpoint:
    """Finance's endpoint for submissions at `url`, with a new sealed secret."""
    secret = new_secret()
    values = {
        "owner_role": "FINANCE",
        "url": url,
        "events": [SUBMITTED.value],
        "secret_encrypted": seal(settings().secret_box_key(), secret),
    }
    async with database.transaction() as connection:
        query = webhook_endpoints.insert().values(**values).returning(webhook_endpoints.c.id)
        return Endpoint(int((await connection.execute(query)).scalar_one()), secret)


async def submit(database: Database, account_id: int) -> str:
    """Record a submission of the account, as a change does in its transaction; the event id."""
    async with database.transaction() as connection:
        return await record_account_event(
            connection=connection, type_=SUBMITTED, account_id=account_id, data=DATA
        )


async def delivery(database: Database) -> Any:
    """The one delivery, with the seconds until its next attempt (by the database's clock)."""
    due_in = func.extract("epoch", webhook_deliveries.c.next_attempt_at - func.now()).label("due_in")
    async with database.read() as connection:
        return (await connection.execute(select(webhook_deliveries, due_in))).one()


async def job(database: Database) -> Any:
    """The one job, with the seconds until it is due."""
    due_in = func.extract("epoch", jobs.c.run_at - func.now()).label("due_in")
    async with database.read() as connection:
        return (await connection.execute(select(jobs, due_in))).one()


async def make_due(database: Database) -> None:
    """Time passes: the delivery's retry comes due."""
    async with database.transaction() as connection:
        await connection.execute(jobs.update().values(run_at=func.now()))


async def count(database: Database, table: Table) -> int:
    async with database.read() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


def attempts_counted(outcome: str) -> float:
    name = "invoice_graph_webhook_delivery_attempts_total"
    return REGISTRY.get_sample_value(name, {"outcome": outcome}) or 0.0


def verified(endpoint: Endpoint, request: Received) -> dict[str, Any]:
    """The body, once the reference library has checked its signature (it raises otherwise)."""
    body: dict[str, Any] = Webhook(endpoint.secret).verify(request.body, request.headers)
    return body


def assert_scheduled(seconds: float, step: int) -> None:
    """`seconds` is the schedule's delay after failed attempt `step`, give or take the jitter."""
    scheduled = RETRY_SCHEDULE_SECONDS[step - 1]
    assert scheduled * (1 - JITTER) - 1.0 <= seconds <= scheduled * (1 + JITTER), (seconds, scheduled)


async def test_a_delivery_is_signed_by_the_standard_and_succeeds_on_a_2xx(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint and an event it chose
    endpoint = await make_endpoint(database, receiver.hook())
    event_id = await submit(database, await make_account(database))
    succeeded_before = attempts_counted("succeeded")
    # when the delivery's job runs
    assert await JobRunner(database, settings(), HANDLERS).run_once() == 1
    # then the endpoint got one POST, signed so that the reference library verifies it
    (request,) = receiver.received
    assert request.path == "/hook"
    body = verified(endpoint, request)
    async with database.read() as connection:
        created_at = (await connection.execute(select(events_table.c.created_at))).scalar_one()
    timestamp = created_at.isoformat().replace("+00:00", "Z")
    assert body == {"type": SUBMITTED.value, "timestamp": timestamp, "data": DATA}
    assert request.body == json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
    assert request.headers["webhook-id"] == event_id
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("invoice_graph")
    # and the delivery SUCCEEDED on its first attempt, with nothing more to do
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status, row.last_error) == ("SUCCEEDED", 1, 200, None)
    assert row.delivered_at is not None
    assert row.next_attempt_at is None
    assert (await job(database)).status == "DONE"
    assert attempts_counted("succeeded") == succeeded_before + 1


async def test_a_failed_attempt_is_retried_on_the_schedule_with_the_same_id_and_body(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint that answers 500 once, then 200
    receiver.answers = [Answer(500)]
    endpoint = await make_endpoint(database, receiver.hook())
    event_id = await submit(database, await make_account(database))
    runner = JobRunner(database, settings(), HANDLERS)
    failed_before = attempts_counted("failed")
    # when the delivery's job runs
    assert await runner.run_once() == 1
    # then the attempt is recorded, and the next is due after the schedule's first delay (5 s)
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status) == ("PENDING", 1, 500)
    assert "500" in row.last_error
    assert_scheduled(float(row.due_in), 1)
    queued = await job(database)
    assert (queued.status, queued.attempts) == ("QUEUED", 1)
    assert_scheduled(float(queued.due_in), 1)
    assert attempts_counted("failed") == failed_before + 1
    assert await runner.run_once() == 0  # not due yet
    # when the retry comes due
    await make_due(database)
    assert await runner.run_once() == 1
    # then the same event came again, with the same webhook-id and the same bytes, and SUCCEEDED
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event_id
    assert first.body == second.body
    assert verified(endpoint, first) == verified(endpoint, second)
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status, row.next_attempt_at) == (
        "SUCCEEDED",
        2,
        200,
        None,
    )
    assert (await job(database)).status == "DONE"


async def test_a_delivery_fails_after_the_last_scheduled_attempt(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint that always answers 503
    receiver.answers = [Answer(503)] * 10
    await make_endpoint(database, receiver.hook())
    await submit(database, await make_account(database))
    runner = JobRunner(database, settings(), HANDLERS)
    # when every attempt runs, then each is retried after the schedule's next delay
    for step in range(1, len(RETRY_SCHEDULE_SECONDS) + 1):
        assert await runner.run_once() == 1
        row = await delivery(database)
        assert (row.status, row.attempts) == ("PENDING", step)
        assert_scheduled(float(row.due_in), step)
        assert_scheduled(float((await job(database)).due_in), step)
        await make_due(database)
    # and after the last one the delivery FAILED, with no next attempt, and its job too
    assert await runner.run_once() == 1
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status) == ("FAILED", WEBHOOK_DELIVERY_ATTEMPTS, 503)
    assert row.next_attempt_at is None
    assert row.delivered_at is None
    finished = await job(database)
    assert (finished.status, finished.attempts) == ("FAILED", WEBHOOK_DELIVERY_ATTEMPTS)
    assert await runner.run_once() == 0
    assert len(receiver.received) == 1 + len(RETRY_SCHEDULE_SECONDS)


async def test_a_redirect_is_not_followed_and_is_a_failure(database: Database, receiver: Receiver) -> None:
    # given an endpoint that redirects to another path of the receiver
    receiver.answers = [Answer(302, headers={"location": receiver.hook("/elsewhere")})]
    await make_endpoint(database, receiver.hook())
    await submit(database, await make_account(database))
    # when the delivery's job runs
    assert await JobRunner(database, settings(), HANDLERS).run_once() == 1
    # then the redirect's target received nothing, and the attempt failed and is retried
    assert [request.path for request in receiver.received] == ["/hook"]
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status) == ("PENDING", 1, 302)
    assert "redirect" in row.last_error
    assert (await job(database)).status == "QUEUED"


async def test_a_receiver_slower_than_the_timeout_is_a_failure(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint that answers after 3 s, and a timeout of 0.5 s
    receiver.answers = [Answer(200, delay_seconds=3.0)]
    await make_endpoint(database, receiver.hook())
    await submit(database, await make_account(database))
    runner = JobRunner(database, settings(webhook_timeout_seconds=0.5), HANDLERS)
    # when the delivery's job runs, then it gives up at the timeout
    started = time.monotonic()
    assert await runner.run_once() == 1
    assert time.monotonic() - started < 2.5
    # and the attempt failed, without an answer, and is retried
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status) == ("PENDING", 1, None)
    assert row.last_error == "no answer within 0.5 s"
    assert_scheduled(float(row.due_in), 1)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://127.0.0.1:{port}/hook", "127.0.0.1 does not resolve to public internet addresses only"),
        ("https://localhost:{port}/hook", "localhost does not resolve to public internet addresses only"),
        ("https://[::ffff:127.0.0.1]:{port}/hook", "does not resolve to public internet addresses only"),
        ("http://127.0.0.1:{port}/hook", "Use an https:// URL"),
    ],
)
async def test_without_private_urls_allowed_a_loopback_url_is_refused_and_nothing_reaches_it(
    database: Database, receiver: Receiver, url: str, says: str
) -> None:
    # given an endpoint on loopback (made while private URLs were allowed), and production's rule
    port = receiver.url.rsplit(":", 1)[1]
    await make_endpoint(database, url.format(port=port))
    await submit(database, await make_account(database))
    refused_before = attempts_counted("refused")
    # when the delivery's job runs
    assert await JobRunner(database, settings(webhook_allow_private_urls=False), HANDLERS).run_once() == 1
    # then no request reached the receiver, and the attempt failed saying why
    assert receiver.received == []
    row = await delivery(database)
    assert (row.status, row.attempts, row.last_response_status) == ("PENDING", 1, None)
    assert says in row.last_error
    assert attempts_counted("refused") == refused_before + 1


async def test_a_host_name_is_posted_to_at_the_address_it_was_checked_to_resolve_to(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint whose URL names its host (localhost, which resolves without the network)
    port = receiver.url.rsplit(":", 1)[1]
    endpoint = await make_endpoint(database, f"http://localhost:{port}/hook")
    await submit(database, await make_account(database))
    # when the delivery's job runs, then the request came with the URL's own Host header
    assert await JobRunner(database, settings(), HANDLERS).run_once() == 1
    (request,) = receiver.received
    assert request.headers["host"] == f"localhost:{port}"
    assert verified(endpoint, request)["data"] == DATA
    assert (await delivery(database)).status == "SUCCEEDED"


async def test_https_is_posted_to_the_checked_address_verifying_the_certificate_of_the_name(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a TLS receiver whose certificate names localhost only (not 127.0.0.1), from a CA trusted here
    ca = trustme.CA()
    server_pem, ca_pem = tmp_path / "server.pem", tmp_path / "ca.pem"
    ca.issue_cert("localhost").private_key_and_cert_chain_pem.write_to_path(str(server_pem))
    ca.cert_pem.write_to_path(str(ca_pem))
    monkeypatch.setattr("certifi.where", lambda: str(ca_pem))  # httpx's default trust store
    with serving("https", ssl_certfile=str(server_pem)) as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        endpoint = await make_endpoint(database, f"https://localhost:{port}/hook")
        await submit(database, await make_account(database))
        # when the delivery's job runs, connecting to 127.0.0.1
        assert await JobRunner(database, settings(), HANDLERS).run_once() == 1
        # then TLS checked the certificate against the URL's name (sent as SNI), and the POST arrived
        (request,) = receiver.received
    assert request.headers["host"] == f"localhost:{port}"
    assert verified(endpoint, request)["data"] == DATA
    row = await delivery(database)
    assert (row.status, row.last_error) == ("SUCCEEDED", None)


async def test_an_event_of_a_rolled_back_change_leaves_no_delivery_and_no_job(
    database: Database, receiver: Receiver
) -> None:
    # given an endpoint, and a change that recorded an event and then failed
    await make_endpoint(database, receiver.hook())
    account_id = await make_account(database)

    async def failed_change() -> None:
        async with database.transaction() as connection:
            await record_account_event(
                connection=connection, type_=SUBMITTED, account_id=account_id, data=DATA
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await failed_change()
    # then there is no event, no delivery and no job, and nothing is sent
    assert [await count(database, table) for table in (events_table, webhook_deliveries, jobs)] == [0, 0, 0]
    assert await JobRunner(database, settings(), HANDLERS).run_once() == 0
    assert receiver.received == []


async def test_a_delivery_gone_done_or_disabled_sends_nothing(database: Database, receiver: Receiver) -> None:
    account_id = await make_account(database)
    runner = JobRunner(database, settings(), HANDLERS)
    # given a delivery that succeeded, whose job runs once more (jobs run at least once)
    await make_endpoint(database, receiver.hook("/done"))
    await submit(database, account_id)
    assert await runner.run_once() == 1
    delivery_id = (await delivery(database)).id
    async with database.transaction() as connection:
        await enqueue_job(
            connection=connection, kind=WEBHOOK_DELIVERY_JOB, payload={"delivery_id": delivery_id}
        )
    assert await runner.run_once() == 1
    assert [request.path for request in receiver.received] == ["/done"]
    assert (await delivery(database)).attempts == 1
    # given a delivery whose endpoint is deleted before its job runs, and one whose endpoint is disabled
    async with database.transaction() as connection:
        await connection.execute(webhook_endpoints.delete())
    deleted = await make_endpoint(database, receiver.hook("/deleted"))
    await submit(database, account_id)
    async with database.transaction() as connection:
        await connection.execute(webhook_endpoints.delete().where(webhook_endpoints.c.id == deleted.id))
    disabled = await make_endpoint(database, receiver.hook("/disabled"))
    await submit(database, account_id)
    async with database.transaction() as connection:
        query = webhook_endpoints.update().where(webhook_endpoints.c.id == disabled.id).values(enabled=False)
        await connection.execute(query)
    # when their jobs run, then nothing is sent and the jobs are done
    assert await runner.run_once() == 2
    assert [request.path for request in receiver.received] == ["/done"]
    async with database.read() as connection:
        statuses = (await connection.execute(select(jobs.c.status))).scalars().all()
    assert statuses == ["DONE"] * 4
    row = await delivery(database)  # the disabled endpoint's; the deleted one's went with it
    assert (row.endpoint_id, row.status, row.attempts) == (disabled.id, "PENDING", 0)


async def test_a_worker_killed_mid_delivery_leaves_it_to_another_runner_with_the_same_id(
    database: Database, migrated_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    # given a delivery, and a receiver that holds the first request it gets
    receiver.hold_first = True
    endpoint = await make_endpoint(database, receiver.hook())
    event_id = await submit(database, await make_account(database))
    environment = worker_environment(
        migrated_url, str(tmp_path), WEBHOOK_ALLOW_PRIVATE_URLS="true", DOWNLOAD_LINK_SECRET=LINK_SECRET
    )
    # when a worker posts it and is killed before the receiver answers
    await kill_worker_mid_job(environment, receiver.first_arrived)
    receiver.release.set()
    row = await delivery(database)
    assert (row.status, row.attempts) == ("PENDING", 0)  # the attempt was never recorded
    # then another runner delivers it once the dead worker's lease has passed
    runner = JobRunner(database, settings(job_lease_seconds=5), HANDLERS)
    deadline = time.monotonic() + 30
    while len(receiver.received) < 2:
        assert time.monotonic() < deadline, "the delivery was not made again"
        await runner.run_once()
        await asyncio.sleep(0.2)
    # with the same webhook-id and body, and the delivery SUCCEEDED
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == event_id
    assert first.body == second.body
    assert verified(endpoint, second)["data"] == DATA
    row = await delivery(database)
    assert (row.status, row.attempts) == ("SUCCEEDED", 1)
    finished = await job(database)
    assert (finished.status, finished.attempts) == ("DONE", 2)


async def test_a_handler_that_asks_for_a_delay_is_retried_after_it_rather_than_the_backoff(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # given a job whose handler fails asking to be retried in 123 s
    caplog.set_level(logging.WARNING, logger="invoice_graph.jobs.runner")

    async def handle(context: JobContext, payload: dict[str, Any]) -> None:
        raise RetryJobError("the far end is down", delay_seconds=123.0)

    async with database.transaction() as connection:
        await enqueue_job(connection=connection, kind="test", payload={})
    # when it runs, then it is queued again due in 123 s, its error kept and logged without a traceback
    assert await JobRunner(database, settings(), {"test": handle}, backoff_base_seconds=1.0).run_once() == 1
    queued = await job(database)
    assert (queued.status, queued.attempts, queued.last_error) == (
        "QUEUED",
        1,
        "RetryJobError: the far end is down",
    )
    assert 121.0 < float(queued.due_in) <= 123.0
    (logged,) = [record for record in caplog.records if record.name == "invoice_graph.jobs.runner"]
    assert (logged.levelno, logged.exc_info) == (logging.WARNING, None)


async def test_metrics_show_the_job_queue_and_how_many_jobs_are_due(database: Database) -> None:
    # given two jobs due now and one due in an hour
    async with database.transaction() as connection:
        for delay in (0.0, 0.0, 3600.0):
            await enqueue_job(connection=connection, kind="test", payload={}, delay_seconds=delay)
    # when /metrics is scraped, then it counts them from the database
    app = create_app(settings(), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        text = (await client.get("/metrics")).text
    samples = dict(re.findall(r'^invoice_graph_jobs_queued\{state="(\w+)"\} (\S+)$', text, re.MULTILINE))
    assert samples == {"queued": "3.0", "due": "2.0"}
    assert "invoice_graph_webhook_delivery_attempts_total" in text
