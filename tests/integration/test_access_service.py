"""The access policy below GraphQL: services called directly (as the CLI or a job would) refuse
what the viewer may not see or do, and the reader returns only what the viewer sees."""

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import partners
from invoice_graph.domain.access import Operation
from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.filters import ApplicationFilter
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.access import require_account
from invoice_graph.services.application_status import change_application_status
from invoice_graph.services.applications import apply_for_invoice, preview_application
from invoice_graph.services.reader import Reader
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title

MARCH = Month(2024, 3)


async def _accounts(database: Database, tmp_path: Path) -> tuple[int, int, int]:
    """A-1 managed by partner P-1, B-2 on its own; returns their ids and P-1's id."""
    await make_statements(
        database,
        tmp_path,
        [line(account_number="A-1", partner="P-1"), line(account_number="B-2", account_name="Bee Co")],
    )
    async with database.read() as connection:
        partner_id = (await connection.execute(select(partners.c.id))).scalar_one()
    return await account_id_of(database, "A-1"), await account_id_of(database, "B-2"), partner_id


def _viewers(a1: int, partner_id: int) -> dict[str, Viewer]:
    return {
        "customer": Viewer(role=Role.CUSTOMER, token_id=1, account_id=a1),
        "partner": Viewer(role=Role.PARTNER, token_id=2, partner_id=partner_id),
        "finance": Viewer(role=Role.FINANCE, token_id=3),
    }


async def _require(database: Database, viewer: Viewer, account_id: int, operation: Operation) -> str:
    try:
        async with database.read() as connection:
            await require_account(connection, viewer, account_id, operation=operation)
    except DomainError as error:
        return error.code.value
    return "ok"


async def test_require_account_follows_the_policy_tables(database: Database, tmp_path: Path) -> None:
    # given A-1 managed by P-1 and B-2 managed by nobody
    a1, b2, partner_id = await _accounts(database, tmp_path)
    viewers = _viewers(a1, partner_id)
    # when each viewer asks to read and to change each account's invoice setup
    outcomes = {
        (name, account, operation): await _require(database, viewer, account_id, operation)
        for name, viewer in viewers.items()
        for account, account_id in (("A-1", a1), ("B-2", b2))
        for operation in (Operation.READ, Operation.CHANGE_INVOICE_SETUP)
    }
    # then the unseen account does not exist for them, and finance reads but does not change
    assert outcomes == {
        ("customer", "A-1", Operation.READ): "ok",
        ("customer", "A-1", Operation.CHANGE_INVOICE_SETUP): "ok",
        ("customer", "B-2", Operation.READ): "NOT_FOUND",
        ("customer", "B-2", Operation.CHANGE_INVOICE_SETUP): "NOT_FOUND",
        ("partner", "A-1", Operation.READ): "ok",
        ("partner", "A-1", Operation.CHANGE_INVOICE_SETUP): "ok",
        ("partner", "B-2", Operation.READ): "NOT_FOUND",
        ("partner", "B-2", Operation.CHANGE_INVOICE_SETUP): "NOT_FOUND",
        ("finance", "A-1", Operation.READ): "ok",
        ("finance", "A-1", Operation.CHANGE_INVOICE_SETUP): "FORBIDDEN",
        ("finance", "B-2", Operation.READ): "ok",
        ("finance", "B-2", Operation.CHANGE_INVOICE_SETUP): "FORBIDDEN",
    }


async def test_an_account_that_does_not_exist_is_not_found_even_for_finance(database: Database) -> None:
    finance = Viewer(role=Role.FINANCE, token_id=3)
    assert await _require(database, finance, 987654, Operation.READ) == "NOT_FOUND"


async def test_the_reader_returns_only_what_the_viewer_sees(database: Database, tmp_path: Path) -> None:
    a1, b2, partner_id = await _accounts(database, tmp_path)
    for name, viewer in _viewers(a1, partner_id).items():
        reader = Reader(database, viewer)
        by_id = await reader.visible_accounts_by_id([a1, b2])
        by_number = await reader.visible_accounts_by_number(["A-1", "B-2", "C-3"])
        page = await reader.page_accounts(PageRequest(first=10))
        seen = [record.account_number for record in page.records]
        expected = ["A-1", "B-2"] if name == "finance" else ["A-1"]
        assert [record.account_number if record else None for record in by_id] == (
            ["A-1", "B-2"] if name == "finance" else ["A-1", None]
        )
        assert [record.account_number if record else None for record in by_number] == [
            *(["A-1", "B-2"] if name == "finance" else ["A-1", None]),
            None,
        ]
        assert seen == expected
        assert await reader.count_accounts() == len(expected)


def _request(account_id: int, title_id: int, address_id: int) -> ApplicationRequest:
    return ApplicationRequest(
        account_id=account_id,
        months=(MARCH,),
        title_id=title_id,
        address_id=address_id,
        confirmed_amount=Decimal("100.00"),
        accept_terms=True,
    )


async def test_applying_and_acting_check_the_viewer_in_the_service(
    database: Database, tmp_path: Path
) -> None:
    # given B-2 with a title and an address, and viewers of A-1's side
    a1, b2, partner_id = await _accounts(database, tmp_path)
    viewers = _viewers(a1, partner_id)
    request = _request(b2, await add_title(database, "B-2"), await add_address(database, "B-2"))
    # when the customer and the partner of A-1 and finance apply for B-2
    codes = {}
    for name, viewer in viewers.items():
        try:
            await apply_for_invoice(database, viewer=viewer, request=request)
        except DomainError as error:
            codes[name] = error.code
    # then B-2 does not exist for A-1's side and finance may not apply
    assert codes == {
        "customer": ErrorCode.NOT_FOUND,
        "partner": ErrorCode.NOT_FOUND,
        "finance": ErrorCode.FORBIDDEN,
    }
    # and a preview and a status change of B-2 by A-1's customer are refused the same way
    with pytest.raises(DomainError) as previewed:
        await preview_application(database, viewer=viewers["customer"], account_id=b2, months=[MARCH])
    assert previewed.value.code is ErrorCode.NOT_FOUND
    own = Viewer(role=Role.CUSTOMER, token_id=4, account_id=b2)
    application = await apply_for_invoice(database, viewer=own, request=request)
    with pytest.raises(DomainError) as cancelled:
        await change_application_status(
            database,
            viewer=viewers["partner"],
            account_id=b2,
            application_id=application.id,
            change=StatusChange(Action.CANCEL),
        )
    assert cancelled.value.code is ErrorCode.NOT_FOUND
    queue = await Reader(database, viewers["partner"]).page_applications(
        ApplicationFilter(), PageRequest(first=10)
    )
    assert queue.records == []
    finance_queue = await Reader(database, viewers["finance"]).page_applications(
        ApplicationFilter(), PageRequest(first=10)
    )
    assert [record.id for record in finance_queue.records] == [application.id]
