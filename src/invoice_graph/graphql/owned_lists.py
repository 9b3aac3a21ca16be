"""What the GraphQL types of titles and addresses share: built from a record's printed fields."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Self, TypeVar

import strawberry

from invoice_graph.domain.owned_lists import Owned, OwnedKind
from invoice_graph.domain.records import field_names
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import decode_id, encode_id
from invoice_graph.services import owned_lists
from invoice_graph.services.owned_lists import OwnedTable

T = TypeVar("T")
V = TypeVar("V")


def _fields_of(value: object) -> dict[str, Any]:
    return {name: getattr(value, name) for name in field_names(type(value))}


def from_owned(cls: Callable[..., T], type_name: str, item: Owned[Any]) -> T:
    """The GraphQL object of a title or address: its ID, printed fields and bookkeeping."""
    return cls(
        id=strawberry.ID(encode_id(type_name, item.account_id, item.id)),
        **_fields_of(item.value),
        is_default=item.is_default,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


@strawberry.type(description="An item of an account's titles or addresses.")
class OwnedItem(Node):
    """What a title and an address show besides their printed fields; the type's name is its ID's."""

    is_default: bool = strawberry.field(description="Whether new applications start with this one.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it was last changed.")

    @classmethod
    def from_record(cls, record: Owned[Any]) -> Self:
        """The item as shown to clients."""
        return from_owned(cls, cls.__name__, record)


def from_snapshot(cls: Callable[..., T], kind: OwnedKind[Any, Any], snapshot: dict[str, Any]) -> T:
    """The GraphQL snapshot of a title or address stored on an application."""
    values = {name: snapshot.get(name) for name in kind.field_names}
    return cls(**_fields_of(kind.from_values(values)))


def value_of(kind: OwnedKind[T, Any], given: object) -> T:
    """The printed fields an input gives (its attributes of the same names)."""
    return kind.value_type(**{name: getattr(given, name) for name in kind.field_names})


def changes_of(changes_type: Callable[..., T], kind: OwnedKind[Any, Any], given: object) -> T:
    """The changes an update input asks for (its attributes of the printed fields' names)."""
    return changes_type(**{name: getattr(given, name) for name in kind.field_names})


def created(
    info: Info, owned: OwnedTable[V], account_id: strawberry.ID, value: V, is_default: bool | None
) -> Awaitable[Owned[V]]:
    """The service call of a create mutation (not awaited yet).

    Raises:
        BadUserInputError: for a malformed account ID.
    """
    account = decode_id(account_id, expected="Account").account_id
    return owned_lists.create_item(
        info.context.database,
        owned,
        viewer=info.context.viewer,
        account_id=account,
        value=value,
        is_default=is_default,
    )


def _item(id: strawberry.ID, type_name: str) -> tuple[int, int]:
    gid = decode_id(id, expected=type_name)
    return gid.account_id, gid.row_id


def updated(
    info: Info, owned: OwnedTable[V], id: strawberry.ID, type_name: str, changes: Any, is_default: bool | None
) -> Awaitable[Owned[V]]:
    """The service call of an update mutation (not awaited yet).

    Raises:
        BadUserInputError: for a malformed ID or one of another type.
    """
    database, viewer = info.context.database, info.context.viewer
    account, item = _item(id, type_name)
    return owned_lists.update_item(
        database,
        owned,
        viewer=viewer,
        account_id=account,
        item_id=item,
        changes=changes,
        is_default=is_default,
    )


def deleted(info: Info, owned: OwnedTable[V], id: strawberry.ID, type_name: str) -> Awaitable[None]:
    """The service call of a delete mutation (not awaited yet).

    Raises:
        BadUserInputError: for a malformed ID or one of another type.
    """
    database, viewer = info.context.database, info.context.viewer
    account, item = _item(id, type_name)
    return owned_lists.delete_item(database, owned, viewer=viewer, account_id=account, item_id=item)
