"""The life of an application after it is submitted: cancel, issue, ship, deliver, reject, returns,
reversals; and the e-mails of an e-invoice's files."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.availability import violated_constraint
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import applications as queries
from invoice_graph.db.queries import deficit as deficit_queries
from invoice_graph.db.queries.documents import DOCUMENT_NUMBER_INDEX
from invoice_graph.domain.application_details import StatusChange, recorded
from invoice_graph.domain.applications import (
    RELEASING_STATUSES,
    Action,
    ApplicationStatus,
    InvoiceMedium,
    next_status,
)
from invoice_graph.domain.applying import checked_emails
from invoice_graph.domain.deficit import DeficitEntryKind
from invoice_graph.domain.e_invoices import InvoiceColour
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import CST
from invoice_graph.domain.records import AccountRecord, ApplicationRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.services import events
from invoice_graph.services.access import require_account
from invoice_graph.services.invoice_documents import Issuer, issue_documents, queue_email

_ID_FIELD = ["id"]


def _not_found() -> DomainError:
    return DomainError(
        ErrorCode.NOT_FOUND, "No such invoice application; use an application ID you may see.", _ID_FIELD
    )


async def _locked(
    connection: AsyncConnection, viewer: Viewer, account_id: int, application_id: int
) -> tuple[AccountRecord, ApplicationRecord]:
    """The application and its account, the application locked until the transaction ends, if
    the viewer may see it."""
    account = await require_account(connection, viewer, account_id, not_found=_not_found())
    row = await queries.lock_application(
        connection=connection, account_id=account_id, application_id=application_id
    )
    if row is None:
        raise _not_found()
    return account, row


async def change_application_status(
    database: Database,
    *,
    viewer: Viewer,
    account_id: int,
    application_id: int,
    change: StatusChange,
    issuer: Issuer | None = None,
    now: datetime | None = None,
) -> ApplicationRecord:
    """Take an action on an application, under a row lock, and record it as an event.

    Issuing an ELECTRONIC invoice, or confirming its reversal, also stores its files (or the
    red-letter ones) and queues their e-mail, in the same transaction.

    Args:
        database: where the application is.
        viewer: who acts; their role decides what they may do.
        account_id: the application's account (from its ID).
        application_id: the application's row id.
        change: the action and the values it records (invoice numbers, courier, reason...).
        issuer: who issues the invoices (the seller printed on e-invoices); needed to issue or
            reverse an ELECTRONIC invoice.
        now: when it happens; the current time when omitted.

    Returns:
        The updated application.

    Raises:
        DomainError: NOT_FOUND when the viewer may not see the application, FORBIDDEN when its
            role may not take the action, INVALID_STATUS_TRANSITION when its status does not allow it.
        InvalidInputError: for missing or malformed values; nothing is changed.
    """
    instant = now or datetime.now(UTC)
    try:
        async with database.transaction() as connection:
            account, row = await _locked(connection, viewer, account_id, application_id)
            medium = InvoiceMedium(row.medium)
            target = next_status(
                change.action,
                role=viewer.role,
                status=ApplicationStatus(row.status),
                medium=medium,
                status_before_return=_status_or_none(row.status_before_return),
                status_before_reversal=_status_or_none(row.status_before_reversal),
            )
            record = recorded(change, medium, row.invoice_numbers)
            values: dict[str, Any] = {**record.values, "status": target.value}
            values.update(_bookkeeping(change.action, row, instant))
            updated = await queries.update_application(
                connection=connection, account_id=account_id, application_id=application_id, values=values
            )
            issued = medium is InvoiceMedium.ELECTRONIC and change.action in _FILES_OF
            if issued:
                await _send_files(connection, updated, change.action, issuer, instant)
            if target in RELEASING_STATUSES:
                await _release(connection, row, instant)
            await queries.insert_event(
                connection=connection,
                account_id=account_id,
                application_id=application_id,
                at=instant,
                status=target.value,
                actor_role=viewer.role.value,
                note=record.note,
            )
            await events.application_changed(connection, updated, account=account, documents_issued=issued)
    except IntegrityError as error:
        if violated_constraint(error) != DOCUMENT_NUMBER_INDEX:
            raise
        # Rolled back: no file is kept and no e-mail goes out for numbers issued before.
        field = "invoiceNumbers" if change.action is Action.ISSUE else "redInvoiceNumbers"
        message = "An invoice with this number was already issued to this account; check the number."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", field])]) from error
    return updated


async def _release(connection: AsyncConnection, row: ApplicationRecord, now: datetime) -> None:
    """Free the application's months, and give back the deficit it took off (a RELEASE entry)."""
    await queries.release_months(connection=connection, account_id=row.account_id, application_id=row.id)
    if row.deficit_offset_fen:
        await deficit_queries.move_deficit(
            connection=connection,
            account_id=row.account_id,
            kind=DeficitEntryKind.RELEASE,
            amount_fen=row.deficit_offset_fen,
            application_id=row.id,
            at=now,
        )


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
    if action is Action.REQUEST_REVERSAL:
        return {"status_before_reversal": row.status}
    return {}


# The files an action on an e-invoice issues and e-mails: the invoices, or their red-letter reversals.
_FILES_OF = {Action.ISSUE: InvoiceColour.BLUE, Action.CONFIRM_REVERSAL: InvoiceColour.RED}


async def _send_files(
    connection: AsyncConnection,
    application: ApplicationRecord,
    action: Action,
    issuer: Issuer | None,
    now: datetime,
) -> None:
    colour = _FILES_OF.get(action)
    if colour is None:
        return
    if issuer is None:
        raise ValueError("issuing an e-invoice needs the issuer (the seller printed on it)")
    numbers = application.invoice_numbers if colour is InvoiceColour.BLUE else application.red_invoice_numbers
    await issue_documents(
        connection,
        application,
        numbers=numbers,
        colour=colour,
        issued_on=now.astimezone(CST).date(),
        issuer=issuer,
    )
    await queue_email(connection, application, colour=colour, recipients=application.emails, issuer=issuer)


async def resend_invoice_email(
    database: Database,
    *,
    viewer: Viewer,
    account_id: int,
    application_id: int,
    emails: Sequence[str] | None,
    issuer: Issuer,
) -> ApplicationRecord:
    """E-mail an e-invoice's files again: the red-letter ones once it is reversed.

    Args:
        database: where the application is.
        viewer: who asks: anyone who may see the application.
        account_id: the application's account (from its ID).
        application_id: the application's row id.
        emails: new recipients (1 to 5), or None for the application's own.
        issuer: who issues the invoices (the sender's domain).

    Returns:
        The application; its emailDeliveries list the new e-mail first.

    Raises:
        DomainError: NOT_FOUND when the viewer may not see it; INVALID_STATUS_TRANSITION for a
            paper invoice or one not issued yet.
        InvalidInputError: for malformed recipients; nothing is queued.
    """
    async with database.transaction() as connection:
        _, row = await _locked(connection, viewer, account_id, application_id)
        colour = _colour_to_resend(row)
        recipients = row.emails
        if emails is not None:
            recipients, problems = checked_emails(emails, ["input", "emails"])
            if problems:
                raise InvalidInputError(problems)
        await queue_email(connection, row, colour=colour, recipients=recipients, issuer=issuer)
    return row


def _colour_to_resend(row: ApplicationRecord) -> InvoiceColour:
    if row.medium != InvoiceMedium.ELECTRONIC:
        message = "A paper invoice is mailed, not e-mailed; only e-invoices can be sent again."
        raise DomainError(ErrorCode.INVALID_STATUS_TRANSITION, message)
    status = ApplicationStatus(row.status)
    if status is ApplicationStatus.REVERSED:
        return InvoiceColour.RED
    if status in {ApplicationStatus.ISSUED, ApplicationStatus.REVERSAL_REQUESTED}:
        return InvoiceColour.BLUE
    message = f"This application is {status}: there is no issued invoice to send yet."
    raise DomainError(ErrorCode.INVALID_STATUS_TRANSITION, message)
