"""Accounts, as a viewer sees them."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, any_of, fetch_page
from invoice_graph.db.records import select_record, to_record, to_records
from invoice_graph.db.tables import accounts
from invoice_graph.db.visibility import visible_accounts
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import AccountRecord
from invoice_graph.domain.viewer import Viewer

ACCOUNT_ORDER = Ordering((accounts.c.account_number,), descending=False)
_ACCOUNTS = select_record(AccountRecord, accounts)


async def get_account(*, connection: AsyncConnection, account_id: int) -> AccountRecord | None:
    """The account with this id, if any."""
    result = await connection.execute(_ACCOUNTS.where(accounts.c.id == account_id))
    return to_record(AccountRecord, result.first())


async def list_visible_accounts_by_ids(
    *, connection: AsyncConnection, viewer: Viewer, ids: Sequence[int]
) -> list[AccountRecord]:
    """The accounts with these ids that the viewer sees (the others are left out)."""
    query = _ACCOUNTS.where(any_of(accounts.c.id, ids), visible_accounts(viewer))
    return to_records(AccountRecord, await connection.execute(query))


async def list_visible_accounts_by_numbers(
    *, connection: AsyncConnection, viewer: Viewer, numbers: Sequence[str]
) -> list[AccountRecord]:
    """The accounts with these account numbers that the viewer sees (the others are left out)."""
    query = _ACCOUNTS.where(any_of(accounts.c.account_number, numbers), visible_accounts(viewer))
    return to_records(AccountRecord, await connection.execute(query))


async def page_visible_accounts(
    *, connection: AsyncConnection, viewer: Viewer, page: PageRequest
) -> Page[AccountRecord]:
    """A page of the accounts a viewer may see, by account number."""
    query = _ACCOUNTS.where(visible_accounts(viewer))
    return await fetch_page(connection, AccountRecord, query, ordering=ACCOUNT_ORDER, page=page)


async def count_visible_accounts(*, connection: AsyncConnection, viewer: Viewer) -> int:
    """How many accounts a viewer may see."""
    query = select(func.count()).select_from(accounts).where(visible_accounts(viewer))
    return int((await connection.execute(query)).scalar_one())
