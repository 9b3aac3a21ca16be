"""Invoice titles of accounts."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.tables import accounts, invoice_titles

# Default first, then newest first.
TITLE_ORDER = (
    invoice_titles.c.is_default.desc(),
    invoice_titles.c.created_at.desc(),
    invoice_titles.c.id.desc(),
)


async def lock_titles_of_account(*, connection: AsyncConnection, account_id: int) -> list[Any] | None:
    """Lock an account against concurrent title changes until the transaction ends, and list its titles.

    Returns None when the account does not exist.
    """
    locked = select(accounts.c.id).where(accounts.c.id == account_id).with_for_update()
    if (await connection.execute(locked)).first() is None:
        return None
    query = select(invoice_titles).where(invoice_titles.c.account_id == account_id).order_by(*TITLE_ORDER)
    return list(await connection.execute(query))


async def list_titles_by_account_ids(*, connection: AsyncConnection, account_ids: Sequence[int]) -> list[Any]:
    """The titles of these accounts, each account's default first, then newest first."""
    query = select(invoice_titles).where(invoice_titles.c.account_id.in_(account_ids)).order_by(*TITLE_ORDER)
    return list(await connection.execute(query))


async def insert_title(*, connection: AsyncConnection, account_id: int, values: Mapping[str, Any]) -> Any:
    """Save a new title of an account and return its row."""
    query = invoice_titles.insert().values(account_id=account_id, **values).returning(invoice_titles)
    return (await connection.execute(query)).one()


async def update_title(
    *, connection: AsyncConnection, account_id: int, title_id: int, values: Mapping[str, Any]
) -> Any:
    """Change a title and return its row."""
    query = (
        update(invoice_titles)
        .where(invoice_titles.c.account_id == account_id, invoice_titles.c.id == title_id)
        .values(**values, updated_at=func.now())
        .returning(invoice_titles)
    )
    return (await connection.execute(query)).one()


async def clear_default_title(*, connection: AsyncConnection, account_id: int) -> None:
    """Make none of an account's titles the default, so another may become it."""
    await connection.execute(
        update(invoice_titles)
        .where(invoice_titles.c.account_id == account_id, invoice_titles.c.is_default)
        .values(is_default=False, updated_at=func.now())
    )


async def delete_title(*, connection: AsyncConnection, account_id: int, title_id: int) -> None:
    """Delete a title; applications keep their own snapshot of it."""
    await connection.execute(
        invoice_titles.delete().where(
            invoice_titles.c.account_id == account_id, invoice_titles.c.id == title_id
        )
    )
