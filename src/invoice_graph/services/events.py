"""The events that changes of applications and statements cause (SPEC section 12), written by the
services in the transaction of the change."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.queries import events as queries
from invoice_graph.domain.events import EventType
from invoice_graph.domain.global_ids import encode_id
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import AccountRecord, ApplicationRecord


def application_data(application: ApplicationRecord, account_number: str) -> dict[str, str]:
    """An application as events carry it: its GraphQL ID, number, account number and status."""
    return {
        "id": encode_id("InvoiceApplication", application.account_id, application.id),
        "number": application.number,
        "accountNumber": account_number,
        "status": application.status,
    }


async def application_changed(
    connection: AsyncConnection,
    application: ApplicationRecord,
    *,
    account: AccountRecord,
    submitted: bool = False,
    documents_issued: bool = False,
) -> None:
    """Record that an application was submitted or changed status (and issued files), and tell
    subscribers; all of it at the commit of the caller's transaction, or never."""
    data = application_data(application, account.account_number)
    kind = (
        EventType.INVOICE_APPLICATION_SUBMITTED if submitted else EventType.INVOICE_APPLICATION_STATUS_CHANGED
    )
    await queries.record_account_event(
        connection=connection, type_=kind, account_id=application.account_id, data=data
    )
    if documents_issued:
        await queries.record_account_event(
            connection=connection,
            type_=EventType.INVOICE_DOCUMENTS_ISSUED,
            account_id=application.account_id,
            data=data,
        )
    await queries.notify_application_changed(
        connection=connection,
        account_id=application.account_id,
        partner_id=account.partner_id,
        application_id=application.id,
    )


async def statements_generated(connection: AsyncConnection, months: Sequence[date]) -> None:
    """Record that the statements of some months were generated.

    The event names the months only: it goes to customers and partners too (those with a
    statement of one of them), who may not learn how many accounts were billed.
    """
    data = {"months": [str(Month.of(month)) for month in months]}
    await queries.record_months_event(
        connection=connection, type_=EventType.STATEMENTS_GENERATED, months=months, data=data
    )
