"""Monthly statements: when they are generated (R1) and what they add up to (R2, R3, R5)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from invoice_graph.domain.billing import (
    DELIVERY_CUTOFF,
    Channel,
    ExclusionReason,
    LinePayment,
    invoiceable_fen,
)
from invoice_graph.domain.months import Month, cst_midnight

GENERATION_DAY = 3


def generation_time(month: Month) -> datetime:
    """R1: a month's statement is generated at 00:00 CST on the 3rd of the next month."""
    following = month.next()
    return cst_midnight(following.first_day.replace(day=GENERATION_DAY))


def is_due(month: Month, now: datetime) -> bool:
    """Whether a month's statement may be generated at the instant `now`."""
    return now >= generation_time(month)


def last_due_month(now: datetime) -> Month:
    """The latest month whose statement may be generated at `now`."""
    month = Month.of_instant(now).previous()
    return month if is_due(month, now) else month.previous()


@dataclass(frozen=True, slots=True)
class StatementLineFacts:
    """What statement totals need to know of a line."""

    channel: Channel
    payment: LinePayment
    ineligible_reason: ExclusionReason | None


@dataclass(slots=True)
class StatementTotals:
    """The frozen totals of a statement, in fen."""

    cloud_expense: int = 0
    market_expense: int = 0
    invoiceable_cloud: int = 0
    invoiceable_market: int = 0
    exclusions: dict[ExclusionReason, int] = field(default_factory=lambda: dict.fromkeys(ExclusionReason, 0))

    @property
    def total_expense(self) -> int:
        """R2: cloud and market expense together."""
        return self.cloud_expense + self.market_expense

    @property
    def invoiceable_total(self) -> int:
        """What can be invoiced of the month."""
        return self.invoiceable_cloud + self.invoiceable_market


def statement_totals(lines: Iterable[StatementLineFacts]) -> StatementTotals:
    """Add up a month's lines into its statement totals (R2, R3, R5).

    Args:
        lines: every line billed in the month.

    Returns:
        Expense by channel, invoiceable amount by channel and the excluded amount per reason;
        invoiceable_total plus every exclusion equals total_expense.
    """
    totals = StatementTotals()
    for line in lines:
        pay = line.payment
        invoiceable = invoiceable_fen(pay, line.ineligible_reason)
        if line.channel is Channel.CLOUD:
            totals.cloud_expense += pay.amount
            totals.invoiceable_cloud += invoiceable
        else:
            totals.market_expense += pay.amount
            totals.invoiceable_market += invoiceable
        totals.exclusions[ExclusionReason.VOUCHER] += pay.voucher
        totals.exclusions[ExclusionReason.COUPON] += pay.coupon
        totals.exclusions[ExclusionReason.GIFT_BALANCE] += pay.gift_balance
        if line.ineligible_reason is not None:
            totals.exclusions[line.ineligible_reason] += pay.cash
    return totals


def ineligible_notice(
    *, not_subscription_fen: int, delivered_before_cutoff_fen: int, hotline: str
) -> str | None:
    """What a customer with lines that cannot be invoiced here should do (R4), or None.

    Lines of other billing modes or delivered on or before the cut-off are invoiced by the sales
    manager or through the hotline; lines the Cloud Market's providers invoice need no notice.
    """
    reasons = []
    if not_subscription_fen:
        reasons.append("products not billed by subscription")
    if delivered_before_cutoff_fen:
        reasons.append(f"products delivered on or before {DELIVERY_CUTOFF.isoformat()}")
    if not reasons:
        return None
    return (
        f"Some of this month's lines cannot be invoiced here ({' and '.join(reasons)}): contact your "
        f"sales manager or call the customer service hotline at {hotline}."
    )
