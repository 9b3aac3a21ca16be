"""A client for the real ASGI app over the test database, with tokens for each role."""

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token
from tests.factories import line, make_statements


@dataclass
class Api:
    """Posts GraphQL documents to /graphql as a given token, and counts SQL statements."""

    client: httpx.AsyncClient
    database: Database
    statements: list[str] = field(default_factory=list)

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str
    ) -> dict[str, Any]:
        """The JSON body of a request that must answer 200."""
        response = await self.post(query, variables, token=token)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def token(self, role: Role, *, account: str | None = None, partner: str | None = None) -> str:
        created = await create_token(self.database, role=role, account_number=account, partner_code=partner)
        return created.secret

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """Collect the SQL statements run inside the block."""
        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(args[2])

        engine = self.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", record)


# What the test app signs download links with.
LINK_SECRET = "test-download-link-secret"


@pytest.fixture
async def api(database: Database) -> AsyncIterator[Api]:
    """The application over the test database."""
    app = create_app(Settings(environment="test", download_link_secret=LINK_SECRET), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, database=database)


@pytest.fixture
async def customer(api: Api, tmp_path: Path) -> str:
    """A token of customer A-1; customer B-2 exists too."""
    await make_statements(api.database, tmp_path, [line(), line(account_number="B-2", account_name="Beta")])
    return await api.token(Role.CUSTOMER, account="A-1")


@pytest.fixture
async def token(api: Api, tmp_path: Path) -> str:
    """A token of customer A-1, the only account, with one statement (2024-03, 100.00 invoiceable)."""
    await make_statements(api.database, tmp_path, [line()])
    return await api.token(Role.CUSTOMER, account="A-1")
