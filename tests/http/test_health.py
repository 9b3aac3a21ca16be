"""/healthz and /readyz: what a load balancer and an operator see."""

from datetime import date
from pathlib import Path

import chinese_calendar
import httpx
import pytest

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.holiday_schedule import EMPTY_SCHEDULE
from invoice_graph.domain.workdays import today_cst, use_holiday_schedule
from invoice_graph.http import health
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

    # then every check is ok and there is nothing to warn of
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok"},
        "warnings": {},
    }


def _package_knows_up_to(year: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """chinesecalendar as a release whose data ends at `year` (it raises past it)."""
    known = chinese_calendar.is_workday

    def is_workday(day: date) -> bool:
        if day.year > year:
            raise NotImplementedError(f"no data for {day.year}")
        return bool(known(day))

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)


async def test_readyz_stays_ready_and_warns_of_the_year_the_calendar_lacks(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a calendar whose data ends this year
    this_year = today_cst().year
    _package_knows_up_to(this_year, monkeypatch)

    # when the readiness check runs
    response = await api.client.get("/readyz")

    # then it is ready (a load balancer keeps it), and the warning says which year and what to do
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    warning = body["warnings"]["calendar"]
    assert str(this_year + 1) in warning
    assert "HOLIDAYS_FILE" in warning
    assert "upgrade chinesecalendar" in warning


async def test_a_holidays_file_for_the_missing_year_ends_the_warning(
    database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given a calendar whose data ends this year, and the operator's file for the next
    this_year = today_cst().year
    _package_knows_up_to(this_year, monkeypatch)
    holidays = tmp_path / "holidays.toml"
    holidays.write_text(f'[{this_year + 1}]\nholidays = ["{this_year + 1}-01-01"]\n', encoding="utf-8")
    settings = Settings(environment="test", holidays_file=holidays)

    # when the server starts with it and is asked whether it is ready
    try:
        app = create_app(settings, database)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            body = (await client.get("/readyz")).json()
    finally:
        use_holiday_schedule(EMPTY_SCHEDULE)

    # then nothing is missing
    assert body == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}, "warnings": {}}


async def test_readyz_says_when_migrations_are_behind(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a database missing a migration
    async def behind(_: object) -> bool:
        return False

    monkeypatch.setattr(health, "is_at_head", behind)

    # when the readiness check runs
    response = await api.client.get("/readyz")

    # then it is not ready and says how to fix it
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "behind: run `invoice-graph migrate`"
