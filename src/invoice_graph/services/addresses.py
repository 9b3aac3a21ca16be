"""Creating, changing and deleting an account's invoice addresses (SPEC section 4)."""

from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import addresses as queries
from invoice_graph.domain.addresses import (
    MAX_ADDRESSES,
    Address,
    AddressChanges,
    address_not_found,
    changed_address,
    checked_address,
)
from invoice_graph.domain.defaults import (
    account_not_found,
    becomes_default,
    check_keeps_a_default,
    check_room,
    successor_of,
)


def _address_of(row: Any) -> Address:
    return Address(
        recipient=row.recipient,
        phone=row.phone,
        province=row.province,
        city=row.city,
        district=row.district,
        street=row.street,
        postal_code=row.postal_code,
    )


async def _locked_address(
    connection: AsyncConnection, account_id: int, address_id: int, field: list[str]
) -> tuple[Any, list[Any]]:
    """Lock the account's addresses; the address asked for, and every address of the account."""
    rows = await queries.lock_addresses_of_account(connection=connection, account_id=account_id) or []
    for row in rows:
        if row.id == address_id:
            return row, rows
    raise address_not_found(field)


async def create_address(
    database: Database, *, account_id: int, address: Address, is_default: bool | None
) -> Any:
    """Save a new address of an account.

    Args:
        database: where to save it.
        account_id: the account the address belongs to.
        address: the address as the user gave it.
        is_default: whether it becomes the default; the account's first address always does.

    Returns:
        The saved address's row.

    Raises:
        InvalidInputError: with every rule the address breaks.
        DomainError: NOT_FOUND for an unknown account, LIMIT_REACHED when it has MAX_ADDRESSES already.
    """
    checked = checked_address(address)
    async with database.transaction() as connection:
        rows = await queries.lock_addresses_of_account(connection=connection, account_id=account_id)
        if rows is None:
            raise account_not_found()
        check_room(held=len(rows), limit=MAX_ADDRESSES, things="invoice addresses")
        make_default = becomes_default(held=len(rows), requested=is_default)
        if make_default and rows:
            await queries.clear_default_address(connection=connection, account_id=account_id)
        values = {**asdict(checked), "is_default": make_default}
        return await queries.insert_address(connection=connection, account_id=account_id, values=values)


async def update_address(
    database: Database,
    *,
    account_id: int,
    address_id: int,
    changes: AddressChanges,
    is_default: bool | None,
) -> Any:
    """Change some fields of an address, or make it the default.

    Args:
        database: where the address is.
        account_id: the account the address belongs to.
        address_id: the address to change.
        changes: the fields to change; the address must follow every rule afterwards.
        is_default: True makes it the default (the former default stops being one); None leaves it.

    Returns:
        The changed address's row.

    Raises:
        InvalidInputError: with every rule the changed address would break.
        DomainError: NOT_FOUND for an unknown address, INVALID when asked to unset the only default.
    """
    async with database.transaction() as connection:
        row, _ = await _locked_address(connection, account_id, address_id, ["input", "id"])
        check_keeps_a_default(requested=is_default, is_default=row.is_default, thing="address")
        checked = checked_address(changed_address(_address_of(row), changes))
        if is_default and not row.is_default:
            await queries.clear_default_address(connection=connection, account_id=account_id)
        values = {**asdict(checked), "is_default": row.is_default or bool(is_default)}
        return await queries.update_address(
            connection=connection, account_id=account_id, address_id=address_id, values=values
        )


async def delete_address(database: Database, *, account_id: int, address_id: int) -> None:
    """Delete an address; when it was the default, the newest remaining address becomes the default.

    Applications are untouched: they keep a snapshot of the address they were made with.

    Args:
        database: where the address is.
        account_id: the account the address belongs to.
        address_id: the address to delete.

    Raises:
        DomainError: NOT_FOUND for an unknown address.
    """
    async with database.transaction() as connection:
        row, rows = await _locked_address(connection, account_id, address_id, ["id"])
        await queries.delete_address(connection=connection, account_id=account_id, address_id=address_id)
        newest = successor_of(rows, row)
        if newest is not None:
            await queries.update_address(
                connection=connection,
                account_id=account_id,
                address_id=newest.id,
                values={"is_default": True},
            )
