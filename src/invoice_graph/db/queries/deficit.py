"""The invoice deficit ledger (SPEC section 11): its entries, and the balance kept on the account.

Every writer of an entry changes the account's `invoice_deficit_fen` in the same statement, so
writers of one account's entries take turns on its row and each entry's balance is exact.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, any_of, fetch_pages
from invoice_graph.db.records import select_record, to_records
from invoice_graph.db.tables import accounts, invoice_deficit_entries
from invoice_graph.domain.deficit import DeficitEntryKind
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import DeficitEntryRecord

ENTRY_ORDER = Ordering((invoice_deficit_entries.c.id,), descending=True)
_ENTRIES = select_record(DeficitEntryRecord, invoice_deficit_entries)
_MOVE = text(
    """
WITH moved AS (
    UPDATE accounts SET invoice_deficit_fen = invoice_deficit_fen + :amount
    WHERE id = :account_id RETURNING id, invoice_deficit_fen
)
INSERT INTO invoice_deficit_entries (account_id, kind, amount_fen, balance_fen, at, application_id)
SELECT id, :kind, :amount, invoice_deficit_fen, :at, :application_id FROM moved
RETURNING balance_fen
"""
)


async def lock_deficit(*, connection: AsyncConnection, account_id: int) -> int:
    """The account's deficit, its row locked until the transaction ends (no other writer moves it)."""
    query = (
        select(accounts.c.invoice_deficit_fen)
        .where(accounts.c.id == account_id)
        .with_for_update(key_share=True)
    )
    return int((await connection.execute(query)).scalar_one())


async def move_deficit(
    *,
    connection: AsyncConnection,
    account_id: int,
    kind: DeficitEntryKind,
    amount_fen: int,
    application_id: int,
    at: datetime,
) -> int:
    """Write an OFFSET (negative amount) or RELEASE entry of an application; returns the balance after.

    Raises:
        IntegrityError: when the deficit would go below 0, or the application already has an entry
            of this kind.
    """
    values = {
        "account_id": account_id,
        "kind": kind.value,
        "amount": amount_fen,
        "application_id": application_id,
        "at": at,
    }
    return int((await connection.execute(_MOVE, values)).scalar_one())


async def page_entries_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: None, page: PageRequest
) -> dict[tuple[Any, ...], Page[DeficitEntryRecord]]:
    """Each account's page of ledger entries, newest first, keyed by (account_id,)."""
    query = _ENTRIES.where(any_of(invoice_deficit_entries.c.account_id, account_ids))
    return await fetch_pages(
        connection,
        DeficitEntryRecord,
        query,
        parent=(invoice_deficit_entries.c.account_id,),
        ordering=ENTRY_ORDER,
        page=page,
    )


async def count_entries_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: None
) -> dict[int, int]:
    """How many ledger entries each account has."""
    query = (
        select(invoice_deficit_entries.c.account_id, func.count())
        .where(any_of(invoice_deficit_entries.c.account_id, account_ids))
        .group_by(invoice_deficit_entries.c.account_id)
    )
    return {row[0]: row[1] for row in await connection.execute(query)}


async def list_entries_by_ids(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> list[DeficitEntryRecord]:
    """The entries of these (account_id, id) pairs that exist."""
    query = _ENTRIES.where(
        tuple_(invoice_deficit_entries.c.account_id, invoice_deficit_entries.c.id).in_(keys)
    )
    return to_records(DeficitEntryRecord, await connection.execute(query))
