"""Accounts and the viewer."""

from typing import Annotated

import strawberry

from invoice_graph.domain.applications import ApplicationStatus, InvoiceMedium, StatementInvoiceStatus
from invoice_graph.domain.filters import StatementFilter
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.records import AccountRecord
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.common import Money, Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.errors import MAX_MONTHS_PER_REQUEST, check_list_size
from invoice_graph.graphql.exports.types import ExportJob, exports_of
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddress
from invoice_graph.graphql.invoice_applications import fields as application_fields
from invoice_graph.graphql.invoice_applications.types import (
    InvoiceApplication,
    InvoiceEligibility,
    InvoicePreview,
)
from invoice_graph.graphql.invoice_deficit.types import InvoiceDeficitEntry
from invoice_graph.graphql.invoice_titles.types import InvoiceTitle
from invoice_graph.graphql.lookahead import selects
from invoice_graph.graphql.pagination import Connection, Paged, connection
from invoice_graph.graphql.relations import BUILDERS
from invoice_graph.graphql.statements.types import InvoiceableTotals, MonthlyStatement
from invoice_graph.graphql.webhooks.types import WebhookEndpoint


@strawberry.type(description="A customer's account.")
class Account(Node):
    account_number: str = strawberry.field(description="The account number in the billing system.")
    name: str = strawberry.field(description="The customer's name.")
    invoice_deficit: Money = strawberry.field(
        description="Invoiced (or invoiceable) cash refunded after its statement was generated, not yet "
        "offset: taken off the next applications first."
    )
    account_id: strawberry.Private[int]
    deficit_fen: strawberry.Private[int]

    @classmethod
    def from_record(cls, row: AccountRecord) -> "Account":
        """The account as shown to clients."""
        return cls(
            id=strawberry.ID(encode_id("Account", row.id)),
            account_number=row.account_number,
            name=row.name,
            invoice_deficit=Money.of_fen(row.invoice_deficit_fen),
            account_id=row.id,
            deficit_fen=row.invoice_deficit_fen,
        )

    @strawberry.field(
        description="Generated monthly statements, newest month first.", extensions=[Paged("statement")]
    )
    async def statements(
        self,
        info: Info,
        page: PageRequest,
        from_: Annotated[
            Month | None, strawberry.argument(name="from", description="Earliest month.")
        ] = None,
        to: Annotated[Month | None, strawberry.argument(description="Latest month.")] = None,
        invoice_status: Annotated[
            StatementInvoiceStatus | None, strawberry.argument(description="Only months in this state.")
        ] = None,
    ) -> Connection[MonthlyStatement]:
        where = StatementFilter(
            from_month=from_.first_day if from_ else None,
            to_month=to.first_day if to else None,
            invoice_status=invoice_status,
        )
        loaders = info.context.loaders
        rows = await loaders.statement_pages_by_account.load((self.account_id, where, page))
        applications = None
        if selects(info, "edges", "node", "application"):
            keys = [
                (row.account_id, row.application_id) for row in rows.records if row.application_id is not None
            ]
            applications = dict(zip(keys, await loaders.applications_by_id.load_many(keys), strict=True))
        return connection(
            "statement",
            rows,
            lambda row: MonthlyStatement.from_record(row, applications),
            lambda: loaders.statement_counts_by_account.load((self.account_id, where)),
        )

    @strawberry.field(description="The statement of a month, if it has been generated.")
    async def statement(self, info: Info, month: Month) -> MonthlyStatement | None:
        row = await info.context.loaders.statements_by_month.load((self.account_id, month.first_day))
        return MonthlyStatement.from_record(row) if row else None

    @strawberry.field(
        description="Totals that can still be invoiced; all not-yet-invoiced generated months when "
        "months is omitted."
    )
    async def invoiceable_totals(self, info: Info, months: list[Month] | None = None) -> InvoiceableTotals:
        if months is not None:
            check_list_size(months, limit=MAX_MONTHS_PER_REQUEST, argument="months")
        key = tuple(sorted({month.first_day for month in months})) if months is not None else None
        row = await info.context.loaders.invoiceable_by_account.load((self.account_id, key))
        return InvoiceableTotals.from_sums(row)

    @strawberry.field(
        description="Whether the account can apply now; ADDRESS_REQUIRED only applies to PAPER (the "
        "server's default medium when omitted)."
    )
    async def invoice_eligibility(
        self, info: Info, medium: InvoiceMedium | None = None
    ) -> InvoiceEligibility:
        return await application_fields.eligibility_of(
            info,
            self.account_id,
            medium or info.context.settings.default_medium,
            deficit_fen=self.deficit_fen,
        )

    @strawberry.field(
        description="Dry run of applyForInvoice for these months: the totals and every problem, "
        "nothing saved."
    )
    async def invoice_preview(
        self, info: Info, months: list[Month], medium: InvoiceMedium | None = None
    ) -> InvoicePreview:
        return await application_fields.preview_of(
            info, self.account_id, months, medium or info.context.settings.default_medium
        )

    @strawberry.field(description="The deficit's ledger, newest first.", extensions=[Paged("deficitEntry")])
    async def invoice_deficit_entries(self, info: Info, page: PageRequest) -> Connection[InvoiceDeficitEntry]:
        loaders = info.context.loaders
        rows = await loaders.deficit_entry_pages_by_account.load((self.account_id, None, page))
        return connection(
            "deficitEntry",
            rows,
            InvoiceDeficitEntry.from_record,
            lambda: loaders.deficit_entry_counts_by_account.load((self.account_id, None)),
        )

    @strawberry.field(
        description="The account's invoice applications, newest first.", extensions=[Paged("application")]
    )
    async def invoice_applications(
        self,
        info: Info,
        page: PageRequest,
        status: Annotated[
            list[ApplicationStatus] | None,
            strawberry.argument(description="Only applications in these statuses."),
        ] = None,
    ) -> Connection[InvoiceApplication]:
        return await application_fields.applications_of(info, self.account_id, page, statuses=status)

    @strawberry.field(description="Who invoices can be made out to: the default first, then newest first.")
    async def invoice_titles(self, info: Info) -> list[InvoiceTitle]:
        rows = await info.context.loaders.titles_by_account.load(self.account_id)
        return [InvoiceTitle.from_record(row) for row in rows]

    @strawberry.field(description="Where invoices can be mailed: the default first, then newest first.")
    async def invoice_addresses(self, info: Info) -> list[InvoiceAddress]:
        rows = await info.context.loaders.addresses_by_account.load(self.account_id)
        return [InvoiceAddress.from_record(row) for row in rows]


@strawberry.type(description="Who is asking, and what they may see.")
class Viewer:
    role: Role = strawberry.field(description="The viewer's role.")

    @strawberry.field(description="The customer's own account; null for partners and finance staff.")
    async def account(self, info: Info) -> Account | None:
        account_id = info.context.viewer.account_id
        if account_id is None:
            return None
        row = await info.context.loaders.visible_accounts_by_id.load(account_id)
        return Account.from_record(row) if row else None

    @strawberry.field(
        description="The viewer's webhook endpoints (its role's: its account's, its partner's, or "
        "finance's), oldest first."
    )
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        rows = await info.context.loaders.reader.webhook_endpoints()
        return [WebhookEndpoint.from_record(row) for row in rows]

    @strawberry.field(
        description="The viewer's exports (its role's, as for webhookEndpoints), newest first.",
        extensions=[Paged("export")],
    )
    async def exports(self, info: Info, page: PageRequest) -> Connection[ExportJob]:
        return await exports_of(info, page)

    @strawberry.field(
        description="Accounts this viewer may see: its own, a partner's customers, or all for finance.",
        extensions=[Paged("account")],
    )
    async def accounts(self, info: Info, page: PageRequest) -> Connection[Account]:
        reader = info.context.loaders.reader
        rows = await reader.page_accounts(page)
        return connection("account", rows, Account.from_record, reader.count_accounts)


BUILDERS.account = Account.from_record
