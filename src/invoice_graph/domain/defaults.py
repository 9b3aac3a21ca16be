"""Rules shared by an account's titles and addresses: a limit, and exactly one default (SPEC 4)."""

from collections.abc import Sequence
from typing import Any

from invoice_graph.domain.errors import DomainError, ErrorCode


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


def account_not_found() -> DomainError:
    """The error for an account the viewer cannot see or that does not exist."""
    return DomainError(
        ErrorCode.NOT_FOUND, "No such account: use the id of an account you can see.", ["input", "accountId"]
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


def successor_of(rows: Sequence[Any], deleted: Any) -> Any | None:
    """The item that becomes the default when `deleted` goes: the newest remaining one.

    Returns:
        None when the deleted item was not the default or nothing remains.
    """
    remaining = [row for row in rows if row.id != deleted.id]
    if not deleted.is_default or not remaining:
        return None
    return max(remaining, key=lambda row: (row.created_at, row.id))
