"""Statements with the invoice status of their month, and what can still be invoiced."""

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, any_of, fetch_pages, pairs_in, where_all
from invoice_graph.db.records import select_record, to_records
from invoice_graph.db.tables import invoice_application_months as app_months
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.db.tables import statements
from invoice_graph.domain.applications import ApplicationStatus, StatementInvoiceStatus
from invoice_graph.domain.filters import StatementFilter
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import InvoiceableSums, StatementRecord

STATEMENT_ORDER = Ordering((statements.c.month,), descending=True)
_INVOICED = [
    ApplicationStatus.ISSUED,
    ApplicationStatus.SHIPPED,
    ApplicationStatus.DELIVERED,
    ApplicationStatus.RETURN_REQUESTED,
]


@cache
def _with_application() -> Select[Any]:
    """Statements joined to the active application covering their month, if any.

    Made once: a Select is immutable (`.where()` makes a new one), and building the join and the
    record's columns was a tenth of a console request's CPU (bench/RESULTS.md).
    """
    joined = statements.outerjoin(
        app_months,
        and_(
            app_months.c.account_id == statements.c.account_id,
            app_months.c.month == statements.c.month,
            app_months.c.active,
        ),
    ).outerjoin(
        applications,
        and_(
            applications.c.account_id == app_months.c.account_id,
            applications.c.id == app_months.c.application_id,
        ),
    )
    return select_record(
        StatementRecord,
        statements,
        {"application_id": applications.c.id, "application_status": applications.c.status},
    ).select_from(joined)


def _status_condition(status: StatementInvoiceStatus | None) -> ColumnElement[bool] | None:
    if status is None:
        return None
    if status is StatementInvoiceStatus.NOT_INVOICED:
        return applications.c.id.is_(None)
    if status is StatementInvoiceStatus.IN_APPLICATION:
        return applications.c.status == ApplicationStatus.PENDING.value
    return applications.c.status.in_([s.value for s in _INVOICED])


def _filtered(account_ids: Sequence[int], where: StatementFilter) -> Select[Any]:
    return _with_application().where(
        where_all(
            any_of(statements.c.account_id, account_ids),
            statements.c.month >= where.from_month if where.from_month else None,
            statements.c.month <= where.to_month if where.to_month else None,
            _status_condition(where.invoice_status),
        )
    )


async def page_statements_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: StatementFilter, page: PageRequest
) -> dict[tuple[Any, ...], Page[StatementRecord]]:
    """Each account's page of statements, newest month first, keyed by (account_id,)."""
    return await fetch_pages(
        connection,
        StatementRecord,
        _filtered(account_ids, where),
        parent=(statements.c.account_id,),
        ordering=STATEMENT_ORDER,
        page=page,
    )


async def count_statements_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: StatementFilter
) -> dict[int, int]:
    """How many statements each account has that match the filter."""
    inner = _filtered(account_ids, where).subquery()
    query = select(inner.c.account_id, func.count()).group_by(inner.c.account_id)
    return {row[0]: row[1] for row in await connection.execute(query)}


async def list_statements_by_months(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, date]]
) -> list[StatementRecord]:
    """The statements of these (account_id, month) pairs that exist."""
    query = _with_application().where(pairs_in(statements.c.account_id, statements.c.month, keys))
    return to_records(StatementRecord, await connection.execute(query))


async def list_statements_by_ids(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> list[StatementRecord]:
    """The statements of these (account_id, id) pairs that exist."""
    query = _with_application().where(pairs_in(statements.c.account_id, statements.c.id, keys))
    return to_records(StatementRecord, await connection.execute(query))


async def sum_invoiceable_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], months: Sequence[date] | None
) -> dict[int, InvoiceableSums]:
    """Per account, the invoiceable cloud and market fen of generated months not in an active
    application, with those months (all such months when `months` is None)."""
    query = (
        select(
            statements.c.account_id,
            func.coalesce(func.sum(statements.c.invoiceable_cloud_fen), 0).label("cloud_fen"),
            func.coalesce(func.sum(statements.c.invoiceable_market_fen), 0).label("market_fen"),
            func.array_agg(func.distinct(statements.c.month)).label("months"),
        )
        .outerjoin(
            app_months,
            and_(
                app_months.c.account_id == statements.c.account_id,
                app_months.c.month == statements.c.month,
                app_months.c.active,
            ),
        )
        .where(any_of(statements.c.account_id, account_ids), app_months.c.month.is_(None))
        .group_by(statements.c.account_id)
    )
    if months is not None:
        query = query.where(any_of(statements.c.month, months))
    return {sums.account_id: sums for sums in to_records(InvoiceableSums, await connection.execute(query))}
