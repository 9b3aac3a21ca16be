"""The issued files of e-invoices and the e-mails that carry them (SPEC section 9)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import pairs_in
from invoice_graph.db.records import record_columns, select_record, to_record, to_records
from invoice_graph.db.tables import invoice_documents as documents
from invoice_graph.db.tables import invoice_email_deliveries as deliveries
from invoice_graph.domain.e_invoices import DeliveryStatus
from invoice_graph.domain.records import DeliveryRecord, DocumentFile, DocumentRecord

# An invoice number is issued once per account and format: a repeat violates this index.
DOCUMENT_NUMBER_INDEX = "uq_invoice_documents_account_id_invoice_number_format"
_DOCUMENTS = select_record(DocumentRecord, documents)
_FILES = select_record(DocumentFile, documents)
_DELIVERIES = select_record(DeliveryRecord, deliveries)


async def insert_document(*, connection: AsyncConnection, values: dict[str, Any]) -> DocumentRecord:
    """Store an issued file; it never changes afterwards (a trigger refuses updates)."""
    query = documents.insert().values(**values).returning(*record_columns(DocumentRecord, documents))
    return DocumentRecord(*(await connection.execute(query)).one())


async def list_documents_by_applications(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[DocumentRecord]]:
    """The documents of these (account_id, application id) pairs: by invoice, PDF before XML."""
    query = _DOCUMENTS.where(pairs_in(documents.c.account_id, documents.c.application_id, keys)).order_by(
        documents.c.id
    )
    found: dict[tuple[int, int], list[DocumentRecord]] = defaultdict(list)
    for document in to_records(DocumentRecord, await connection.execute(query)):
        found[(document.account_id, document.application_id)].append(document)
    return found


async def get_document_file(
    *, connection: AsyncConnection, account_id: int, document_id: int
) -> DocumentFile | None:
    """A document's name, type and bytes, if it exists."""
    query = _FILES.where(documents.c.account_id == account_id, documents.c.id == document_id)
    return to_record(DocumentFile, (await connection.execute(query)).first())


async def list_document_files(
    *, connection: AsyncConnection, account_id: int, application_id: int, colour: str
) -> list[DocumentFile]:
    """The files of one colour (the invoices, or their red-letter reversals) of an application."""
    query = _FILES.where(
        documents.c.account_id == account_id,
        documents.c.application_id == application_id,
        documents.c.colour == colour,
    ).order_by(documents.c.id)
    return to_records(DocumentFile, await connection.execute(query))


async def insert_delivery(*, connection: AsyncConnection, values: dict[str, Any]) -> DeliveryRecord:
    """Record an e-mail to be sent (QUEUED)."""
    query = deliveries.insert().values(**values).returning(*record_columns(DeliveryRecord, deliveries))
    return DeliveryRecord(*(await connection.execute(query)).one())


async def get_delivery(
    *, connection: AsyncConnection, account_id: int, delivery_id: int
) -> DeliveryRecord | None:
    """An e-mail delivery, if it exists."""
    query = _DELIVERIES.where(deliveries.c.account_id == account_id, deliveries.c.id == delivery_id)
    return to_record(DeliveryRecord, (await connection.execute(query)).first())


async def record_attempt(
    *,
    connection: AsyncConnection,
    account_id: int,
    delivery_id: int,
    status: DeliveryStatus,
    error: str | None,
) -> None:
    """Count a sending attempt: SENT (with the time), FAILED, or still QUEUED with its error."""
    await connection.execute(
        deliveries.update()
        .where(deliveries.c.account_id == account_id, deliveries.c.id == delivery_id)
        .values(
            attempts=deliveries.c.attempts + 1,
            status=status.value,
            last_error=error,
            sent_at=func.now() if status is DeliveryStatus.SENT else None,
        )
    )


async def list_deliveries_by_applications(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[DeliveryRecord]]:
    """The e-mails of these (account_id, application id) pairs, newest first."""
    query = _DELIVERIES.where(pairs_in(deliveries.c.account_id, deliveries.c.application_id, keys)).order_by(
        deliveries.c.queued_at.desc(), deliveries.c.id.desc()
    )
    found: dict[tuple[int, int], list[DeliveryRecord]] = defaultdict(list)
    for delivery in to_records(DeliveryRecord, await connection.execute(query)):
        found[(delivery.account_id, delivery.application_id)].append(delivery)
    return found
