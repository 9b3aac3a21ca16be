"""Property-based fuzzing: generated queries and mutations never fail internally.

Uses hypothesis-graphql (the generator schemathesis' GraphQL support is built on) directly over
httpx's ASGITransport: schemathesis' ASGI runner calls the app through a synchronous client on
its own event loop, which the app's asyncpg pool (bound to the test's loop) cannot serve.
"""

import asyncio
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.schema import schema
from invoice_graph.services.tokens import create_token
from tests.conftest import empty_database
from tests.factories import line, make_statements
from tests.factories_applications import add_address, add_title

SCALARS = {
    "Month": st.sampled_from(["2024-01", "2024-02", "2030-12", "2024-13", ""]).map(nodes.String),
    "Date": st.sampled_from(["2024-01-15", "not a date"]).map(nodes.String),
    "DateTime": st.sampled_from(["2024-01-15T10:00:00+08:00", "yesterday"]).map(nodes.String),
    "Decimal": st.sampled_from(["100.00", "0", "-1", "1e999", "abc"]).map(nodes.String),
}
OPERATIONS = st.one_of(
    queries(schema._schema, custom_scalars=SCALARS, allow_x00=False),
    mutations(schema._schema, custom_scalars=SCALARS, allow_x00=False),
)


async def _prepare(database: Database, folder: Path) -> list[str]:
    await empty_database(database)
    rows = [line(account_number="A-1"), line(account_number="B-1", partner="P-1")]
    await make_statements(database, folder, rows)
    await add_title(database, "A-1")
    await add_address(database, "A-1")
    scopes: list[dict[str, Any]] = [
        {"role": Role.CUSTOMER, "account_number": "A-1"},
        {"role": Role.PARTNER, "partner_code": "P-1"},
        {"role": Role.FINANCE},
    ]
    return [(await create_token(database, **scope)).secret for scope in scopes]


def _problems(status: int, body: dict[str, Any]) -> list[str]:
    problems = [] if status == 200 else [f"HTTP {status}"]
    for error in body.get("errors") or []:
        if error.get("extensions", {}).get("code") == "INTERNAL_SERVER_ERROR":
            problems.append(f"internal error {error}")
        if "Cannot return null for non-nullable field" in error.get("message", ""):
            problems.append(f"null in a non-null field: {error}")
    return problems


def test_generated_operations_never_fail_internally_nor_return_null_for_non_null(
    migrated_url: str, tmp_path: Path
) -> None:
    with asyncio.Runner() as runner:
        database = Database.connect(migrated_url, pool_size=2)
        tokens = runner.run(_prepare(database, tmp_path))
        app = create_app(Settings(environment="test"), database)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

        @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(document=OPERATIONS, token=st.sampled_from(tokens))
        def check(document: str, token: str) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            response = runner.run(client.post("/graphql", json={"query": document}, headers=headers))
            assert _problems(response.status_code, response.json()) == [], document

        try:
            check()
        finally:
            runner.run(client.aclose())
            runner.run(database.dispose())
