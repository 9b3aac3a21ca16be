"""Invoice addresses of accounts."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.tables import accounts, invoice_addresses

# Default first, then newest first.
ADDRESS_ORDER = (
    invoice_addresses.c.is_default.desc(),
    invoice_addresses.c.created_at.desc(),
    invoice_addresses.c.id.desc(),
)


async def lock_addresses_of_account(*, connection: AsyncConnection, account_id: int) -> list[Any] | None:
    """Lock an account against concurrent address changes until the transaction ends, and list its addresses.

    Returns None when the account does not exist.
    """
    locked = select(accounts.c.id).where(accounts.c.id == account_id).with_for_update()
    if (await connection.execute(locked)).first() is None:
        return None
    query = (
        select(invoice_addresses).where(invoice_addresses.c.account_id == account_id).order_by(*ADDRESS_ORDER)
    )
    return list(await connection.execute(query))


async def list_addresses_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int]
) -> list[Any]:
    """The addresses of these accounts, each account's default first, then newest first."""
    query = (
        select(invoice_addresses)
        .where(invoice_addresses.c.account_id.in_(account_ids))
        .order_by(*ADDRESS_ORDER)
    )
    return list(await connection.execute(query))


async def insert_address(*, connection: AsyncConnection, account_id: int, values: Mapping[str, Any]) -> Any:
    """Save a new address of an account and return its row."""
    query = invoice_addresses.insert().values(account_id=account_id, **values).returning(invoice_addresses)
    return (await connection.execute(query)).one()


async def update_address(
    *, connection: AsyncConnection, account_id: int, address_id: int, values: Mapping[str, Any]
) -> Any:
    """Change an address and return its row."""
    query = (
        update(invoice_addresses)
        .where(invoice_addresses.c.account_id == account_id, invoice_addresses.c.id == address_id)
        .values(**values, updated_at=func.now())
        .returning(invoice_addresses)
    )
    return (await connection.execute(query)).one()


async def clear_default_address(*, connection: AsyncConnection, account_id: int) -> None:
    """Make none of an account's addresses the default, so another may become it."""
    await connection.execute(
        update(invoice_addresses)
        .where(invoice_addresses.c.account_id == account_id, invoice_addresses.c.is_default)
        .values(is_default=False, updated_at=func.now())
    )


async def delete_address(*, connection: AsyncConnection, account_id: int, address_id: int) -> None:
    """Delete an address; applications keep their own snapshot of it."""
    await connection.execute(
        invoice_addresses.delete().where(
            invoice_addresses.c.account_id == account_id, invoice_addresses.c.id == address_id
        )
    )
