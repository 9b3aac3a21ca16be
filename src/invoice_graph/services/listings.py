"""Lists across accounts, scoped to what a viewer may see: its accounts and the work queue."""

from typing import Any

from invoice_graph.db.engine import Database
from invoice_graph.db.paging import Page, PageRequest
from invoice_graph.db.queries import accounts, application_lists
from invoice_graph.db.queries.application_lists import ApplicationFilter
from invoice_graph.domain.viewer import Viewer


async def page_visible_accounts(database: Database, *, viewer: Viewer, page: PageRequest) -> Page:
    """A page of the accounts a viewer may see, by account number."""
    async with database.read() as connection:
        return await accounts.page_visible_accounts(connection=connection, viewer=viewer, page=page)


async def count_visible_accounts(database: Database, *, viewer: Viewer) -> int:
    """How many accounts a viewer may see."""
    async with database.read() as connection:
        return await accounts.count_visible_accounts(connection=connection, viewer=viewer)


async def find_account(database: Database, *, account_number: str) -> Any | None:
    """The account with this number, whether or not a viewer may see it (callers check)."""
    async with database.read() as connection:
        return await accounts.get_account_by_number(connection=connection, account_number=account_number)


async def page_visible_applications(
    database: Database, *, viewer: Viewer, where: ApplicationFilter, page: PageRequest
) -> Page:
    """A page of the applications a viewer may see across accounts, newest first."""
    async with database.read() as connection:
        return await application_lists.page_visible_applications(
            connection=connection, viewer=viewer, where=where, page=page
        )


async def count_visible_applications(database: Database, *, viewer: Viewer, where: ApplicationFilter) -> int:
    """How many applications matching the filter a viewer may see."""
    async with database.read() as connection:
        return await application_lists.count_visible_applications(
            connection=connection, viewer=viewer, where=where
        )
