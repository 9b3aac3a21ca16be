"""An account-owned list with a limit and exactly one default: invoice titles and addresses (SPEC 4).

The shape is written once here; `titles.TITLES` and `addresses.ADDRESSES` are its two
configurations, and db/queries/owned_lists.py and services/owned_lists.py work on either.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.records import field_names

V = TypeVar("V")  # the printed fields of an item: a Title or an Address
C = TypeVar("C")  # the changes an update makes to them


@dataclass(frozen=True, slots=True)
class Owned(Generic[V]):
    """An item of an account's list: its printed fields and its place in the list."""

    account_id: int
    id: int
    value: V
    is_default: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnedKind(Generic[V, C]):
    """What makes a list of titles or of addresses: its rules and how its values are read."""

    thing: str  # "title"
    things: str  # "invoice titles"
    limit: int
    value_type: type[V]
    not_found: Callable[[list[str]], DomainError]
    checked: Callable[[V], V]
    changed: Callable[[V, C], V]
    from_values: Callable[[dict[str, Any]], V]

    @property
    def field_names(self) -> tuple[str, ...]:
        """The printed fields, in order: the columns, the snapshot keys and the GraphQL fields."""
        return field_names(self.value_type)

    def values(self, value: V) -> dict[str, Any]:
        """Printed fields as stored: texts, enums by their names, None for what is left out."""
        return {name: _plain(getattr(value, name)) for name in self.field_names}

    def snapshot(self, item: Owned[V]) -> dict[str, Any]:
        """An item's printed fields as JSON, for an application's snapshot."""
        return self.values(item.value)


def _plain(value: Any) -> Any:
    return str(value) if value is not None else None


def check_room(*, held: int, limit: int, things: str) -> None:
    """Refuse a new item when the account already holds `limit` of them.

    Raises:
        DomainError: LIMIT_REACHED, telling the user to delete one first.
    """
    if held >= limit:
        raise DomainError(
            ErrorCode.LIMIT_REACHED,
            f"An account holds at most {limit} {things}: delete one you no longer use first.",
        )


def becomes_default(*, held: int, requested: bool | None) -> bool:
    """Whether a new item becomes the default: the first always does, others when asked."""
    return held == 0 or bool(requested)


def check_keeps_a_default(*, requested: bool | None, is_default: bool, thing: str) -> None:
    """Refuse to unset the default: another item must be made the default instead.

    Raises:
        DomainError: INVALID on the isDefault field.
    """
    if requested is False and is_default:
        raise DomainError(
            ErrorCode.INVALID,
            f"An account always has a default {thing}: make another {thing} the default instead.",
            ["input", "isDefault"],
        )


def successor_of(rows: Sequence[Owned[V]], deleted: Owned[V]) -> Owned[V] | None:
    """The item that becomes the default when `deleted` goes: the newest remaining one.

    Returns:
        None when the deleted item was not the default or nothing remains.
    """
    remaining = [row for row in rows if row.id != deleted.id]
    if not deleted.is_default or not remaining:
        return None
    return max(remaining, key=lambda row: (row.created_at, row.id))
