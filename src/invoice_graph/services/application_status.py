"""The life of an application after it is submitted: cancel, issue, ship, deliver, reject, returns."""

from datetime import UTC, datetime
from typing import Any

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import applications as queries
from invoice_graph.domain.application_details import StatusChange, recorded
from invoice_graph.domain.applications import (
    RELEASING_STATUSES,
    Action,
    ApplicationStatus,
    next_status,
)
from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.services.access import require_account

_ID_FIELD = ["id"]


def _not_found() -> DomainError:
    return DomainError(
        ErrorCode.NOT_FOUND, "No such invoice application; use an application ID you may see.", _ID_FIELD
    )


async def change_application_status(
    database: Database,
    *,
    viewer: Viewer,
    account_id: int,
    application_id: int,
    change: StatusChange,
    now: datetime | None = None,
) -> ApplicationRecord:
    """Take an action on an application, under a row lock, and record it as an event.

    Args:
        database: where the application is.
        viewer: who acts; their role decides what they may do.
        account_id: the application's account (from its ID).
        application_id: the application's row id.
        change: the action and the values it records (invoice numbers, courier, reason...).
        now: when it happens; the current time when omitted.

    Returns:
        The updated application.

    Raises:
        DomainError: NOT_FOUND when the viewer may not see the application, FORBIDDEN when its
            role may not take the action, INVALID_STATUS_TRANSITION when its status does not allow it.
        InvalidInputError: for missing or malformed values; nothing is changed.
    """
    instant = now or datetime.now(UTC)
    async with database.transaction() as connection:
        await require_account(connection, viewer, account_id, not_found=_not_found())
        row = await queries.lock_application(
            connection=connection, account_id=account_id, application_id=application_id
        )
        if row is None:
            raise _not_found()
        target = next_status(
            change.action,
            role=viewer.role,
            status=ApplicationStatus(row.status),
            status_before_return=_status_or_none(row.status_before_return),
        )
        record = recorded(change)
        values: dict[str, Any] = {**record.values, "status": target.value}
        values.update(_bookkeeping(change.action, row, instant))
        updated = await queries.update_application(
            connection=connection, account_id=account_id, application_id=application_id, values=values
        )
        if target in RELEASING_STATUSES:
            await queries.release_months(
                connection=connection, account_id=account_id, application_id=application_id
            )
        await queries.insert_event(
            connection=connection,
            account_id=account_id,
            application_id=application_id,
            at=instant,
            status=target.value,
            actor_role=viewer.role.value,
            note=record.note,
        )
    return updated


def _status_or_none(value: str | None) -> ApplicationStatus | None:
    return ApplicationStatus(value) if value else None


def _bookkeeping(action: Action, row: ApplicationRecord, now: datetime) -> dict[str, Any]:
    """Attributes an action keeps for later: when it shipped, where a return started from."""
    if action is Action.SHIP:
        return {"shipped_at": now}
    if action is Action.REQUEST_RETURN:
        return {"status_before_return": row.status}
    if action is Action.REJECT_RETURN:
        return {"status_before_return": None}
    return {}
