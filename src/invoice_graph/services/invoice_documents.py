"""The files of an issued e-invoice and the e-mails that carry them (SPEC sections 9 and 10).

Both are written in the transaction of the status change that causes them: the documents, the
delivery row and its background job commit with the change or not at all, so a rolled-back issue
stores no file and sends no e-mail, and a committed one always sends (the job runner retries).
"""

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from email.utils import make_msgid

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.config import Settings
from invoice_graph.db.queries import documents as queries
from invoice_graph.db.queries.jobs import enqueue_job
from invoice_graph.documents.model import InvoiceData, InvoiceItem, Party
from invoice_graph.documents.pdf import render_pdf
from invoice_graph.documents.xml import render_xml, validate_xml
from invoice_graph.domain.e_invoices import DocumentFormat, InvoiceColour
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import ApplicationRecord, DeliveryRecord, DocumentRecord
from invoice_graph.domain.titles import InvoiceType

INVOICE_EMAIL_JOB = "invoice_email"
# An e-mail is tried for about a day before it is FAILED (the runner's backoff doubles each time).
EMAIL_ATTEMPTS = 12
_CLOUD_ITEM = "*信息技术服务*云服务费"
_MARKET_ITEM = "*信息技术服务*云市场服务费"
# The invoice deficit taken off (SPEC section 11): invoiced cash refunded since.
_OFFSET_ITEM = "*信息技术服务*退款欠票抵减"
_FORMATS = (
    (DocumentFormat.PDF, "application/pdf", ".pdf"),
    (DocumentFormat.XML, "application/xml", ".xml"),
)


@dataclass(frozen=True, slots=True)
class Issuer:
    """Who issues the invoices, as printed on them (the SELLER_* settings)."""

    seller: Party
    mail_domain: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "Issuer":
        """The issuer the settings describe."""
        seller = Party(
            name=settings.seller_name,
            taxpayer_id=settings.seller_taxpayer_id,
            address=settings.seller_address,
            phone=settings.seller_phone,
            bank_name=settings.seller_bank_name,
            bank_account=settings.seller_bank_account,
        )
        return cls(seller=seller, mail_domain=settings.mail_from.rpartition("@")[2] or "localhost")


def shares(total_fen: int, parts: int) -> list[int]:
    """`total_fen` in `parts` near-equal shares that add up to it exactly; the first ones take the
    remainder's fen."""
    base, remainder = divmod(total_fen, parts)
    return [base + (1 if index < remainder else 0) for index in range(parts)]


def offset_shares(offset_fen: int, totals_fen: Sequence[int]) -> list[int]:
    """The deficit offset of each of an application's invoices: taken off the first ones first, each
    at most its total, so no invoice is for less than nothing; the shares add up to the offset."""
    left = offset_fen
    taken = []
    for total in totals_fen:
        take = min(left, total)
        taken.append(take)
        left -= take
    return taken


def _months_text(months: Sequence[date]) -> str:
    first, last = Month.of(min(months)), Month.of(max(months))
    return str(first) if first == last else f"{first} 至 {last}"


def invoice_data(
    application: ApplicationRecord,
    *,
    numbers: Sequence[str],
    colour: InvoiceColour,
    issued_on: date,
    seller: Party,
) -> list[InvoiceData]:
    """The invoices of an application, one per number.

    Finance issues several invoices for one application when one would pass the per-invoice limit;
    the cloud and the market amounts are then shared near-equally among them, to the fen. Red-letter
    invoices mirror the blue ones in order: the n-th red number voids the n-th invoice number.
    """
    title = application.title
    buyer = Party(
        name=title["name"],
        taxpayer_id=title.get("taxpayer_id"),
        address=title.get("registered_address"),
        phone=title.get("registered_phone"),
        bank_name=title.get("bank_name"),
        bank_account=title.get("bank_account"),
    )
    months = _months_text(application.months)
    cloud = shares(application.cloud_fen, len(numbers))
    market = shares(application.market_fen, len(numbers))
    offsets = offset_shares(
        application.deficit_offset_fen, [c + m for c, m in zip(cloud, market, strict=True)]
    )
    invoices = []
    for index, number in enumerate(numbers):
        # The deficit offset is a discount line after the items (a negative amount).
        items = tuple(
            InvoiceItem(name=name, specification=months, amount_fen=fen)
            for name, fen in (
                (_CLOUD_ITEM, cloud[index]),
                (_MARKET_ITEM, market[index]),
                (_OFFSET_ITEM, -offsets[index]),
            )
            if fen
        )
        original = application.invoice_numbers[index] if colour is InvoiceColour.RED else None
        invoices.append(
            InvoiceData(
                invoice_number=number,
                issued_on=issued_on,
                colour=colour,
                is_special=title.get("invoice_type") == InvoiceType.VAT_SPECIAL.value,
                seller=seller,
                buyer=buyer,
                items=items,
                remark=application.remark,
                application_number=application.number,
                original_invoice_number=original,
            )
        )
    return invoices


def _render(invoice: InvoiceData) -> tuple[bytes, bytes]:
    xml = render_xml(invoice)
    # A file we could not vouch for is never issued: the schema is the contract with its readers.
    validate_xml(xml)
    return render_pdf(invoice), xml


async def issue_documents(
    connection: AsyncConnection,
    application: ApplicationRecord,
    *,
    numbers: Sequence[str],
    colour: InvoiceColour,
    issued_on: date,
    issuer: Issuer,
) -> list[DocumentRecord]:
    """Render and store a PDF and an XML per invoice number, in the caller's transaction."""
    stored = []
    for invoice in invoice_data(
        application, numbers=numbers, colour=colour, issued_on=issued_on, seller=issuer.seller
    ):
        # Rendering takes CPU time: off the event loop, so other requests go on meanwhile.
        files = await asyncio.to_thread(_render, invoice)
        for (format_, content_type, suffix), content in zip(_FORMATS, files, strict=True):
            stored.append(
                await queries.insert_document(
                    connection=connection,
                    values={
                        "account_id": application.account_id,
                        "application_id": application.id,
                        "invoice_number": invoice.invoice_number,
                        "format": format_.value,
                        "colour": colour.value,
                        "file_name": invoice.invoice_number + suffix,
                        "content_type": content_type,
                        "content": content,
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "size_bytes": len(content),
                    },
                )
            )
    return stored


async def queue_email(
    connection: AsyncConnection,
    application: ApplicationRecord,
    *,
    colour: InvoiceColour,
    recipients: Sequence[str],
    issuer: Issuer,
) -> DeliveryRecord:
    """Record an e-mail of the application's documents of one colour and queue the job that sends it."""
    delivery = await queries.insert_delivery(
        connection=connection,
        values={
            "account_id": application.account_id,
            "application_id": application.id,
            "colour": colour.value,
            "recipients": list(recipients),
            "message_id": make_msgid("invoice", domain=issuer.mail_domain),
        },
    )
    await enqueue_job(
        connection=connection,
        kind=INVOICE_EMAIL_JOB,
        payload={"account_id": application.account_id, "delivery_id": delivery.id},
        max_attempts=EMAIL_ATTEMPTS,
    )
    return delivery
