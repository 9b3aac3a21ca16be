"""Which lines' cash can be invoiced (SPEC R3, R4)."""

from dataclasses import replace
from datetime import date

import pytest

from invoice_graph.domain.billing import (
    BillingMode,
    Channel,
    ExclusionReason,
    LinePayment,
    LineTerms,
    ineligible_reason,
    invoiceable_fen,
)

ELIGIBLE = LineTerms(
    channel=Channel.CLOUD,
    self_operated=False,
    billing_mode=BillingMode.SUBSCRIPTION,
    billed_on=date(2024, 3, 15),
    delivered_on=date(2024, 3, 1),
)
MARKET = replace(ELIGIBLE, channel=Channel.MARKET)


def test_cloud_subscription_delivered_recently_is_eligible() -> None:
    # given a CLOUD subscription delivered in 2024
    # when its eligibility is decided
    # then nothing keeps its cash from being invoiced
    assert ineligible_reason(ELIGIBLE) is None


@pytest.mark.parametrize(
    ("delivered_on", "expected"),
    [
        (date(2018, 1, 31), ExclusionReason.DELIVERED_BEFORE_CUTOFF),
        (date(2018, 2, 1), None),
        (date(2016, 6, 1), ExclusionReason.DELIVERED_BEFORE_CUTOFF),
    ],
)
def test_delivery_on_or_before_2018_01_31_is_not_invoiceable_here(
    delivered_on: date, expected: ExclusionReason | None
) -> None:
    # given a subscription delivered around the cutoff
    terms = replace(ELIGIBLE, delivered_on=delivered_on)

    # when its eligibility is decided
    # then the last day of January 2018 is still excluded and 1 February is not
    assert ineligible_reason(terms) is expected


@pytest.mark.parametrize(
    ("billed_on", "expected"),
    [
        (date(2020, 10, 28), None),
        (date(2020, 10, 29), ExclusionReason.ISSUED_BY_MARKET_PROVIDER),
        (date(2024, 3, 15), ExclusionReason.ISSUED_BY_MARKET_PROVIDER),
    ],
)
def test_market_provider_invoices_its_own_lines_billed_from_2020_10_29(
    billed_on: date, expected: ExclusionReason | None
) -> None:
    # given a Cloud Market subscription sold by a third-party provider
    terms = replace(MARKET, self_operated=False, billed_on=billed_on)

    # when its eligibility is decided
    # then lines billed from 29 October 2020 are invoiced by the provider, earlier ones here
    assert ineligible_reason(terms) is expected


@pytest.mark.parametrize("billed_on", [date(2020, 10, 28), date(2020, 10, 29), date(2024, 3, 15)])
def test_self_operated_market_lines_are_invoiced_here(billed_on: date) -> None:
    # given a Cloud Market subscription sold by the market itself
    terms = replace(MARKET, self_operated=True, billed_on=billed_on)

    # when its eligibility is decided
    # then the market provider rule does not apply
    assert ineligible_reason(terms) is None


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (replace(MARKET, self_operated=True, billing_mode=BillingMode.PAY_AS_YOU_GO), "NOT_SUBSCRIPTION"),
        (replace(MARKET, self_operated=True, delivered_on=date(2017, 5, 1)), "DELIVERED_BEFORE_CUTOFF"),
    ],
)
def test_self_operated_market_lines_still_follow_the_other_rules(terms: LineTerms, expected: str) -> None:
    # given a self-operated market line that breaks another rule
    # when its eligibility is decided
    # then that rule applies as it would to a CLOUD line
    assert ineligible_reason(terms) == ExclusionReason(expected)


def test_cloud_lines_are_never_issued_by_a_market_provider() -> None:
    # given a CLOUD line billed after the market cutoff, not marked self-operated
    terms = replace(ELIGIBLE, self_operated=False, billed_on=date(2021, 1, 1))

    # when its eligibility is decided
    # then only market lines can be the provider's to invoice
    assert ineligible_reason(terms) is None


@pytest.mark.parametrize("mode", [BillingMode.PAY_AS_YOU_GO, BillingMode.OTHER])
def test_lines_not_billed_by_subscription_are_not_invoiceable(mode: BillingMode) -> None:
    # given a line billed other than by subscription, with no delivery date
    terms = replace(ELIGIBLE, billing_mode=mode, delivered_on=None)

    # when its eligibility is decided
    # then it is excluded as not a subscription
    assert ineligible_reason(terms) is ExclusionReason.NOT_SUBSCRIPTION


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        pytest.param(
            replace(
                MARKET,
                billed_on=date(2021, 1, 1),
                billing_mode=BillingMode.PAY_AS_YOU_GO,
                delivered_on=date(2017, 1, 1),
            ),
            ExclusionReason.ISSUED_BY_MARKET_PROVIDER,
            id="market provider before not-subscription and cutoff",
        ),
        pytest.param(
            replace(ELIGIBLE, billing_mode=BillingMode.OTHER, delivered_on=date(2017, 1, 1)),
            ExclusionReason.NOT_SUBSCRIPTION,
            id="not-subscription before cutoff",
        ),
        pytest.param(
            replace(MARKET, billed_on=date(2020, 10, 28), billing_mode=BillingMode.PAY_AS_YOU_GO),
            ExclusionReason.NOT_SUBSCRIPTION,
            id="market line billed before provider invoicing falls through to not-subscription",
        ),
        pytest.param(
            replace(MARKET, billed_on=date(2020, 10, 28), delivered_on=date(2018, 1, 31)),
            ExclusionReason.DELIVERED_BEFORE_CUTOFF,
            id="market line billed before provider invoicing falls through to cutoff",
        ),
    ],
)
def test_first_rule_that_applies_is_the_reason(terms: LineTerms, expected: ExclusionReason) -> None:
    # given a line that breaks several rules
    # when its eligibility is decided
    # then the reason is the first in R4's order
    assert ineligible_reason(terms) is expected


PAYMENT = LinePayment(amount=10000, voucher=1000, coupon=500, gift_balance=1500, cash=7000)


def test_eligible_line_can_invoice_its_cash_only() -> None:
    # given an eligible line paid partly by voucher, coupon and gift balance
    # when its invoiceable amount is worked out
    # then only the cash counts
    assert invoiceable_fen(PAYMENT, None) == 7000


@pytest.mark.parametrize(
    "reason",
    [
        ExclusionReason.ISSUED_BY_MARKET_PROVIDER,
        ExclusionReason.NOT_SUBSCRIPTION,
        ExclusionReason.DELIVERED_BEFORE_CUTOFF,
    ],
)
def test_ineligible_line_can_invoice_nothing(reason: ExclusionReason) -> None:
    # given an ineligible line paid in cash
    # when its invoiceable amount is worked out
    # then it is nothing
    assert invoiceable_fen(PAYMENT, reason) == 0
