"""Webhook endpoints and their delivery logs, as their owners see them (SPEC section 12).

An endpoint belongs to a role's scope (db/queries/scopes.py).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, any_of, fetch_pages
from invoice_graph.db.queries.events import WEBHOOK_DELIVERY_JOB
from invoice_graph.db.queries.jobs import JOBS_CHANNEL
from invoice_graph.db.queries.scopes import owned_by, owner_values
from invoice_graph.db.records import select_record, to_record, to_records
from invoice_graph.db.tables import events_table, jobs, webhook_deliveries, webhook_endpoints
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import DeliveryLogRecord, EndpointRecord
from invoice_graph.domain.viewer import Viewer

DELIVERY_ORDER = Ordering((webhook_deliveries.c.id,), descending=True)
_ENDPOINTS = select_record(EndpointRecord, webhook_endpoints)
_DELIVERIES = select_record(
    DeliveryLogRecord,
    webhook_deliveries,
    {"event_key": events_table.c.event_id, "event_type": events_table.c.type},
).select_from(webhook_deliveries.join(events_table, events_table.c.id == webhook_deliveries.c.event_id))


async def count_endpoints(*, connection: AsyncConnection, viewer: Viewer) -> int:
    """How many endpoints the viewer's scope has."""
    query = select(func.count()).select_from(webhook_endpoints).where(owned_by(webhook_endpoints, viewer))
    return int((await connection.execute(query)).scalar_one())


async def insert_endpoint(
    *, connection: AsyncConnection, viewer: Viewer, url: str, events: Sequence[str], secret_encrypted: str
) -> EndpointRecord:
    """Save an endpoint for the viewer's scope."""
    query = (
        webhook_endpoints.insert()
        .values(**owner_values(viewer), url=url, events=list(events), secret_encrypted=secret_encrypted)
        .returning(*_ENDPOINTS.selected_columns)
    )
    return EndpointRecord(*(await connection.execute(query)).one())


async def list_endpoints(*, connection: AsyncConnection, viewer: Viewer) -> list[EndpointRecord]:
    """The viewer's scope's endpoints, oldest first."""
    query = _ENDPOINTS.where(owned_by(webhook_endpoints, viewer)).order_by(webhook_endpoints.c.id)
    return to_records(EndpointRecord, await connection.execute(query))


async def list_endpoints_by_ids(
    *, connection: AsyncConnection, viewer: Viewer, ids: Sequence[int]
) -> list[EndpointRecord]:
    """Those of these endpoints that are the viewer's scope's."""
    query = _ENDPOINTS.where(owned_by(webhook_endpoints, viewer), any_of(webhook_endpoints.c.id, ids))
    return to_records(EndpointRecord, await connection.execute(query))


async def list_deliveries_by_ids(
    *, connection: AsyncConnection, viewer: Viewer, ids: Sequence[int]
) -> list[DeliveryLogRecord]:
    """Those of these deliveries that went to the viewer's scope's endpoints."""
    owned = select(webhook_endpoints.c.id).where(owned_by(webhook_endpoints, viewer))
    query = _DELIVERIES.where(
        any_of(webhook_deliveries.c.id, ids), webhook_deliveries.c.endpoint_id.in_(owned.scalar_subquery())
    )
    return to_records(DeliveryLogRecord, await connection.execute(query))


async def delete_endpoint(*, connection: AsyncConnection, viewer: Viewer, endpoint_id: int) -> bool:
    """Delete one of the viewer's scope's endpoints with its deliveries; False when it is not one."""
    query = delete(webhook_endpoints).where(
        owned_by(webhook_endpoints, viewer), webhook_endpoints.c.id == endpoint_id
    )
    return bool((await connection.execute(query)).rowcount)


async def page_deliveries_by_endpoint_ids(
    *, connection: AsyncConnection, endpoint_ids: Sequence[int], page: PageRequest
) -> dict[tuple[Any, ...], Page[DeliveryLogRecord]]:
    """Each endpoint's page of deliveries, newest first, keyed by (endpoint_id,)."""
    query = _DELIVERIES.where(any_of(webhook_deliveries.c.endpoint_id, endpoint_ids))
    return await fetch_pages(
        connection,
        DeliveryLogRecord,
        query,
        parent=(webhook_deliveries.c.endpoint_id,),
        ordering=DELIVERY_ORDER,
        page=page,
    )


async def count_deliveries_by_endpoint_ids(
    *, connection: AsyncConnection, endpoint_ids: Sequence[int]
) -> dict[int, int]:
    """How many deliveries each endpoint has."""
    query = (
        select(webhook_deliveries.c.endpoint_id, func.count())
        .where(any_of(webhook_deliveries.c.endpoint_id, endpoint_ids))
        .group_by(webhook_deliveries.c.endpoint_id)
    )
    return {row[0]: row[1] for row in await connection.execute(query)}


async def get_owned_delivery(
    *, connection: AsyncConnection, viewer: Viewer, delivery_id: int, lock: bool = False
) -> DeliveryLogRecord | None:
    """A delivery to one of the viewer's scope's endpoints, if it is one (locked when asked)."""
    owned = select(webhook_endpoints.c.id).where(owned_by(webhook_endpoints, viewer))
    query = _DELIVERIES.where(
        webhook_deliveries.c.id == delivery_id, webhook_deliveries.c.endpoint_id.in_(owned.scalar_subquery())
    )
    if lock:
        query = query.with_for_update(of=webhook_deliveries)
    return to_record(DeliveryLogRecord, (await connection.execute(query)).first())


async def hasten_queued_job(*, connection: AsyncConnection, delivery_id: int) -> bool:
    """Make the delivery's queued job due now, if it has one (and tell the runners); whether it had."""
    hastened = await connection.execute(
        jobs.update()
        .where(
            jobs.c.kind == WEBHOOK_DELIVERY_JOB,
            jobs.c.status == "QUEUED",
            jobs.c.payload["delivery_id"].as_integer() == delivery_id,
        )
        .values(run_at=func.now())
    )
    if not hastened.rowcount:
        return False
    await connection.execute(select(func.pg_notify(JOBS_CHANNEL, "")))
    return True


async def queue_again(*, connection: AsyncConnection, delivery_id: int) -> None:
    """Make a delivery PENDING and due now (its attempts are kept: the log counts every one)."""
    await connection.execute(
        webhook_deliveries.update()
        .where(webhook_deliveries.c.id == delivery_id)
        .values(status="PENDING", next_attempt_at=func.now(), last_error=None)
    )
