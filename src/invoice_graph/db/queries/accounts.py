"""Accounts and partners."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import EMPTY_PAGE, Ordering, Page, PageRequest, any_of, fetch_pages
from invoice_graph.db.tables import accounts
from invoice_graph.domain.viewer import Role, Viewer

ACCOUNT_ORDER = Ordering((accounts.c.account_number,), descending=False)


async def list_accounts_by_ids(*, connection: AsyncConnection, ids: Sequence[int]) -> list[Any]:
    """The accounts with these ids (missing ones are left out)."""
    result = await connection.execute(select(accounts).where(any_of(accounts.c.id, ids)))
    return list(result)


async def get_account_by_number(*, connection: AsyncConnection, account_number: str) -> Any | None:
    """The account with this account number, if any."""
    result = await connection.execute(select(accounts).where(accounts.c.account_number == account_number))
    return result.first()


def _visible(viewer: Viewer) -> Select[Any]:
    query = select(accounts)
    if viewer.role is Role.CUSTOMER:
        return query.where(accounts.c.id == viewer.account_id)
    if viewer.role is Role.PARTNER:
        return query.where(accounts.c.partner_id == viewer.partner_id)
    return query


async def page_visible_accounts(*, connection: AsyncConnection, viewer: Viewer, page: PageRequest) -> Page:
    """A page of the accounts a viewer may see, by account number."""
    pages = await fetch_pages(connection, _visible(viewer), parent=(), ordering=ACCOUNT_ORDER, page=page)
    return pages.get((), EMPTY_PAGE)


async def count_visible_accounts(*, connection: AsyncConnection, viewer: Viewer) -> int:
    """How many accounts a viewer may see."""
    query = select(func.count()).select_from(_visible(viewer).subquery())
    return int((await connection.execute(query)).scalar_one())
