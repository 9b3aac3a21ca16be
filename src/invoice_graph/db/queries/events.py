"""The events outbox (SPEC section 12): an event, its webhook deliveries and their jobs, and the
notice subscribers listen for, all written in the caller's transaction.

The deliveries go to the enabled endpoints that chose the event's type and whose owner may see
what the event is about; each gets a `webhook_delivery` job. PostgreSQL sends the NOTIFYs at commit,
so a rolled-back change leaves no event, no delivery, no job and no notice.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.queries.jobs import JOBS_CHANNEL
from invoice_graph.domain.events import EventType
from invoice_graph.domain.viewer import Role, Viewer

WEBHOOK_DELIVERY_JOB = "webhook_delivery"
# Attempts of a delivery's job: the first and one per step of RETRY_SCHEDULE_SECONDS.
WEBHOOK_DELIVERY_ATTEMPTS = 7
# Subscribers' channel: a JSON notice {"accountId", "applicationId"} for each changed application.
APPLICATIONS_CHANNEL = "invoice_graph_applications"

_INSERT_EVENT = text(
    """
INSERT INTO events (event_id, type, account_id, data) VALUES (:event_id, :type, :account_id, :data)
RETURNING id
"""
)
# Endpoints that may see an account: finance's, its partner's, its own.
_SEES_ACCOUNT = """
SELECT e.id FROM webhook_endpoints e, accounts a
WHERE a.id = :account_id AND e.enabled AND :type = ANY(e.events)
  AND (e.owner_role = 'FINANCE'
       OR (e.owner_role = 'PARTNER' AND e.owner_partner_id = a.partner_id)
       OR (e.owner_role = 'CUSTOMER' AND e.owner_account_id = a.id))
"""
# Endpoints that see an account with a statement of one of the months.
_SEES_MONTHS = """
SELECT e.id FROM webhook_endpoints e
WHERE e.enabled AND :type = ANY(e.events)
  AND (e.owner_role = 'FINANCE' OR EXISTS (
      SELECT 1 FROM statements s JOIN accounts a ON a.id = s.account_id
      WHERE s.month = ANY(:months)
        AND ((e.owner_role = 'PARTNER' AND e.owner_partner_id = a.partner_id)
             OR (e.owner_role = 'CUSTOMER' AND e.owner_account_id = a.id))))
"""
# The endpoints of one owner.
_OWNED = """
SELECT e.id FROM webhook_endpoints e
WHERE e.enabled AND :type = ANY(e.events) AND e.owner_role = :role
  AND e.owner_account_id IS NOT DISTINCT FROM :owner_account_id
  AND e.owner_partner_id IS NOT DISTINCT FROM :owner_partner_id
"""
_FAN_OUT = """
WITH deliveries AS (
    INSERT INTO webhook_deliveries (endpoint_id, event_id, next_attempt_at)
    SELECT id, :event, now() FROM ({audience}) audience
    RETURNING id
)
INSERT INTO jobs (kind, payload, max_attempts)
SELECT :kind, jsonb_build_object('delivery_id', id), :attempts FROM deliveries
"""


async def _record(
    connection: AsyncConnection,
    *,
    type_: EventType,
    account_id: int | None,
    data: dict[str, Any],
    audience: str,
    values: dict[str, Any],
) -> str:
    event_id = f"msg_{uuid.uuid4().hex}"
    row = await connection.execute(
        _INSERT_EVENT,
        {"event_id": event_id, "type": type_.value, "account_id": account_id, "data": json.dumps(data)},
    )
    event = int(row.scalar_one())
    fanned = await connection.execute(
        text(_FAN_OUT.format(audience=audience)),
        {
            **values,
            "type": type_.value,
            "event": event,
            "kind": WEBHOOK_DELIVERY_JOB,
            "attempts": WEBHOOK_DELIVERY_ATTEMPTS,
        },
    )
    if fanned.rowcount:
        await connection.execute(text("SELECT pg_notify(:channel, '')"), {"channel": JOBS_CHANNEL})
    return event_id


async def record_account_event(
    *, connection: AsyncConnection, type_: EventType, account_id: int, data: dict[str, Any]
) -> str:
    """An event about an account, delivered to the endpoints whose owner may see it; its event id."""
    return await _record(
        connection,
        type_=type_,
        account_id=account_id,
        data=data,
        audience=_SEES_ACCOUNT,
        values={"account_id": account_id},
    )


async def record_months_event(
    *, connection: AsyncConnection, type_: EventType, months: Sequence[date], data: dict[str, Any]
) -> str:
    """An event about months (statements generated), delivered to the endpoints whose owner sees an
    account with a statement of one of them; its event id."""
    return await _record(
        connection,
        type_=type_,
        account_id=None,
        data=data,
        audience=_SEES_MONTHS,
        values={"months": list(months)},
    )


async def record_owner_event(
    *, connection: AsyncConnection, type_: EventType, owner: Viewer, data: dict[str, Any]
) -> str:
    """An event for one owner (an export finished), delivered to its own endpoints; its event id."""
    return await _record(
        connection,
        type_=type_,
        account_id=owner.account_id if owner.role is Role.CUSTOMER else None,
        data=data,
        audience=_OWNED,
        values={
            "role": owner.role.value,
            "owner_account_id": owner.account_id if owner.role is Role.CUSTOMER else None,
            "owner_partner_id": owner.partner_id if owner.role is Role.PARTNER else None,
        },
    )


async def notify_application_changed(
    *, connection: AsyncConnection, account_id: int, partner_id: int | None, application_id: int
) -> None:
    """Tell subscribers, at commit, that an application of an account (managed by `partner_id`) was
    made or changed status."""
    notice = json.dumps({"accountId": account_id, "partnerId": partner_id, "applicationId": application_id})
    await connection.execute(
        text("SELECT pg_notify(:channel, :notice)"), {"channel": APPLICATIONS_CHANNEL, "notice": notice}
    )
