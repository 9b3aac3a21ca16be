"""What the GraphQL types of titles and addresses share: built from a record's printed fields."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from invoice_graph.domain.owned_lists import Owned, OwnedKind
from invoice_graph.domain.records import field_names
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


def updated(
    info: Info, owned: OwnedTable[V], id: strawberry.ID, type_name: str, changes: Any, is_default: bool | None
) -> Awaitable[Owned[V]]:
    """The service call of an update mutation (not awaited yet).

    Raises:
        BadUserInputError: for a malformed ID or one of another type.
    """
    gid = decode_id(id, expected=type_name)
    item = {"account_id": gid.account_id, "item_id": gid.row_id}
    return owned_lists.update_item(
        info.context.database,
        owned,
        viewer=info.context.viewer,
        changes=changes,
        is_default=is_default,
        **item,
    )


def deleted(info: Info, owned: OwnedTable[V], id: strawberry.ID, type_name: str) -> Awaitable[None]:
    """The service call of a delete mutation (not awaited yet).

    Raises:
        BadUserInputError: for a malformed ID or one of another type.
    """
    gid = decode_id(id, expected=type_name)
    return owned_lists.delete_item(
        info.context.database,
        owned,
        viewer=info.context.viewer,
        account_id=gid.account_id,
        item_id=gid.row_id,
    )
