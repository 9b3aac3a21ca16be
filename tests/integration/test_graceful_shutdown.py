"""`invoice-graph serve` asked to stop (SIGTERM) lets the request in flight finish first."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from invoice_graph.services.tokens import create_token
from tests.factories import import_rows, line
from tests.factories_applications import account_id_of, add_title
from tests.network import free_port

RENAME = """
mutation Rename($input: UpdateInvoiceTitleInput!) {
  updateInvoiceTitle(input: $input) { invoiceTitle { name } userErrors { code } }
}
"""
START_SECONDS = 30.0


@pytest.fixture
async def server(migrated_url: str) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """The real command serving the test database on a free loopback port."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": migrated_url, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from invoice_graph.cli import main; main()",
        "serve",
        "--port",
        str(port),
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client, asyncio.timeout(START_SECONDS):
        while True:  # polling a process that gives no other signal it is up
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    yield process, url
    if process.returncode is None:
        process.kill()
    await process.wait()


async def test_a_request_in_flight_finishes_when_the_server_is_asked_to_stop(
    database: Database, server: tuple[asyncio.subprocess.Process, str], tmp_path: Path
) -> None:
    # given a customer's title, and another transaction holding its row so a rename must wait
    process, url = server
    await import_rows(database, tmp_path, [line()])
    title_id = await add_title(database)
    account_id = await account_id_of(database, "A-1")
    token = (await create_token(database, role=Role.CUSTOMER, account_number="A-1")).secret
    variables = {"input": {"id": encode_id("InvoiceTitle", account_id, title_id), "name": "Renamed Ltd"}}
    async with database.transaction() as blocker, httpx.AsyncClient(timeout=20) as client:
        await blocker.execute(
            text("SELECT 1 FROM invoice_titles WHERE id = :id FOR UPDATE"), {"id": title_id}
        )

        # when the rename is in flight and the server receives SIGTERM
        rename = asyncio.create_task(
            client.post(
                f"{url}/graphql",
                json={"query": RENAME, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        )
        await asyncio.sleep(1.0)
        process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.5)
        assert process.returncode is None, "the server stopped with a request in flight"
        await blocker.rollback()  # the row is free: the rename can finish

        # then the rename completes, and only then does the server exit, cleanly
        response = await rename
    assert response.status_code == 200
    assert response.json()["data"]["updateInvoiceTitle"]["invoiceTitle"] == {"name": "Renamed Ltd"}
    # (uvicorn re-raises the signal once it has shut down, so the exit status may say SIGTERM)
    async with asyncio.timeout(20):
        assert await process.wait() in (0, 128 + signal.SIGTERM)
