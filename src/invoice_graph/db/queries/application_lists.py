"""Lists of invoice applications: per account, and the work queue across the accounts a viewer sees."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, fetch_page, fetch_pages, where_all
from invoice_graph.db.records import select_record
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.db.visibility import visible_rows
from invoice_graph.domain.filters import ApplicationFilter
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.domain.workdays import NOT_DONE

APPLICATION_ORDER = Ordering((applications.c.submitted_at, applications.c.id), descending=True)


def _overdue(where: ApplicationFilter) -> ColumnElement[bool] | None:
    if where.overdue is None or where.today is None:
        return None
    column = applications.c
    not_done = or_(
        *(
            and_(column.medium == medium.value, column.status.in_([status.value for status in statuses]))
            for medium, statuses in NOT_DONE.items()
        )
    )
    late = and_(not_done, applications.c.due_by < where.today)
    return late if where.overdue else not_(late)


def _filtered(where: ApplicationFilter, *conditions: ColumnElement[bool] | None) -> Select[Any]:
    statuses = [status.value for status in where.statuses] if where.statuses is not None else None
    return select_record(ApplicationRecord, applications).where(
        where_all(
            true(),  # and_() of nothing is deprecated: finance may list everything
            applications.c.status.in_(statuses) if statuses is not None else None,
            _overdue(where),
            *conditions,
        )
    )


async def page_applications_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: ApplicationFilter, page: PageRequest
) -> dict[tuple[Any, ...], Page[ApplicationRecord]]:
    """Each account's page of applications, newest first, keyed by (account_id,)."""
    query = _filtered(where, applications.c.account_id.in_(account_ids))
    return await fetch_pages(
        connection,
        ApplicationRecord,
        query,
        parent=(applications.c.account_id,),
        ordering=APPLICATION_ORDER,
        page=page,
    )


async def count_applications_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int], where: ApplicationFilter
) -> dict[int, int]:
    """How many applications matching the filter each account has."""
    inner = _filtered(where, applications.c.account_id.in_(account_ids)).subquery()
    query = select(inner.c.account_id, func.count()).group_by(inner.c.account_id)
    return {row[0]: row[1] for row in await connection.execute(query)}


async def page_visible_applications(
    *, connection: AsyncConnection, viewer: Viewer, where: ApplicationFilter, page: PageRequest
) -> Page[ApplicationRecord]:
    """A page of the applications a viewer may see across accounts, newest first."""
    query = _filtered(where, visible_rows(viewer, applications.c.account_id))
    return await fetch_page(connection, ApplicationRecord, query, ordering=APPLICATION_ORDER, page=page)


async def count_visible_applications(
    *, connection: AsyncConnection, viewer: Viewer, where: ApplicationFilter
) -> int:
    """How many applications matching the filter a viewer may see."""
    query = select(func.count()).select_from(
        _filtered(where, visible_rows(viewer, applications.c.account_id)).subquery()
    )
    return int((await connection.execute(query)).scalar_one())
