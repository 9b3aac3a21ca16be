"""Webhook deliveries as the delivery job sends them (SPEC section 12): what to send, and how it went."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.records import select_record, to_record
from invoice_graph.db.tables import events_table, webhook_deliveries, webhook_endpoints
from invoice_graph.domain.events import DeliveryStatus

# How much of a failure is kept on the delivery (its log shows it to the endpoint's owner).
MAX_DELIVERY_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class DeliveryToSend:
    """A delivery with its endpoint (the secret still sealed) and its event."""

    id: int
    status: str
    attempts: int
    endpoint_id: int
    url: str
    secret_encrypted: str
    enabled: bool
    event_key: str  # the event's "msg_..." id: the webhook-id header
    event_type: str
    event_data: dict[str, Any]
    event_created_at: datetime


_TO_SEND = select_record(
    DeliveryToSend,
    webhook_deliveries,
    {
        "url": webhook_endpoints.c.url,
        "secret_encrypted": webhook_endpoints.c.secret_encrypted,
        "enabled": webhook_endpoints.c.enabled,
        "event_key": events_table.c.event_id,
        "event_type": events_table.c.type,
        "event_data": events_table.c.data,
        "event_created_at": events_table.c.created_at,
    },
).select_from(
    webhook_deliveries.join(
        webhook_endpoints, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id
    ).join(events_table, events_table.c.id == webhook_deliveries.c.event_id)
)


async def get_delivery_to_send(*, connection: AsyncConnection, delivery_id: int) -> DeliveryToSend | None:
    """A delivery and what sending it needs; None once it is gone (its endpoint was deleted)."""
    query = _TO_SEND.where(webhook_deliveries.c.id == delivery_id)
    return to_record(DeliveryToSend, (await connection.execute(query)).first())


def _truncated(error: str | None) -> str | None:
    if error is None or len(error) <= MAX_DELIVERY_ERROR_LENGTH:
        return error
    return error[: MAX_DELIVERY_ERROR_LENGTH - 1] + "…"


async def record_delivery_attempt(
    *,
    connection: AsyncConnection,
    delivery_id: int,
    status: DeliveryStatus,
    response_status: int | None,
    error: str | None,
    retry_in_seconds: float | None,
) -> bool:
    """Count one attempt and its outcome; False when the delivery is gone.

    SUCCEEDED stamps `delivered_at`; PENDING is due again in `retry_in_seconds`; SUCCEEDED and
    FAILED have no next attempt. The error is kept to MAX_DELIVERY_ERROR_LENGTH characters. A
    failed attempt never overwrites a success another attempt recorded meanwhile (a redelivery
    that overtook a slow attempt): it is only counted.
    """
    next_attempt = func.now() + timedelta(seconds=retry_in_seconds) if retry_in_seconds is not None else None
    values: dict[str, Any] = {
        "attempts": webhook_deliveries.c.attempts + 1,
        "status": status.value,
        "last_response_status": response_status,
        "last_error": _truncated(error),
        "next_attempt_at": next_attempt if status is DeliveryStatus.PENDING else None,
    }
    if status is DeliveryStatus.SUCCEEDED:
        values["delivered_at"] = func.now()
    query = webhook_deliveries.update().where(webhook_deliveries.c.id == delivery_id)
    if status is not DeliveryStatus.SUCCEEDED:
        kept = webhook_deliveries.c.status == DeliveryStatus.SUCCEEDED.value
        for column in ("status", "last_response_status", "last_error", "next_attempt_at"):
            values[column] = case((kept, webhook_deliveries.c[column]), else_=values[column])
    return bool((await connection.execute(query.values(**values))).rowcount)
