"""Creating, changing and deleting an account's invoice titles (SPEC section 4)."""

from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import titles as queries
from invoice_graph.domain.defaults import (
    account_not_found,
    becomes_default,
    check_keeps_a_default,
    check_room,
    successor_of,
)
from invoice_graph.domain.titles import (
    MAX_TITLES,
    InvoiceType,
    Title,
    TitleChanges,
    TitleKind,
    changed_title,
    checked_title,
    title_not_found,
)


def _values(title: Title) -> dict[str, Any]:
    return {name: str(value) if value is not None else None for name, value in asdict(title).items()}


def _title_of(row: Any) -> Title:
    return Title(
        kind=TitleKind(row.kind),
        invoice_type=InvoiceType(row.invoice_type),
        name=row.name,
        taxpayer_id=row.taxpayer_id,
        registered_address=row.registered_address,
        registered_phone=row.registered_phone,
        bank_name=row.bank_name,
        bank_account=row.bank_account,
    )


async def _locked_title(
    connection: AsyncConnection, account_id: int, title_id: int, field: list[str]
) -> tuple[Any, list[Any]]:
    """Lock the account's titles; the title asked for, and every title of the account."""
    rows = await queries.lock_titles_of_account(connection=connection, account_id=account_id) or []
    for row in rows:
        if row.id == title_id:
            return row, rows
    raise title_not_found(field)


async def create_title(database: Database, *, account_id: int, title: Title, is_default: bool | None) -> Any:
    """Save a new title of an account.

    Args:
        database: where to save it.
        account_id: the account the title belongs to.
        title: the title as the user gave it.
        is_default: whether it becomes the default; the account's first title always does.

    Returns:
        The saved title's row.

    Raises:
        InvalidInputError: with every rule the title breaks.
        DomainError: NOT_FOUND for an unknown account, LIMIT_REACHED when it has MAX_TITLES already.
    """
    checked = checked_title(title)
    async with database.transaction() as connection:
        rows = await queries.lock_titles_of_account(connection=connection, account_id=account_id)
        if rows is None:
            raise account_not_found()
        check_room(held=len(rows), limit=MAX_TITLES, things="invoice titles")
        make_default = becomes_default(held=len(rows), requested=is_default)
        if make_default and rows:
            await queries.clear_default_title(connection=connection, account_id=account_id)
        values = {**_values(checked), "is_default": make_default}
        return await queries.insert_title(connection=connection, account_id=account_id, values=values)


async def update_title(
    database: Database, *, account_id: int, title_id: int, changes: TitleChanges, is_default: bool | None
) -> Any:
    """Change some fields of a title, or make it the default.

    Args:
        database: where the title is.
        account_id: the account the title belongs to.
        title_id: the title to change.
        changes: the fields to change; the title must follow every rule afterwards.
        is_default: True makes it the default (the former default stops being one); None leaves it.

    Returns:
        The changed title's row.

    Raises:
        InvalidInputError: with every rule the changed title would break.
        DomainError: NOT_FOUND for an unknown title, INVALID when asked to unset the only default.
    """
    async with database.transaction() as connection:
        row, _ = await _locked_title(connection, account_id, title_id, ["input", "id"])
        check_keeps_a_default(requested=is_default, is_default=row.is_default, thing="title")
        checked = checked_title(changed_title(_title_of(row), changes))
        if is_default and not row.is_default:
            await queries.clear_default_title(connection=connection, account_id=account_id)
        values = {**_values(checked), "is_default": row.is_default or bool(is_default)}
        return await queries.update_title(
            connection=connection, account_id=account_id, title_id=title_id, values=values
        )


async def delete_title(database: Database, *, account_id: int, title_id: int) -> None:
    """Delete a title; when it was the default, the newest remaining title becomes the default.

    Applications are untouched: they keep a snapshot of the title they were made with.

    Args:
        database: where the title is.
        account_id: the account the title belongs to.
        title_id: the title to delete.

    Raises:
        DomainError: NOT_FOUND for an unknown title.
    """
    async with database.transaction() as connection:
        row, rows = await _locked_title(connection, account_id, title_id, ["id"])
        await queries.delete_title(connection=connection, account_id=account_id, title_id=title_id)
        newest = successor_of(rows, row)
        if newest is not None:
            await queries.update_title(
                connection=connection, account_id=account_id, title_id=newest.id, values={"is_default": True}
            )
