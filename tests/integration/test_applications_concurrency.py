"""R6 under concurrency: overlapping applications race on real PostgreSQL, one wins each month."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import invoice_application_events as events
from invoice_graph.db.tables import invoice_application_months as app_months
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import Month
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.applications import apply_for_invoice
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title

MONTHS = [Month(2024, number) for number in range(1, 7)]
RACERS = 24


@pytest.fixture
async def wide(database: Database, migrated_url: str) -> AsyncIterator[Database]:
    """The test database with a pool large enough that every racer has its own connection."""
    racing = Database.connect(migrated_url, pool_size=RACERS + 2)
    yield racing
    await racing.dispose()


async def _setup(database: Database, tmp_path: Path) -> tuple[Viewer, int, int]:
    rows = [line(billed_on=f"{month}-10", delivered_on="2024-01-01") for month in MONTHS]
    await make_statements(database, tmp_path, rows)
    title_id, address_id = await add_title(database), await add_address(database)
    account_id = await account_id_of(database, "A-1")
    return Viewer(role=Role.CUSTOMER, token_id=0, account_id=account_id), title_id, address_id


def _request(
    viewer: Viewer, ids: tuple[int, int], months: list[Month], key: str | None
) -> ApplicationRequest:
    assert viewer.account_id is not None
    return ApplicationRequest(
        account_id=viewer.account_id,
        months=tuple(months),
        title_id=ids[0],
        address_id=ids[1],
        confirmed_amount=Decimal(100 * len(months)),
        accept_terms=True,
        idempotency_key=key,
    )


async def _outcome(database: Database, viewer: Viewer, request: ApplicationRequest) -> Any:
    try:
        return await apply_for_invoice(database, viewer=viewer, request=request)
    except (DomainError, InvalidInputError) as error:
        return error


async def _counts(database: Database) -> dict[str, int]:
    async with database.read() as connection:
        return {
            table.name: int((await connection.execute(select(func.count()).select_from(table))).scalar_one())
            for table in (applications, app_months, events)
        }


async def test_overlapping_concurrent_applications_leave_one_winner_per_month(
    database: Database, wide: Database, tmp_path: Path
) -> None:
    # given six invoiceable months and 24 customers' tabs applying for overlapping pairs of them
    viewer, *ids = await _setup(database, tmp_path)
    windows = [MONTHS[i % 5 : i % 5 + 2] for i in range(RACERS)]
    requests = [_request(viewer, (ids[0], ids[1]), window, None) for window in windows]

    # when they all apply at once, each on its own connection
    outcomes = await asyncio.gather(*(_outcome(wide, viewer, request) for request in requests))

    # then each loser is told its month is taken, and no month is in two active applications
    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert winners
    assert len(winners) + len(losers) == RACERS
    for loser in losers:
        assert isinstance(loser, InvalidInputError)
        errors = loser.errors
        assert {error.code for error in errors} == {ErrorCode.MONTH_ALREADY_INVOICED}
    covered = Counter(month for winner in winners for month in winner.months)
    assert all(count == 1 for count in covered.values())

    # and nothing is half-written: every saved application has its months and its event
    counts = await _counts(database)
    assert counts["invoice_applications"] == len(winners)
    assert counts["invoice_application_months"] == sum(len(w.months) for w in winners)
    assert counts["invoice_application_events"] == len(winners)


async def test_concurrent_retries_with_one_idempotency_key_make_one_application(
    database: Database, wide: Database, tmp_path: Path
) -> None:
    # given one request retried 20 times at once with the same idempotency key
    viewer, *ids = await _setup(database, tmp_path)
    request = _request(viewer, (ids[0], ids[1]), MONTHS[:3], "retry-1")

    # when the retries race
    outcomes = await asyncio.gather(*(_outcome(wide, viewer, request) for _ in range(20)))

    # then every one returns the same application, saved once
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len({o.id for o in outcomes}) == 1
    assert (await _counts(database))["invoice_applications"] == 1

    # and the same key with another input is refused, nothing saved
    other = _request(viewer, (ids[0], ids[1]), MONTHS[3:4], "retry-1")
    refused = await _outcome(database, viewer, other)
    assert isinstance(refused, DomainError)
    assert refused.code is ErrorCode.IDEMPOTENCY_KEY_REUSED
    assert (await _counts(database))["invoice_applications"] == 1
