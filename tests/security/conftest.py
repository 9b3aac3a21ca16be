"""The `api` fixture of the GraphQL tests, and one over production settings."""

from collections.abc import AsyncIterator

import httpx
import pytest

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from tests.graphql.conftest import Api, api

__all__ = ["api", "production_api"]


@pytest.fixture
async def production_api(database: Database) -> AsyncIterator[Api]:
    """The application over the test database with production settings (memory rate limits)."""
    settings = Settings(
        environment="production", rate_limit_store="memory", cors_allow_origins=["https://portal.example.com"]
    )
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, database=database)
