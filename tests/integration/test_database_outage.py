"""PostgreSQL goes down, or hangs, and comes back: the API answers 503, then recovers by itself.

The tests run their own embedded PostgreSQL (the shared test server must stay up) and stop it
with pg_ctl, as an operator's restart or a failover would, or freeze its processes with SIGSTOP,
as a network partition looks to the app: connections stay open and nothing answers.
"""

import asyncio
import os
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.embedded import start_embedded
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.db.tables import invoice_application_events, invoice_application_months, metadata
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from invoice_graph.services.tokens import create_token
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title

VIEWER = "query Viewer { viewer { role } }"
APPLY = """
mutation Apply($input: ApplyForInvoiceInput!) {
  applyForInvoice(input: $input) { invoiceApplication { id } userErrors { code } }
}
"""
# Far more than a refused connection takes: a request must not wait out a long timeout.
PROMPT_SECONDS = 2.0


@dataclass
class Server:
    """An embedded PostgreSQL of this test's own."""

    url: str
    handle: Any

    def stop(self) -> None:
        """Stop the server the way `pg_ctl stop` does by default: sessions end, transactions roll back."""
        import pgserver  # noqa: PLC0415 (only once start_embedded has given it a runtime folder)

        pgserver.pg_ctl(  # type: ignore[attr-defined] # made at import, one per binary
            ["-w", "-m", "fast", "stop"], pgdata=self.handle.pgdata, user=self.handle.system_user
        )

    def start(self) -> None:
        """Start it again on the same data folder and socket."""
        self.handle.ensure_postgres_running()

    def processes(self) -> list[int]:
        """The postmaster and every process it started."""
        postmaster = int((Path(self.handle.pgdata) / "postmaster.pid").read_text().split()[0])
        found = [postmaster]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:  # ended meanwhile
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                    found.append(int(entry.name))
        return found

    def freeze(self) -> None:
        """Stop every PostgreSQL process where it is (SIGSTOP): it keeps its sockets and answers nothing."""
        for pid in self.processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """Let the frozen processes run on (SIGCONT)."""
        for pid in self.processes():
            os.kill(pid, signal.SIGCONT)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A PostgreSQL server this module may stop (in a folder pgserver's own user can enter)."""
    folder = Path(tempfile.mkdtemp(prefix="invoice-graph-outage-"))
    folder.chmod(0o755)
    url, handle = start_embedded(folder, database="invoice_graph_outage")
    yield Server(url=url, handle=handle)
    handle.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Deployment:
    """The app over the stoppable server, with a customer's token and what it needs to apply."""

    server: Server
    database: Database
    client: httpx.AsyncClient
    token: str
    apply_input: dict[str, Any]


ALL_TABLES = ", ".join(table.name for table in reversed(metadata.sorted_tables))
# The deadline of the frozen-database test: short, so the test is too.
DEADLINE_SECONDS = 2.0


@pytest.fixture
async def deployment(server: Server, tmp_path: Path) -> AsyncIterator[Deployment]:
    database = Database.connect(server.url, pool_size=3, connect_timeout=1.0, pool_timeout=1.0)
    await migrate(database.engine)
    async with database.transaction() as connection:  # each test starts from empty tables
        await connection.exec_driver_sql(f"TRUNCATE {ALL_TABLES} RESTART IDENTITY CASCADE")
    rows = [line(billed_on=f"2024-0{month}-10", delivered_on="2024-01-01") for month in (1, 2)]
    await make_statements(database, tmp_path, rows)
    account_id = await account_id_of(database, "A-1")
    title_id, address_id = await add_title(database), await add_address(database)
    token = await create_token(database, role=Role.CUSTOMER, account_number="A-1")
    apply_input = {
        "accountId": encode_id("Account", account_id),
        "months": ["2024-01", "2024-02"],
        "titleId": encode_id("InvoiceTitle", account_id, title_id),
        "addressId": encode_id("InvoiceAddress", account_id, address_id),
        "confirmedAmount": "200.00",
        "acceptTerms": True,
    }
    app = create_app(Settings(environment="test", request_timeout_seconds=DEADLINE_SECONDS), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield Deployment(server, database, client, token.secret, apply_input)
    await database.dispose()


async def _post(
    deployment: Deployment, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await deployment.client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {deployment.token}"},
    )


async def _saved_applications(database: Database) -> dict[str, int]:
    async with database.read() as connection:
        counts = {}
        for table in (applications, invoice_application_months, invoice_application_events):
            counts[table.name] = (
                await connection.execute(select(func.count()).select_from(table))
            ).scalar_one()
    return counts


def _stop_before_months_insert(deployment: Deployment) -> Any:
    """A listener that stops PostgreSQL after the application row is written, before its months."""

    def listener(*args: Any) -> None:
        if "INSERT INTO invoice_application_months" in args[2]:
            deployment.server.stop()

    return listener


async def test_outage_answers_503_quickly_writes_nothing_half_and_recovers(deployment: Deployment) -> None:
    # given a working API
    assert (await _post(deployment, VIEWER)).json()["data"] == {"viewer": {"role": "CUSTOMER"}}

    # when PostgreSQL stops in the middle of an application being written
    engine = deployment.database.engine.sync_engine
    listener = _stop_before_months_insert(deployment)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        interrupted = await _post(deployment, APPLY, {"input": deployment.apply_input})
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    # then that request is told the service is unavailable
    assert interrupted.status_code == 503
    assert interrupted.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert interrupted.headers["retry-after"]

    # and while the database is down, every request is answered with 503 at once, not left hanging
    for _ in range(3):
        started = time.perf_counter()
        response = await _post(deployment, VIEWER)
        assert time.perf_counter() - started < PROMPT_SECONDS
        assert response.status_code == 503
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "try again" in error["message"]
    ready = await deployment.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("unreachable")
    assert (await deployment.client.get("/healthz")).status_code == 200

    # when PostgreSQL is back
    deployment.server.start()

    # then the API answers again by itself, from the very first request
    for _ in range(3):
        assert (await _post(deployment, VIEWER)).json()["data"] == {"viewer": {"role": "CUSTOMER"}}
    assert (await deployment.client.get("/readyz")).json()["checks"]["database"] == "ok"

    # and the interrupted application left nothing behind: no application, months or event
    assert await _saved_applications(deployment.database) == {
        "invoice_applications": 0,
        "invoice_application_months": 0,
        "invoice_application_events": 0,
    }

    # and applying again works and writes a whole application
    again = await _post(deployment, APPLY, {"input": deployment.apply_input})
    assert again.status_code == 200
    assert again.json()["data"]["applyForInvoice"]["userErrors"] == []
    assert await _saved_applications(deployment.database) == {
        "invoice_applications": 1,
        "invoice_application_months": 2,
        "invoice_application_events": 1,
    }


def _freeze_before_months_insert(deployment: Deployment) -> Any:
    """A listener that freezes PostgreSQL after the application row is written, before its months."""

    def listener(*args: Any) -> None:
        if "INSERT INTO invoice_application_months" in args[2]:
            deployment.server.freeze()

    return listener


async def _timed_post(deployment: Deployment, query: str, variables: dict[str, Any] | None = None) -> Any:
    started = time.perf_counter()
    response = await _post(deployment, query, variables)
    return response, time.perf_counter() - started


async def test_a_frozen_database_gets_503_at_the_deadline_then_recovers(
    deployment: Deployment,
) -> None:
    # given a working API with its pool warmed up
    assert (await _post(deployment, VIEWER)).json()["data"] == {"viewer": {"role": "CUSTOMER"}}
    engine = deployment.database.engine.sync_engine
    listener = _freeze_before_months_insert(deployment)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        # when PostgreSQL freezes in the middle of an application being written
        interrupted, waited = await _timed_post(deployment, APPLY, {"input": deployment.apply_input})
        event.remove(engine, "before_cursor_execute", listener)
        # then that request is answered 503 at its deadline, not when the database wakes up
        assert interrupted.status_code == 503
        assert interrupted.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert interrupted.headers["retry-after"]
        assert DEADLINE_SECONDS <= waited < DEADLINE_SECONDS + PROMPT_SECONDS
        # and so is every request meanwhile, several at once included
        answers = await asyncio.gather(*(_timed_post(deployment, VIEWER) for _ in range(4)))
        for response, seconds in answers:
            assert response.status_code == 503
            assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert seconds < DEADLINE_SECONDS + PROMPT_SECONDS
        # and the connections stuck on the frozen server are discarded, not left checked out
        pool = deployment.database.engine.pool
        for _ in range(50):
            if pool.checkedout() == 0:  # type: ignore[attr-defined]
                break
            await asyncio.sleep(0.1)
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        if event.contains(engine, "before_cursor_execute", listener):
            event.remove(engine, "before_cursor_execute", listener)
        # when PostgreSQL runs on
        deployment.server.thaw()

    # then the API answers again by itself
    for _ in range(3):
        response = await _post(deployment, VIEWER)
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"viewer": {"role": "CUSTOMER"}}

    # and the interrupted application left nothing behind
    assert await _saved_applications(deployment.database) == {
        "invoice_applications": 0,
        "invoice_application_months": 0,
        "invoice_application_events": 0,
    }
    again = await _post(deployment, APPLY, {"input": deployment.apply_input})
    assert again.json()["data"]["applyForInvoice"]["userErrors"] == []
    assert (await _saved_applications(deployment.database))["invoice_application_months"] == 2
