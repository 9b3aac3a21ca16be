"""An account's invoice titles or addresses: one set of queries for either list."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.tables import accounts, invoice_addresses, invoice_titles
from invoice_graph.domain.addresses import ADDRESSES, Address, AddressRecord
from invoice_graph.domain.owned_lists import Owned, OwnedKind
from invoice_graph.domain.titles import TITLES, Title, TitleRecord

V = TypeVar("V")
_BOOKKEEPING = ("is_default", "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class OwnedTable(Generic[V]):
    """Where a kind of list is stored, with its columns and SELECT built once."""

    kind: OwnedKind[V, Any]
    table: Table
    columns: list[ColumnElement[Any]] = field(init=False)
    """account_id, id, the printed fields and the bookkeeping, in that order."""
    select: Select[Any] = field(init=False)
    """Every item, default first, then newest first."""

    def __post_init__(self) -> None:
        names = ("account_id", "id", *self.kind.field_names, *_BOOKKEEPING)
        columns = [self.table.c[name] for name in names]
        ordered = select(*columns).order_by(
            self.table.c.is_default.desc(), self.table.c.created_at.desc(), self.table.c.id.desc()
        )
        object.__setattr__(self, "columns", columns)  # frozen: set once, here
        object.__setattr__(self, "select", ordered)

    def item(self, row: Any) -> Owned[V]:
        """A row of `columns` as an item."""
        names = self.kind.field_names
        values = self.kind.from_values(dict(zip(names, row[2 : 2 + len(names)], strict=True)))
        is_default, created_at, updated_at = row[2 + len(names) :]
        return Owned(row[0], row[1], values, is_default, created_at, updated_at)

    def mine(self, account_id: int, item_id: int) -> ColumnElement[bool]:
        """The condition picking one item of an account."""
        return (self.table.c.account_id == account_id) & (self.table.c.id == item_id)


TITLE_TABLE: OwnedTable[Title] = OwnedTable(TITLES, invoice_titles)
ADDRESS_TABLE: OwnedTable[Address] = OwnedTable(ADDRESSES, invoice_addresses)


async def lock_items_of_account(
    *, connection: AsyncConnection, owned: OwnedTable[V], account_id: int
) -> list[Owned[V]] | None:
    """Lock an account against concurrent changes of the list until the transaction ends; its items.

    Returns None when the account does not exist.
    """
    locked = select(accounts.c.id).where(accounts.c.id == account_id).with_for_update()
    if (await connection.execute(locked)).first() is None:
        return None
    query = owned.select.where(owned.table.c.account_id == account_id)
    return [owned.item(row) for row in await connection.execute(query)]


async def list_items_by_account_ids(
    *, connection: AsyncConnection, owned: OwnedTable[V], account_ids: Sequence[int]
) -> list[Owned[V]]:
    """The items of these accounts, each account's default first, then newest first."""
    query = owned.select.where(owned.table.c.account_id.in_(account_ids))
    return [owned.item(row) for row in await connection.execute(query)]


async def get_item(
    *, connection: AsyncConnection, owned: OwnedTable[V], account_id: int, item_id: int
) -> Owned[V] | None:
    """The account's item with this id, if it has one."""
    row = (await connection.execute(owned.select.where(owned.mine(account_id, item_id)))).first()
    return owned.item(row) if row is not None else None


async def get_title(*, connection: AsyncConnection, account_id: int, title_id: int) -> TitleRecord | None:
    """The account's title with this id, if it has one."""
    return await get_item(connection=connection, owned=TITLE_TABLE, account_id=account_id, item_id=title_id)


async def get_address(
    *, connection: AsyncConnection, account_id: int, address_id: int
) -> AddressRecord | None:
    """The account's address with this id, if it has one."""
    return await get_item(
        connection=connection, owned=ADDRESS_TABLE, account_id=account_id, item_id=address_id
    )


async def insert_item(
    *, connection: AsyncConnection, owned: OwnedTable[V], account_id: int, values: Mapping[str, Any]
) -> Owned[V]:
    """Save a new item of an account and return it."""
    query = owned.table.insert().values(account_id=account_id, **values).returning(*owned.columns)
    return owned.item((await connection.execute(query)).one())


async def update_item(
    *,
    connection: AsyncConnection,
    owned: OwnedTable[V],
    account_id: int,
    item_id: int,
    values: Mapping[str, Any],
) -> Owned[V]:
    """Change an item and return it."""
    query = (
        update(owned.table)
        .where(owned.mine(account_id, item_id))
        .values(**values, updated_at=func.now())
        .returning(*owned.columns)
    )
    return owned.item((await connection.execute(query)).one())


async def clear_default(*, connection: AsyncConnection, owned: OwnedTable[V], account_id: int) -> None:
    """Make none of an account's items the default, so another may become it."""
    await connection.execute(
        update(owned.table)
        .where(owned.table.c.account_id == account_id, owned.table.c.is_default)
        .values(is_default=False, updated_at=func.now())
    )


async def delete_item(
    *, connection: AsyncConnection, owned: OwnedTable[V], account_id: int, item_id: int
) -> None:
    """Delete an item; applications keep their own snapshot of it."""
    await connection.execute(owned.table.delete().where(owned.mine(account_id, item_id)))
