"""/metrics: what Prometheus scrapes."""

import re
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import text

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

VIEWER = "query WhoAmI { viewer { role } }"


async def _sample(api: Api, name: str, labels: str = "") -> float:
    """The value of one sample in the /metrics text (0 when absent)."""
    text = (await api.client.get("/metrics")).text
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


async def test_requests_are_counted_by_operation_and_outcome(api: Api) -> None:
    # given a token and the counters as they are
    token = await api.token(Role.FINANCE)
    ok = 'invoice_graph_requests_total{operation="WhoAmI",outcome="ok"}'
    denied = 'invoice_graph_requests_total{operation="unknown",outcome="UNAUTHENTICATED"}'
    ok_before, denied_before = await _sample(api, ok), await _sample(api, denied)

    # when a named query runs twice, and once without a token
    await api.query(VIEWER, token=token)
    await api.query(VIEWER, token=token)
    assert (await api.post(VIEWER, token=None)).status_code == 401

    # then /metrics shows them by operation name and outcome, with their latency
    assert await _sample(api, ok) == ok_before + 2
    assert await _sample(api, denied) == denied_before + 1
    count = 'invoice_graph_request_duration_seconds_count{operation="WhoAmI",outcome="ok"}'
    assert await _sample(api, count) >= 2


async def test_metrics_show_the_database_pool_without_a_token(api: Api) -> None:
    response = await api.client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    size = await _sample(api, "invoice_graph_db_pool_connections", '{state="size"}')
    assert size == 5  # the test database's pool
    assert 'invoice_graph_db_pool_connections{state="checked_out"}' in response.text
    assert await _sample(api, "invoice_graph_database_up") == 1


async def test_metrics_show_imports_and_generations_done_by_any_process(api: Api, tmp_path: Path) -> None:
    # given lines of three months imported and generated (as the command line does, elsewhere)
    rows = [line(billed_on=f"2024-0{month}-10") for month in (1, 2, 3)]
    await make_statements(api.database, tmp_path, rows)
    async with api.database.transaction() as connection:
        await connection.execute(text("ANALYZE billing_lines"))  # what autovacuum does in time

    # when Prometheus scrapes the server
    # then it sees the imported lines and the generated months, and when the newest was generated
    assert await _sample(api, "invoice_graph_billing_lines_estimated") == 3
    assert await _sample(api, "invoice_graph_statement_months_generated") == 3
    assert await _sample(api, "invoice_graph_statement_last_generated_timestamp_seconds") > 1.7e9


METRICS_TOKEN = "scrape-secret-0123456789"


async def _scrape(database: Database, settings: Settings, headers: dict[str, str]) -> httpx.Response:
    app = create_app(settings, database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get("/metrics", headers=headers)


async def test_in_production_metrics_need_a_configured_token(database: Database) -> None:
    # given production without METRICS_TOKEN: nobody may read them
    refused = await _scrape(database, Settings(environment="production"), {})
    assert refused.status_code == 403
    assert "METRICS_TOKEN" in refused.json()["errors"][0]["message"]
    assert "invoice_graph_requests_total" not in refused.text

    # given production with METRICS_TOKEN: only a scrape bearing it reads them
    settings = Settings(environment="production", metrics_token=METRICS_TOKEN)
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": METRICS_TOKEN}):
        response = await _scrape(database, settings, headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "invoice_graph_requests_total" not in response.text
    scraped = await _scrape(database, settings, {"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status_code == 200
    assert "invoice_graph_database_up 1.0" in scraped.text


async def test_a_metrics_token_is_required_in_development_too_once_set(database: Database) -> None:
    settings = Settings(environment="development", metrics_token=METRICS_TOKEN)
    assert (await _scrape(database, settings, {})).status_code == 401
    assert (
        await _scrape(database, settings, {"Authorization": f"Bearer {METRICS_TOKEN}"})
    ).status_code == 200


def test_a_short_metrics_token_is_refused() -> None:
    with pytest.raises(ValidationError, match="metrics_token"):
        Settings(metrics_token="short")
