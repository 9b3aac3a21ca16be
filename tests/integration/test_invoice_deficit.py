"""The invoice deficit ledger on real PostgreSQL (SPEC section 11): offsets, releases, and races."""

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.queries.applications import list_applications_by_ids
from invoice_graph.db.tables import accounts, invoice_deficit_entries
from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action, ReversalReason
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.application_status import change_application_status
from invoice_graph.services.applications import apply_for_invoice, preview_application
from tests.factories import import_rows, line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title

MONTHS = [Month(2024, number) for number in range(1, 7)]
FINANCE = Viewer(role=Role.FINANCE, token_id=0)


async def _setup(database: Database, tmp_path: Path, *, refunded: str) -> tuple[Viewer, int, int]:
    """Six generated months of 300.00 each, and a refund of `refunded` of January's line after that."""
    rows = [
        line(billed_on=f"{month}-10", delivered_on="2024-01-01", amount="300.00", cash_amount="300.00")
        for month in MONTHS
    ]
    await make_statements(database, tmp_path, rows)
    january = rows[0]
    refund = {
        **january,
        "line_id": "REFUND-1",
        "refund_of": january["line_id"],
        "billed_on": "2024-07-05",
        "amount": refunded,
        "cash_amount": refunded,
    }
    await import_rows(database, tmp_path, [refund])
    title_id, address_id = await add_title(database), await add_address(database)
    account_id = await account_id_of(database, "A-1")
    return Viewer(role=Role.CUSTOMER, token_id=0, account_id=account_id), title_id, address_id


def _request(viewer: Viewer, ids: tuple[int, int], months: list[Month], amount: str) -> ApplicationRequest:
    assert viewer.account_id is not None
    return ApplicationRequest(
        account_id=viewer.account_id,
        months=tuple(months),
        title_id=ids[0],
        address_id=ids[1],
        confirmed_amount=Decimal(amount),
        accept_terms=True,
    )


async def _ledger(database: Database) -> tuple[int, list[tuple[str, int, int, int | None]]]:
    async with database.read() as connection:
        deficit = (await connection.execute(select(accounts.c.invoice_deficit_fen))).scalar_one()
        entries = await connection.execute(
            select(
                invoice_deficit_entries.c.kind,
                invoice_deficit_entries.c.amount_fen,
                invoice_deficit_entries.c.balance_fen,
                invoice_deficit_entries.c.application_id,
            ).order_by(invoice_deficit_entries.c.id)
        )
        return int(deficit), [(row[0], row[1], row[2], row[3]) for row in entries]


async def _apply(database: Database, viewer: Viewer, ids: list[int], months: list[Month], amount: str) -> Any:
    try:
        return await apply_for_invoice(
            database, viewer=viewer, request=_request(viewer, (ids[0], ids[1]), months, amount)
        )
    except (DomainError, InvalidInputError) as error:
        return error


async def _act(
    database: Database, viewer: Viewer, application: ApplicationRecord, change: StatusChange
) -> None:
    await change_application_status(
        database,
        viewer=viewer,
        account_id=application.account_id,
        application_id=application.id,
        change=change,
    )


async def test_the_next_application_takes_the_deficit_off_first(database: Database, tmp_path: Path) -> None:
    # given a deficit of 250.00
    viewer, *ids = await _setup(database, tmp_path, refunded="250.00")
    assert viewer.account_id is not None
    # when the customer previews and applies for March (300.00)
    preview = await preview_application(
        database, viewer=viewer, account_id=viewer.account_id, months=[MONTHS[2]]
    )
    application = await _apply(database, viewer, ids, [MONTHS[2]], "50.00")
    # then both take the deficit off: the invoice is for 50.00
    assert (preview.cloud_fen, preview.deficit_offset_fen, preview.amount_fen, preview.problems) == (
        30000,
        25000,
        5000,
        [],
    )
    assert (application.cloud_fen, application.deficit_offset_fen, application.amount_fen) == (
        30000,
        25000,
        5000,
    )
    # and the ledger has the offset with the balance after it
    assert await _ledger(database) == (
        0,
        [("REFUND", 25000, 25000, None), ("OFFSET", -25000, 0, application.id)],
    )
    # and the next application has nothing taken off
    second = await _apply(database, viewer, ids, [MONTHS[3]], "300.00")
    assert (second.deficit_offset_fen, second.amount_fen) == (0, 30000)


async def test_confirming_the_total_before_the_offset_is_a_mismatch(
    database: Database, tmp_path: Path
) -> None:
    viewer, *ids = await _setup(database, tmp_path, refunded="250.00")
    refused = await _apply(database, viewer, ids, [MONTHS[2]], "300.00")
    assert isinstance(refused, InvalidInputError)
    [error] = refused.errors
    assert (error.code, error.field) == (ErrorCode.AMOUNT_MISMATCH, ["input", "confirmedAmount"])
    assert "is 50.00" in error.message
    assert "250.00 of invoice deficit" in error.message
    assert (await _ledger(database))[0] == 25000


async def test_months_the_deficit_takes_whole_are_nothing_to_invoice(
    database: Database, tmp_path: Path
) -> None:
    # given a deficit of 300.00, as much as a month
    viewer, *ids = await _setup(database, tmp_path, refunded="300.00")
    assert viewer.account_id is not None
    # when the customer previews and applies for one month
    preview = await preview_application(
        database, viewer=viewer, account_id=viewer.account_id, months=[MONTHS[1]]
    )
    refused = await _apply(database, viewer, ids, [MONTHS[1]], "0.00")
    # then the preview shows the offset it would take and both say there is nothing to invoice
    assert (preview.deficit_offset_fen, preview.amount_fen) == (30000, 0)
    assert [problem.code for problem in preview.problems] == [ErrorCode.NOTHING_TO_INVOICE]
    assert isinstance(refused, InvalidInputError)
    assert [(error.code, error.field) for error in refused.errors] == [
        (ErrorCode.NOTHING_TO_INVOICE, ["input", "months"])
    ]
    # and two months leave one month's worth to invoice
    application = await _apply(database, viewer, ids, MONTHS[1:3], "300.00")
    assert (application.deficit_offset_fen, application.amount_fen) == (30000, 30000)


_PAPER_NUMBER = StatusChange(Action.ISSUE, invoice_numbers=("12345678",))
# Each way an application leaves the active ones, as (who acts, what they do) in order.
_RELEASES: dict[str, list[tuple[Viewer | None, StatusChange]]] = {
    "cancelled": [(None, StatusChange(Action.CANCEL))],
    "rejected": [(FINANCE, StatusChange(Action.REJECT, reason="Wrong title"))],
    "returned": [
        (FINANCE, _PAPER_NUMBER),
        (FINANCE, StatusChange(Action.SHIP, courier="SF", tracking_number="SF1")),
        (None, StatusChange(Action.REQUEST_RETURN, reason="Wrong", courier="SF", tracking_number="SF2")),
        (FINANCE, StatusChange(Action.CONFIRM_RETURN)),
    ],
    "reversed": [
        (FINANCE, _PAPER_NUMBER),
        (None, StatusChange(Action.REQUEST_REVERSAL, reversal_reason=ReversalReason.ISSUE_ERROR)),
        (FINANCE, StatusChange(Action.CONFIRM_REVERSAL, red_invoice_numbers=("87654321",))),
    ],
}


@pytest.mark.parametrize("way", list(_RELEASES))
async def test_an_application_that_leaves_gives_its_offset_back(
    database: Database, tmp_path: Path, way: str
) -> None:
    # given an application that took 250.00 off
    viewer, *ids = await _setup(database, tmp_path, refunded="250.00")
    application = await _apply(database, viewer, ids, [MONTHS[2]], "50.00")
    # when it is cancelled, rejected, returned or reversed
    for actor, change in _RELEASES[way]:
        await _act(database, actor or viewer, application, change)
    # then a RELEASE entry gives the offset back, and the application still shows what it took
    deficit, entries = await _ledger(database)
    assert (deficit, entries[-1]) == (25000, ("RELEASE", 25000, 25000, application.id))
    assert [kind for kind, *_ in entries] == ["REFUND", "OFFSET", "RELEASE"]
    async with database.read() as connection:
        [reloaded] = await list_applications_by_ids(
            connection=connection, keys=[(application.account_id, application.id)]
        )
    assert (reloaded.deficit_offset_fen, reloaded.amount_fen) == (25000, 5000)
    # and the next application takes it off again
    again = await _apply(database, viewer, ids, [MONTHS[2]], "50.00")
    assert again.deficit_offset_fen == 25000


async def test_an_application_without_offset_releases_nothing(database: Database, tmp_path: Path) -> None:
    viewer, *ids = await _setup(database, tmp_path, refunded="250.00")
    first = await _apply(database, viewer, ids, [MONTHS[2]], "50.00")
    second = await _apply(database, viewer, ids, [MONTHS[3]], "300.00")
    await _act(database, viewer, second, StatusChange(Action.CANCEL))
    assert [kind for kind, *_ in (await _ledger(database))[1]] == ["REFUND", "OFFSET"]
    assert first.deficit_offset_fen == 25000


RACERS = 24


@pytest.fixture
async def wide(database: Database, migrated_url: str) -> AsyncIterator[Database]:
    """The test database with a pool large enough that every racer has its own connection."""
    racing = Database.connect(migrated_url, pool_size=RACERS + 2)
    yield racing
    await racing.dispose()


async def test_concurrent_applications_never_offset_the_same_deficit_twice(
    database: Database, wide: Database, tmp_path: Path
) -> None:
    # given a deficit of 250.00 and 24 racers for six months of 300.00, four per month: two confirm
    # 50.00 (as if they took the deficit) and two 300.00 (as if another one did)
    viewer, *ids = await _setup(database, tmp_path, refunded="250.00")
    racers = [(MONTHS[index % 6], "50.00" if index % 12 < 6 else "300.00") for index in range(RACERS)]
    # when they all apply at once, each on its own connection
    outcomes = await asyncio.gather(*(_apply(wide, viewer, ids, [month], amount) for month, amount in racers))
    # then at most one application per month is saved, and exactly one of them took the deficit
    winners = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert len({winner.months[0] for winner in winners}) == len(winners)
    assert sorted(winner.deficit_offset_fen for winner in winners) == [0] * (len(winners) - 1) + [25000]
    assert all(winner.amount_fen == 30000 - winner.deficit_offset_fen for winner in winners)
    # and every loser was told why: the month was taken, or the amount is not what it confirmed
    for loser in outcomes:
        if isinstance(loser, Exception):
            assert isinstance(loser, InvalidInputError)
            assert {error.code for error in loser.errors} <= {
                ErrorCode.MONTH_ALREADY_INVOICED,
                ErrorCode.AMOUNT_MISMATCH,
            }
    # and the ledger holds the one offset, down to 0
    taker = next(winner for winner in winners if winner.deficit_offset_fen)
    assert await _ledger(database) == (0, [("REFUND", 25000, 25000, None), ("OFFSET", -25000, 0, taker.id)])
