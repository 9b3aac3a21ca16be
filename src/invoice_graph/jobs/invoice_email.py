"""The job that e-mails an e-invoice's files (SPEC section 9, delivery).

Every attempt is counted on its delivery row. A message the relay accepted is not sent again when
the job reruns; one whose worker died between the relay's answer and the row's update is sent
again with the same Message-ID, so mail clients show it once.
"""

import logging
from email.message import EmailMessage
from typing import Any

from invoice_graph.db.queries import applications, documents
from invoice_graph.domain.e_invoices import DeliveryStatus, InvoiceColour
from invoice_graph.domain.records import ApplicationRecord, DeliveryRecord, DocumentFile
from invoice_graph.jobs.runner import JobContext, PermanentJobError
from invoice_graph.mail import Attachment, MailError, build_message, send_message

logger = logging.getLogger(__name__)


def _message_text(application: ApplicationRecord, delivery: DeliveryRecord, seller: str) -> tuple[str, str]:
    red = delivery.colour == InvoiceColour.RED
    numbers = application.red_invoice_numbers if red else application.invoice_numbers
    listed = "、".join(numbers)
    if red:
        subject = f"红字电子发票 {listed}（冲销 {'、'.join(application.invoice_numbers)}）"
        opening = "您的电子发票已被红字发票冲销，红字发票见附件。"
    else:
        subject = f"电子发票 {listed}"
        opening = "您申请的电子发票已开具，PDF 与 XML 文件见附件。"
    body = (
        f"{opening}\n\n"
        f"申请单号：{application.number}\n"
        f"发票号码：{listed}\n"
        f"开票方：{seller}\n\n"
        f"Your e-invoice ({application.number}) is attached as PDF and XML.\n"
    )
    return subject, body


async def send_invoice_email(context: JobContext, payload: dict[str, Any]) -> None:
    """Send one delivery's e-mail, recording the attempt.

    Raises:
        MailError: a transient failure; the runner retries with backoff.
        PermanentJobError: the relay refused the message for good, or the delivery is gone.
    """
    account_id, delivery_id = int(payload["account_id"]), int(payload["delivery_id"])
    async with context.database.read() as connection:
        delivery = await documents.get_delivery(
            connection=connection, account_id=account_id, delivery_id=delivery_id
        )
        if delivery is None:
            raise PermanentJobError(f"delivery {delivery_id} of account {account_id} does not exist")
        if delivery.status != DeliveryStatus.QUEUED:
            return
        (application,) = await applications.list_applications_by_ids(
            connection=connection, keys=[(account_id, delivery.application_id)]
        )
        files = await documents.list_document_files(
            connection=connection,
            account_id=account_id,
            application_id=delivery.application_id,
            colour=delivery.colour,
        )
    settings = context.settings
    message = _message(application, delivery, files, settings.mail_from, settings.seller_name)
    smtp_url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    try:
        await send_message(
            message, smtp_url=smtp_url, outbox_dir=settings.outbox_dir, ca_file=settings.smtp_ca_file
        )
    except MailError as error:
        final = not error.transient or context.is_last_attempt
        status = DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED
        await _record(context, delivery, status, str(error))
        _log_attempt(context, delivery, status, str(error))
        if not error.transient:
            raise PermanentJobError(str(error)) from error
        raise
    await _record(context, delivery, DeliveryStatus.SENT, None)
    _log_attempt(context, delivery, DeliveryStatus.SENT, None)


def _log_attempt(
    context: JobContext, delivery: DeliveryRecord, status: DeliveryStatus, error: str | None
) -> None:
    """One structured log line per attempt, with the e-mail's Message-ID (its id across retries)."""
    fields = {
        "delivery_id": delivery.id,
        "account_id": delivery.account_id,
        "application_id": delivery.application_id,
        "message_id": delivery.message_id,
        "attempt": context.attempt,
        "delivery_status": status.value,
        **({"error": error} if error else {}),
    }
    logger.log(
        logging.INFO if status is DeliveryStatus.SENT else logging.WARNING,
        "invoice e-mail %d (%s) attempt %d: %s%s",
        delivery.id,
        delivery.message_id,
        context.attempt,
        status.value,
        f" ({error})" if error else "",
        extra={"fields": fields},
    )


def _message(
    application: ApplicationRecord,
    delivery: DeliveryRecord,
    files: list[DocumentFile],
    sender: str,
    seller: str,
) -> EmailMessage:
    subject, text = _message_text(application, delivery, seller)
    attachments = [Attachment(file.file_name, file.content_type, file.content) for file in files]
    return build_message(
        sender=sender,
        to=delivery.recipients,
        subject=subject,
        text=text,
        attachments=attachments,
        message_id=delivery.message_id,
    )


async def _record(
    context: JobContext, delivery: DeliveryRecord, status: DeliveryStatus, error: str | None
) -> None:
    async with context.database.transaction() as connection:
        await documents.record_attempt(
            connection=connection,
            account_id=delivery.account_id,
            delivery_id=delivery.id,
            status=status,
            error=error,
        )
