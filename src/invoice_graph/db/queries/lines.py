"""Billing lines as shown in a statement."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, fetch_pages
from invoice_graph.db.records import select_record, to_records
from invoice_graph.db.tables import billing_lines
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import LineRecord

LINE_ORDER = Ordering((billing_lines.c.billed_on, billing_lines.c.id), descending=False)
# Refunds are in no statement: a statement's lines are its billed lines (net of the refunds taken
# off them before it was generated).
_STATEMENT_LINE = billing_lines.c.refund_of.is_(None)
_LINES = select_record(LineRecord, billing_lines).where(_STATEMENT_LINE)


async def page_lines_by_statements(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, date]], page: PageRequest
) -> dict[tuple[Any, ...], Page[LineRecord]]:
    """Each statement's page of lines, keyed by (account_id, month), in billing order."""
    query = _LINES.where(tuple_(billing_lines.c.account_id, billing_lines.c.month).in_(keys))
    parent = (billing_lines.c.account_id, billing_lines.c.month)
    return await fetch_pages(connection, LineRecord, query, parent=parent, ordering=LINE_ORDER, page=page)


async def count_lines_by_statements(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, date]]
) -> dict[tuple[int, date], int]:
    """How many lines each (account_id, month) statement has."""
    query = (
        select(billing_lines.c.account_id, billing_lines.c.month, func.count())
        .where(tuple_(billing_lines.c.account_id, billing_lines.c.month).in_(keys), _STATEMENT_LINE)
        .group_by(billing_lines.c.account_id, billing_lines.c.month)
    )
    return {(row[0], row[1]): row[2] for row in await connection.execute(query)}


async def list_lines_by_ids(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> list[LineRecord]:
    """The lines of these (account_id, id) pairs that exist."""
    query = _LINES.where(tuple_(billing_lines.c.account_id, billing_lines.c.id).in_(keys))
    return to_records(LineRecord, await connection.execute(query))
