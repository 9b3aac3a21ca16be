"""Invoice applications, their snapshots and events, eligibility and the dry run of applying."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from invoice_graph.domain.applications import ApplicationStatus, InvoiceMedium, ReversalReason
from invoice_graph.domain.applying import EligibilityProblem
from invoice_graph.domain.e_invoices import DeliveryStatus, DocumentFormat
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import ApplicationRecord, DeliveryRecord, DocumentRecord, EventRecord
from invoice_graph.domain.viewer import Role
from invoice_graph.domain.workdays import is_overdue, today_cst
from invoice_graph.graphql.common import Money, Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddressSnapshot
from invoice_graph.graphql.invoice_titles.types import InvoiceTitleSnapshot
from invoice_graph.graphql.payloads import Payload
from invoice_graph.graphql.relations import BUILDERS, build_account
from invoice_graph.graphql.statements.types import InvoiceableTotals, MonthlyStatement
from invoice_graph.graphql.user_errors import UserError

if TYPE_CHECKING:
    from invoice_graph.graphql.accounts.types import Account

strawberry.enum(
    EligibilityProblem, name="EligibilityProblem", description="What keeps an account from applying."
)


@strawberry.type(description="One issued file of an e-invoice.")
class InvoiceDocument:
    invoice_number: str = strawberry.field(description="The invoice (or red-letter invoice) it is of.")
    format: DocumentFormat = strawberry.field(description="PDF or XML.")
    url: str = strawberry.field(
        description="A link that downloads the file without a bearer token until expiresAt."
    )
    expires_at: datetime = strawberry.field(description="When the link stops working.")
    size_bytes: int = strawberry.field(description="The file's size.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the file.")

    @classmethod
    def from_record(cls, info: Info, row: DocumentRecord) -> "InvoiceDocument":
        """The document with a fresh signed link."""
        link = info.context.download_link(row)
        return cls(
            invoice_number=row.invoice_number,
            format=DocumentFormat(row.format),
            url=link.url,
            expires_at=link.expires_at,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
        )


@strawberry.type(description="An e-mail of an e-invoice's files.")
class InvoiceEmailDelivery:
    to: list[str] = strawberry.field(description="Its recipients.")
    status: DeliveryStatus = strawberry.field(description="QUEUED until sent, or FAILED after every retry.")
    attempts: int = strawberry.field(description="How many times sending was tried.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed, if it did.")
    queued_at: datetime = strawberry.field(description="When it was queued.")
    sent_at: datetime | None = strawberry.field(description="When the mail server accepted it.")

    @classmethod
    def from_record(cls, row: DeliveryRecord) -> "InvoiceEmailDelivery":
        """The delivery as shown to clients."""
        return cls(
            to=list(row.recipients),
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            last_error=row.last_error,
            queued_at=row.queued_at,
            sent_at=row.sent_at,
        )


@strawberry.type(description="A change in an application's life.")
class InvoiceApplicationEvent:
    at: datetime = strawberry.field(description="When it happened.")
    status: ApplicationStatus = strawberry.field(description="The status it led to.")
    actor_role: Role = strawberry.field(description="The role of whoever made the change.")
    note: str | None = strawberry.field(
        description="What was recorded: invoice numbers, courier and tracking number, or a reason."
    )

    @classmethod
    def from_record(cls, row: EventRecord) -> "InvoiceApplicationEvent":
        """The event as shown to clients."""
        return cls(
            at=row.at, status=ApplicationStatus(row.status), actor_role=Role(row.actor_role), note=row.note
        )


@strawberry.type(description="An application for an invoice over one or more months.")
class InvoiceApplication(Node):
    number: str = strawberry.field(description="Human-readable application number.")
    status: ApplicationStatus = strawberry.field(description="Where the application is in its life.")
    medium: InvoiceMedium = strawberry.field(description="What the invoice is printed on.")
    months: list[Month] = strawberry.field(description="The months invoiced, oldest first.")
    cloud_amount: Money = strawberry.field(description="Invoiced cloud expense.")
    market_amount: Money = strawberry.field(description="Invoiced market expense.")
    deficit_offset: Money = strawberry.field(
        description="The part of the account's invoice deficit taken off this invoice."
    )
    amount: Money = strawberry.field(
        description="What the invoice is for: cloudAmount + marketAmount - deficitOffset."
    )
    title: InvoiceTitleSnapshot = strawberry.field(description="Who the invoice is made out to.")
    address: InvoiceAddressSnapshot | None = strawberry.field(
        description="Where a PAPER invoice is mailed; null for ELECTRONIC ones."
    )
    emails: list[str] = strawberry.field(
        description="Where an ELECTRONIC invoice is sent; empty for PAPER ones."
    )
    submitted_at: datetime = strawberry.field(description="When the customer applied.")
    due_by: date = strawberry.field(
        description="Deadline: three China working days after submission to issue and mail a PAPER "
        "invoice; one to issue an ELECTRONIC one."
    )
    overdue: bool = strawberry.field(
        description="Today (CST) is after dueBy and a PAPER invoice is not mailed yet, or an ELECTRONIC "
        "one not issued yet."
    )
    invoice_numbers: list[str] = strawberry.field(description="Numbers of the issued invoices.")
    courier: str | None = strawberry.field(description="Who mails the invoice.")
    tracking_number: str | None = strawberry.field(description="The parcel's tracking number.")
    remark: str | None = strawberry.field(description="Printed on the invoice.")
    rejection_reason: str | None = strawberry.field(description="Why finance rejected the application.")
    return_reason: str | None = strawberry.field(description="Why the customer returns the invoice.")
    return_courier: str | None = strawberry.field(description="Who mails the returned invoice back.")
    return_tracking_number: str | None = strawberry.field(
        description="Tracking number of the parcel that mails the invoice back."
    )
    reversal_reason: ReversalReason | None = strawberry.field(
        description="Why a red-letter reversal was requested."
    )
    red_invoice_numbers: list[str] = strawberry.field(
        description="Numbers of the red-letter invoices that reversed this one."
    )
    account_id: strawberry.Private[int]
    row_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, row: ApplicationRecord) -> "InvoiceApplication":
        """The application as shown to clients."""
        status = ApplicationStatus(row.status)
        return cls(
            id=strawberry.ID(encode_id("InvoiceApplication", row.account_id, row.id)),
            number=row.number,
            status=status,
            medium=InvoiceMedium(row.medium),
            months=[Month.of(month) for month in sorted(row.months)],
            cloud_amount=Money.of_fen(row.cloud_fen),
            market_amount=Money.of_fen(row.market_fen),
            deficit_offset=Money.of_fen(row.deficit_offset_fen),
            amount=Money.of_fen(row.amount_fen),
            title=InvoiceTitleSnapshot.from_snapshot(row.title),
            address=InvoiceAddressSnapshot.from_snapshot(row.address) if row.address is not None else None,
            emails=list(row.emails),
            submitted_at=row.submitted_at,
            due_by=row.due_by,
            overdue=is_overdue(status, row.due_by, today_cst(), InvoiceMedium(row.medium)),
            invoice_numbers=list(row.invoice_numbers),
            courier=row.courier,
            tracking_number=row.tracking_number,
            remark=row.remark,
            rejection_reason=row.rejection_reason,
            return_reason=row.return_reason,
            return_courier=row.return_courier,
            return_tracking_number=row.return_tracking_number,
            reversal_reason=ReversalReason(row.reversal_reason) if row.reversal_reason else None,
            red_invoice_numbers=list(row.red_invoice_numbers),
            account_id=row.account_id,
            row_id=row.id,
        )

    @strawberry.field(description="The account that applied.")
    async def account(
        self, info: Info
    ) -> Annotated["Account", strawberry.lazy("invoice_graph.graphql.accounts.types")]:
        account = await info.context.loaders.visible_accounts_by_id.load(self.account_id)
        if account is None:  # read through its account, so the viewer sees it: never happens
            raise LookupError(f"account {self.account_id} of a visible application is not visible")
        return build_account(account)  # type: ignore[no-any-return]

    @strawberry.field(description="The statements of the months invoiced, oldest first.")
    async def statements(self, info: Info) -> list[MonthlyStatement]:
        keys = [(self.account_id, month.first_day) for month in self.months]
        rows = await info.context.loaders.statements_by_month.load_many(keys)
        return [MonthlyStatement.from_record(row) for row in rows if row is not None]

    @strawberry.field(
        description="The issued files of an ELECTRONIC invoice (one PDF and one XML per invoice number, "
        "then the red-letter ones); empty for PAPER."
    )
    async def documents(self, info: Info) -> list[InvoiceDocument]:
        rows = await info.context.loaders.documents_by_application.load((self.account_id, self.row_id))
        return [InvoiceDocument.from_record(info, row) for row in rows]

    @strawberry.field(description="E-mails of the documents, newest first.")
    async def email_deliveries(self, info: Info) -> list[InvoiceEmailDelivery]:
        rows = await info.context.loaders.deliveries_by_application.load((self.account_id, self.row_id))
        return [InvoiceEmailDelivery.from_record(row) for row in rows]

    @strawberry.field(description="Every change of the application, oldest first.")
    async def events(self, info: Info) -> list[InvoiceApplicationEvent]:
        rows = await info.context.loaders.events_by_application.load((self.account_id, self.row_id))
        return [InvoiceApplicationEvent.from_record(row) for row in rows]


@strawberry.type(description="Whether an account can apply for an invoice, and what it still needs.")
class InvoiceEligibility:
    can_apply: bool = strawberry.field(description="Nothing keeps the account from applying.")
    problems: list[EligibilityProblem] = strawberry.field(description="What the account still needs.")
    invoiceable_total: Money = strawberry.field(
        description="What can be invoiced of the generated months not yet in an application."
    )


@strawberry.type(description="Dry run of applyForInvoice: the totals and every problem; nothing is saved.")
class InvoicePreview:
    totals: InvoiceableTotals = strawberry.field(description="What the months that can be applied for total.")
    deficit_offset: Money = strawberry.field(
        description="The part of the account's invoice deficit this application would take off."
    )
    amount: Money = strawberry.field(
        description="What the invoice would be for: totals.total - deficitOffset; confirmedAmount must "
        "equal it."
    )
    problems: list[UserError] = strawberry.field(
        description="Everything applyForInvoice would refuse for these months; empty when they can be "
        "applied for."
    )


@strawberry.type(description="The result of a mutation of an invoice application.")
class InvoiceApplicationPayload(Payload):
    invoice_application: InvoiceApplication | None = strawberry.field(
        description="The application as it is now; null when the mutation was refused."
    )


BUILDERS.application = InvoiceApplication.from_record
