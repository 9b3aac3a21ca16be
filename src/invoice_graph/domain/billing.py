"""Billing lines and the rules that decide what of them can be invoiced (SPEC R3, R4)."""

import enum
from dataclasses import dataclass
from datetime import date

# R4.1: from this day on, the Cloud Market's providers issue their own invoices.
MARKET_PROVIDER_INVOICING_FROM = date(2020, 10, 29)
# R4.3: products delivered on or before this day cannot be invoiced here.
DELIVERY_CUTOFF = date(2018, 1, 31)


class Channel(enum.StrEnum):
    """Where a product was bought."""

    CLOUD = "CLOUD"
    MARKET = "MARKET"


class BillingMode(enum.StrEnum):
    """How a product is billed."""

    SUBSCRIPTION = "SUBSCRIPTION"
    PAY_AS_YOU_GO = "PAY_AS_YOU_GO"
    OTHER = "OTHER"


class ExclusionReason(enum.StrEnum):
    """Why part of an expense cannot be invoiced here."""

    VOUCHER = "VOUCHER"
    COUPON = "COUPON"
    GIFT_BALANCE = "GIFT_BALANCE"
    NOT_SUBSCRIPTION = "NOT_SUBSCRIPTION"
    DELIVERED_BEFORE_CUTOFF = "DELIVERED_BEFORE_CUTOFF"
    ISSUED_BY_MARKET_PROVIDER = "ISSUED_BY_MARKET_PROVIDER"


@dataclass(frozen=True, slots=True)
class LinePayment:
    """How a line was paid, in fen; the parts add up to the amount."""

    amount: int
    voucher: int
    coupon: int
    gift_balance: int
    cash: int


@dataclass(frozen=True, slots=True)
class LineTerms:
    """The facts about a line that decide whether its cash can be invoiced."""

    channel: Channel
    self_operated: bool
    billing_mode: BillingMode
    billed_on: date
    delivered_on: date | None


def ineligible_reason(terms: LineTerms) -> ExclusionReason | None:
    """The first rule of R4 that keeps a line's cash from being invoiced, or None.

    Args:
        terms: the line's channel, operator, billing mode and dates.

    Returns:
        ISSUED_BY_MARKET_PROVIDER, NOT_SUBSCRIPTION or DELIVERED_BEFORE_CUTOFF, in that
        order of precedence; None when the line's cash can be invoiced.
    """
    if (
        terms.channel is Channel.MARKET
        and not terms.self_operated
        and terms.billed_on >= MARKET_PROVIDER_INVOICING_FROM
    ):
        return ExclusionReason.ISSUED_BY_MARKET_PROVIDER
    if terms.billing_mode is not BillingMode.SUBSCRIPTION:
        return ExclusionReason.NOT_SUBSCRIPTION
    if terms.delivered_on is not None and terms.delivered_on <= DELIVERY_CUTOFF:
        return ExclusionReason.DELIVERED_BEFORE_CUTOFF
    return None


def invoiceable_fen(payment: LinePayment, reason: ExclusionReason | None) -> int:
    """R3: the cash of an eligible line; nothing of an ineligible one."""
    return payment.cash if reason is None else 0
