"""Root-level reads that are not batched: each runs once per request on its own connection."""

from typing import Any

from invoice_graph.db.paging import Page, PageRequest
from invoice_graph.db.queries import accounts
from invoice_graph.graphql.context import Info


async def page_visible_accounts(info: Info, page: PageRequest) -> Page:
    """A page of the accounts the viewer may see."""
    async with info.context.database.read() as connection:
        return await accounts.page_visible_accounts(
            connection=connection, viewer=info.context.viewer, page=page
        )


async def count_visible_accounts(info: Info) -> int:
    """How many accounts the viewer may see."""
    async with info.context.database.read() as connection:
        return await accounts.count_visible_accounts(connection=connection, viewer=info.context.viewer)


async def account_by_number(info: Info, account_number: str) -> Any | None:
    """The account with this number, whether or not the viewer may see it."""
    async with info.context.database.read() as connection:
        return await accounts.get_account_by_number(connection=connection, account_number=account_number)
