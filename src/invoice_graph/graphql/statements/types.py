"""Monthly statements, their lines and what can be invoiced of them."""

import dataclasses
from collections.abc import Awaitable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from invoice_graph.domain.applications import (
    ApplicationStatus,
    StatementInvoiceStatus,
    statement_invoice_status,
)
from invoice_graph.domain.billing import BillingMode, Channel, ExclusionReason, LinePayment, invoiceable_fen
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.records import ApplicationRecord, InvoiceableSums, LineRecord, StatementRecord
from invoice_graph.domain.statements import ineligible_notice
from invoice_graph.graphql.common import Money, Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.pagination import Connection, Paged, connection
from invoice_graph.graphql.relations import build_application

if TYPE_CHECKING:
    from invoice_graph.graphql.invoice_applications.types import InvoiceApplication

# InvoiceApplication lists its statements, so the two modules meet lazily.
_LazyApplication = Annotated[
    "InvoiceApplication", strawberry.lazy("invoice_graph.graphql.invoice_applications.types")
]


_EXCLUSION_COLUMNS = {
    ExclusionReason.VOUCHER: "voucher_fen",
    ExclusionReason.COUPON: "coupon_fen",
    ExclusionReason.GIFT_BALANCE: "gift_balance_fen",
    ExclusionReason.NOT_SUBSCRIPTION: "not_subscription_fen",
    ExclusionReason.DELIVERED_BEFORE_CUTOFF: "delivered_before_cutoff_fen",
    ExclusionReason.ISSUED_BY_MARKET_PROVIDER: "issued_by_market_provider_fen",
}


@strawberry.type(description="An amount of a statement that cannot be invoiced here, and why.")
class Exclusion:
    reason: ExclusionReason = strawberry.field(description="Why it cannot be invoiced here.")
    amount: Money = strawberry.field(description="How much of the expense this reason takes out.")


@strawberry.type(description="One line of the billing system in a statement.")
class StatementLine(Node):
    line_id: str = strawberry.field(description="The line's id in the billing system.")
    billed_on: date = strawberry.field(description="When the line was billed (CST).")
    product: str = strawberry.field(description="The product billed.")
    channel: Channel = strawberry.field(description="CLOUD or MARKET.")
    seller: str = strawberry.field(description="Who sells the product.")
    self_operated: bool = strawberry.field(description="A MARKET product sold by the market itself.")
    billing_mode: BillingMode = strawberry.field(description="How the product is billed.")
    delivered_on: date | None = strawberry.field(description="When the product was delivered.")
    amount: Money = strawberry.field(description="The payable amount of the line.")
    voucher_amount: Money = strawberry.field(description="Paid by vouchers; never invoiceable.")
    coupon_amount: Money = strawberry.field(description="Paid by coupons; never invoiceable.")
    gift_balance_amount: Money = strawberry.field(description="Paid from gift balance; never invoiceable.")
    cash_amount: Money = strawberry.field(description="Paid in cash.")
    invoiceable_amount: Money = strawberry.field(
        description="The cash amount if the line is eligible, else 0."
    )
    ineligible_reason: ExclusionReason | None = strawberry.field(
        description="Why this line's cash amount cannot be invoiced here, if it cannot."
    )

    @classmethod
    def from_record(cls, row: LineRecord) -> "StatementLine":
        """The line as shown to clients."""
        reason = ExclusionReason(row.ineligible_reason) if row.ineligible_reason else None
        payment = LinePayment(
            row.amount_fen, row.voucher_fen, row.coupon_fen, row.gift_balance_fen, row.cash_fen
        )
        return cls(
            id=strawberry.ID(encode_id("StatementLine", row.account_id, row.id)),
            line_id=row.line_id,
            billed_on=row.billed_on,
            product=row.product,
            channel=Channel(row.channel),
            seller=row.seller,
            self_operated=row.self_operated,
            billing_mode=BillingMode(row.billing_mode),
            delivered_on=row.delivered_on,
            amount=Money.of_fen(row.amount_fen),
            voucher_amount=Money.of_fen(row.voucher_fen),
            coupon_amount=Money.of_fen(row.coupon_fen),
            gift_balance_amount=Money.of_fen(row.gift_balance_fen),
            cash_amount=Money.of_fen(row.cash_fen),
            invoiceable_amount=Money.of_fen(invoiceable_fen(payment, reason)),
            ineligible_reason=reason,
        )


@strawberry.type(description="An account's statement of one month; its totals are frozen when generated.")
class MonthlyStatement(Node):
    month: Month = strawberry.field(description="The statement's month.")
    generated_at: datetime = strawberry.field(description="When the statement was generated.")
    account_id: strawberry.Private[int]
    application_id: strawberry.Private[int | None]
    row: strawberry.Private[StatementRecord]
    # The applications of the statement's page, when the page loaded them with itself.
    applications: strawberry.Private[Mapping[tuple[int, int], ApplicationRecord | None] | None] = (
        dataclasses.field(default=None, compare=False, repr=False)
    )

    # The amounts are made when asked for (a partner's view of 600 statements asks for two of six);
    # the planned executor reads such object-only resolvers as cheaply as attributes.
    @strawberry.field(description="Sum of the month's CLOUD lines.")
    def cloud_expense(self) -> Money:
        return Money.of_fen(self.row.cloud_expense_fen)

    @strawberry.field(description="Sum of the month's MARKET lines.")
    def market_expense(self) -> Money:
        return Money.of_fen(self.row.market_expense_fen)

    @strawberry.field(description="Cloud and market expense together.")
    def total_expense(self) -> Money:
        return Money.of_fen(self.row.cloud_expense_fen + self.row.market_expense_fen)

    @strawberry.field(description="What can be invoiced of the cloud expense.")
    def invoiceable_cloud(self) -> Money:
        return Money.of_fen(self.row.invoiceable_cloud_fen)

    @strawberry.field(description="What can be invoiced of the market expense.")
    def invoiceable_market(self) -> Money:
        return Money.of_fen(self.row.invoiceable_market_fen)

    @strawberry.field(description="What can be invoiced of the month.")
    def invoiceable_total(self) -> Money:
        return Money.of_fen(self.row.invoiceable_cloud_fen + self.row.invoiceable_market_fen)

    @strawberry.field(
        description="Why the rest of the expense cannot be invoiced here; amounts add up with "
        "invoiceableTotal to totalExpense. Reasons with nothing excluded are left out."
    )
    def exclusions(self) -> list[Exclusion]:
        return [
            Exclusion(reason=reason, amount=Money.of_fen(getattr(self.row, column)))
            for reason, column in _EXCLUSION_COLUMNS.items()
            if getattr(self.row, column)
        ]

    @strawberry.field(description="Where the month stands with invoicing.")
    def invoice_status(self) -> StatementInvoiceStatus:
        status = self.row.application_status
        return statement_invoice_status(ApplicationStatus(status) if status else None)

    @classmethod
    def from_record(
        cls,
        row: StatementRecord,
        applications: Mapping[tuple[int, int], ApplicationRecord | None] | None = None,
    ) -> "MonthlyStatement":
        """The statement as shown to clients; the row carries its month's active application, if any.

        `applications`, when given, holds that application's record (a page's statements load theirs
        in one go, so none of them has to wait for its own).
        """
        return cls(
            id=strawberry.ID(encode_id("MonthlyStatement", row.account_id, row.id)),
            month=Month.of(row.month),
            generated_at=row.generated_at,
            account_id=row.account_id,
            application_id=row.application_id,
            row=row,
            applications=applications,
        )

    @strawberry.field(
        description="When some of the month's cash cannot be invoiced here because of its billing mode or "
        "delivery date: what to do instead (the sales manager or the support hotline). Null otherwise."
    )
    def ineligible_notice(self, info: Info) -> str | None:
        return ineligible_notice(
            not_subscription_fen=self.row.not_subscription_fen,
            delivered_before_cutoff_fen=self.row.delivered_before_cutoff_fen,
            hotline=info.context.settings.support_hotline,
        )

    @strawberry.field(
        description="The active (not cancelled or rejected) application covering this month, if any.",
        graphql_type=_LazyApplication | None,
    )
    def application(self, info: Info) -> "InvoiceApplication | Awaitable[InvoiceApplication | None] | None":
        # Synchronous when there is nothing to wait for: an awaitable per statement of a long list
        # costs more than the rest of the statement (bench/RESULTS.md).
        if self.application_id is None:
            return None
        key = (self.account_id, self.application_id)
        if self.applications is not None:
            row = self.applications.get(key)
            return build_application(row) if row else None
        return self._load_application(info, key)

    @staticmethod
    async def _load_application(info: Info, key: tuple[int, int]) -> "InvoiceApplication | None":
        row = await info.context.loaders.applications_by_id.load(key)
        return build_application(row) if row else None

    @strawberry.field(description="The month's billing lines, in billing order.", extensions=[Paged("line")])
    async def lines(self, info: Info, page: PageRequest) -> Connection[StatementLine]:
        loaders = info.context.loaders
        key = (self.account_id, self.month.first_day)
        rows = await loaders.line_pages_by_statement.load((*key, page))
        return connection(
            "line",
            rows,
            StatementLine.from_record,
            lambda: loaders.line_counts_by_statement.load(key),
        )


@strawberry.type(description="What can be invoiced of some months.")
class InvoiceableTotals:
    months: list[Month] = strawberry.field(
        description="The generated months counted: those asked for that are not in an active application."
    )
    cloud: Money = strawberry.field(description="Invoiceable cloud expense.")
    market: Money = strawberry.field(description="Invoiceable market expense.")
    total: Money = strawberry.field(description="Invoiceable total.")

    @classmethod
    def from_sums(cls, row: InvoiceableSums | None) -> "InvoiceableTotals":
        """Totals from a summed row; zero when nothing matched."""
        if row is None:
            return cls(months=[], cloud=Money.of_fen(0), market=Money.of_fen(0), total=Money.of_fen(0))
        return cls(
            months=sorted(Month.of(month) for month in row.months),
            cloud=Money.of_fen(row.cloud_fen),
            market=Money.of_fen(row.market_fen),
            total=Money.of_fen(row.cloud_fen + row.market_fen),
        )
