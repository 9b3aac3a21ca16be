"""Creating, changing, deleting and listing an account's invoice titles or addresses (SPEC 4).

One set of use cases for both lists; `TITLE_TABLE` and `ADDRESS_TABLE` say which. Every change
checks, inside its unit of work, that the viewer sees the account and may change its invoice
setup (finance staff may not).
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import owned_lists as queries
from invoice_graph.db.queries.owned_lists import ADDRESS_TABLE, TITLE_TABLE, OwnedTable
from invoice_graph.domain.access import Operation
from invoice_graph.domain.addresses import AddressRecord
from invoice_graph.domain.owned_lists import (
    Owned,
    becomes_default,
    check_keeps_a_default,
    check_room,
    successor_of,
)
from invoice_graph.domain.titles import TitleRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.services.access import require_account

V = TypeVar("V")

__all__ = [
    "ADDRESS_TABLE",
    "TITLE_TABLE",
    "OwnedTable",
    "create_item",
    "delete_item",
    "list_addresses_by_account_ids",
    "list_titles_by_account_ids",
    "update_item",
]


async def create_item(
    database: Database,
    owned: OwnedTable[V],
    *,
    viewer: Viewer,
    account_id: int,
    value: V,
    is_default: bool | None,
) -> Owned[V]:
    """Save a new item of an account.

    Args:
        database: where to save it.
        owned: which list (TITLE_TABLE or ADDRESS_TABLE).
        viewer: who asks: the customer or the partner managing the account.
        account_id: the account the item belongs to.
        value: the printed fields as the user gave them.
        is_default: whether it becomes the default; the account's first item always does.

    Returns:
        The saved item.

    Raises:
        InvalidInputError: with every rule the value breaks.
        DomainError: NOT_FOUND for an account the viewer does not see, FORBIDDEN for finance,
            LIMIT_REACHED when the account holds the kind's limit already.
    """
    kind = owned.kind
    async with database.transaction() as connection:
        await require_account(connection, viewer, account_id, operation=Operation.CHANGE_INVOICE_SETUP)
        checked = kind.checked(value)
        items = await queries.lock_items_of_account(connection=connection, owned=owned, account_id=account_id)
        held = len(items or [])
        check_room(held=held, limit=kind.limit, things=kind.things)
        make_default = becomes_default(held=held, requested=is_default)
        if make_default and held:
            await queries.clear_default(connection=connection, owned=owned, account_id=account_id)
        values = {**kind.values(checked), "is_default": make_default}
        return await queries.insert_item(
            connection=connection, owned=owned, account_id=account_id, values=values
        )


async def _locked_item(
    connection: AsyncConnection,
    owned: OwnedTable[V],
    viewer: Viewer,
    account_id: int,
    item_id: int,
    field: list[str],
) -> tuple[Owned[V], list[Owned[V]]]:
    """Check the viewer may change the account's list, lock it; the item asked for and every item."""
    not_found = owned.kind.not_found(field)
    await require_account(
        connection, viewer, account_id, operation=Operation.CHANGE_INVOICE_SETUP, not_found=not_found
    )
    items = await queries.lock_items_of_account(connection=connection, owned=owned, account_id=account_id)
    for item in items or []:
        if item.id == item_id:
            return item, items or []
    raise not_found


async def update_item(
    database: Database,
    owned: OwnedTable[V],
    *,
    viewer: Viewer,
    account_id: int,
    item_id: int,
    changes: Any,
    is_default: bool | None,
) -> Owned[V]:
    """Change some fields of an item, or make it the default.

    Args:
        database: where the item is.
        owned: which list.
        viewer: who asks.
        account_id: the account the item belongs to.
        item_id: the item to change.
        changes: the fields to change (TitleChanges or AddressChanges); the item must follow
            every rule afterwards.
        is_default: True makes it the default (the former default stops being one); None leaves it.

    Returns:
        The changed item.

    Raises:
        InvalidInputError: with every rule the changed item would break.
        DomainError: NOT_FOUND for an item the viewer does not see, FORBIDDEN for finance,
            INVALID when asked to unset the only default.
    """
    kind = owned.kind
    async with database.transaction() as connection:
        item, _ = await _locked_item(connection, owned, viewer, account_id, item_id, ["input", "id"])
        check_keeps_a_default(requested=is_default, is_default=item.is_default, thing=kind.thing)
        checked = kind.checked(kind.changed(item.value, changes))
        if is_default and not item.is_default:
            await queries.clear_default(connection=connection, owned=owned, account_id=account_id)
        values = {**kind.values(checked), "is_default": item.is_default or bool(is_default)}
        return await queries.update_item(
            connection=connection, owned=owned, account_id=account_id, item_id=item_id, values=values
        )


async def delete_item(
    database: Database, owned: OwnedTable[V], *, viewer: Viewer, account_id: int, item_id: int
) -> None:
    """Delete an item; when it was the default, the newest remaining item becomes the default.

    Applications are untouched: they keep a snapshot of what they were made with.

    Raises:
        DomainError: NOT_FOUND for an item the viewer does not see, FORBIDDEN for finance.
    """
    async with database.transaction() as connection:
        item, items = await _locked_item(connection, owned, viewer, account_id, item_id, ["id"])
        await queries.delete_item(connection=connection, owned=owned, account_id=account_id, item_id=item_id)
        newest = successor_of(items, item)
        if newest is not None:
            await queries.update_item(
                connection=connection,
                owned=owned,
                account_id=account_id,
                item_id=newest.id,
                values={"is_default": True},
            )


async def _by_account(
    database: Database, owned: OwnedTable[V], account_ids: Sequence[int]
) -> list[list[Owned[V]]]:
    async with database.read() as connection:
        items = await queries.list_items_by_account_ids(
            connection=connection, owned=owned, account_ids=account_ids
        )
    grouped: dict[int, list[Owned[V]]] = defaultdict(list)
    for item in items:
        grouped[item.account_id].append(item)
    return [grouped[key] for key in account_ids]


async def list_titles_by_account_ids(
    database: Database, *, account_ids: Sequence[int]
) -> list[list[TitleRecord]]:
    """Each account's titles, default first, then newest first (accounts the caller already read)."""
    return await _by_account(database, TITLE_TABLE, account_ids)


async def list_addresses_by_account_ids(
    database: Database, *, account_ids: Sequence[int]
) -> list[list[AddressRecord]]:
    """Each account's addresses, default first, then newest first (accounts the caller already read)."""
    return await _by_account(database, ADDRESS_TABLE, account_ids)
