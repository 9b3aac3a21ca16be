"""/healthz and /readyz: what a load balancer and an operator see."""

import pytest

from invoice_graph import health
from invoice_graph.domain.workdays import today_cst
from tests.graphql.conftest import Api


async def test_healthz_answers_without_a_token(api: Api) -> None:
    response = await api.client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_when_database_schema_and_calendar_are(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a calendar that knows every year (chinesecalendar's data ends at a fixed year)
    monkeypatch.setattr(health, "calendar_covers", lambda year: True)

    # when the readiness check runs
    response = await api.client.get("/readyz")

    # then every check is ok
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "calendar": "ok"},
    }


async def test_readyz_names_the_year_the_calendar_lacks(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a calendar whose data ends this year
    this_year = today_cst().year
    monkeypatch.setattr(health, "calendar_covers", lambda year: year <= this_year)

    # when the readiness check runs
    response = await api.client.get("/readyz")

    # then it is not ready, and says which year is missing and what to do
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "ok"
    assert str(this_year + 1) in body["checks"]["calendar"]
    assert "upgrade chinesecalendar" in body["checks"]["calendar"]


async def test_readyz_says_when_migrations_are_behind(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a database missing a migration
    async def behind(_: object) -> bool:
        return False

    monkeypatch.setattr(health, "calendar_covers", lambda year: True)
    monkeypatch.setattr(health, "is_at_head", behind)

    # when the readiness check runs
    response = await api.client.get("/readyz")

    # then it is not ready and says how to fix it
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "behind: run `invoice-graph migrate`"
