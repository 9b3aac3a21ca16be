"""When statements are generated (R1) and what they add up to (R2, R3, R5)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoice_graph.domain.billing import (
    BillingMode,
    Channel,
    ExclusionReason,
    LinePayment,
    LineTerms,
    ineligible_reason,
)
from invoice_graph.domain.months import CST, Month
from invoice_graph.domain.statements import (
    StatementLineFacts,
    generation_time,
    ineligible_notice,
    is_due,
    last_due_month,
    statement_totals,
)

ONE_MICROSECOND = timedelta(microseconds=1)


def make_line(
    *,
    channel: Channel = Channel.CLOUD,
    voucher: int = 0,
    coupon: int = 0,
    gift_balance: int = 0,
    cash: int = 0,
    reason: ExclusionReason | None = None,
) -> StatementLineFacts:
    """A statement line whose amount is the sum of its parts."""
    payment = LinePayment(
        amount=voucher + coupon + gift_balance + cash,
        voucher=voucher,
        coupon=coupon,
        gift_balance=gift_balance,
        cash=cash,
    )
    return StatementLineFacts(channel=channel, payment=payment, ineligible_reason=reason)


# R1: generation


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (Month(2026, 3), datetime(2026, 4, 3, 0, 0, tzinfo=CST)),
        (Month(2025, 12), datetime(2026, 1, 3, 0, 0, tzinfo=CST)),
        (Month(2024, 1), datetime(2024, 2, 3, 0, 0, tzinfo=CST)),
    ],
)
def test_statement_is_generated_at_cst_midnight_on_the_3rd_of_next_month(
    month: Month, expected: datetime
) -> None:
    # given a month
    # when its generation time is asked for
    generated_at = generation_time(month)

    # then it is 00:00 China Standard Time on the 3rd of the following month
    assert generated_at == expected
    assert generated_at.utcoffset() == timedelta(hours=8)


def test_generation_instant_is_16_00_utc_on_the_2nd() -> None:
    assert generation_time(Month(2026, 3)) == datetime(2026, 4, 2, 16, 0, tzinfo=UTC)


def test_statement_is_not_due_a_moment_before_generation_time() -> None:
    # given the instant just before March's generation time
    now = datetime(2026, 4, 3, tzinfo=CST) - ONE_MICROSECOND

    # then March cannot be generated yet
    assert not is_due(Month(2026, 3), now)


def test_statement_is_due_at_generation_time_in_any_time_zone() -> None:
    # given the generation instant, written in CST and in UTC
    for now in (datetime(2026, 4, 3, tzinfo=CST), datetime(2026, 4, 2, 16, 0, tzinfo=UTC)):
        # then March can be generated
        assert is_due(Month(2026, 3), now)


def test_statement_stays_due_afterwards() -> None:
    assert is_due(Month(2026, 3), datetime(2030, 1, 1, tzinfo=UTC))


def test_current_month_is_never_due() -> None:
    # given the last instant of March
    now = datetime(2026, 4, 1, tzinfo=CST) - ONE_MICROSECOND

    # then March itself is not due, nor is April
    assert not is_due(Month(2026, 3), now)
    assert not is_due(Month(2026, 4), now)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(datetime(2026, 4, 3, tzinfo=CST) - ONE_MICROSECOND, Month(2026, 2), id="just before"),
        pytest.param(datetime(2026, 4, 3, tzinfo=CST), Month(2026, 3), id="at"),
        pytest.param(datetime(2026, 4, 20, 12, 0, tzinfo=CST), Month(2026, 3), id="mid month"),
        pytest.param(datetime(2026, 4, 1, tzinfo=CST), Month(2026, 2), id="first of month"),
        pytest.param(datetime(2026, 1, 3, tzinfo=CST) - ONE_MICROSECOND, Month(2025, 11), id="jan before"),
        pytest.param(datetime(2026, 1, 3, tzinfo=CST), Month(2025, 12), id="jan at"),
        pytest.param(datetime(2026, 1, 1, tzinfo=CST), Month(2025, 11), id="new year"),
        pytest.param(datetime(2026, 1, 2, 15, 59, 59, tzinfo=UTC), Month(2025, 11), id="utc before"),
        pytest.param(datetime(2026, 1, 2, 16, 0, tzinfo=UTC), Month(2025, 12), id="utc at"),
        pytest.param(datetime(2026, 2, 2, 20, 0, tzinfo=UTC), Month(2026, 1), id="utc late evening"),
    ],
)
def test_last_due_month(now: datetime, expected: Month) -> None:
    # given an instant
    # when the scheduler asks which months are due
    # then the latest is the month whose 3rd-of-next-month midnight (CST) has passed
    assert last_due_month(now) == expected


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)))
def test_last_due_month_is_due_and_the_month_after_is_not(now: datetime) -> None:
    # given any instant
    # when the last due month is worked out
    month = last_due_month(now)

    # then it is due, and the one after it is not yet
    assert is_due(month, now)
    assert not is_due(month.next(), now)


# R2, R3, R5: totals


def test_month_without_lines_has_zero_totals_and_lists_every_reason() -> None:
    # given no lines
    # when totals are made
    totals = statement_totals([])

    # then everything is zero, and every exclusion reason is listed
    assert (totals.total_expense, totals.invoiceable_total) == (0, 0)
    assert totals.exclusions == dict.fromkeys(ExclusionReason, 0)


def test_cloud_and_market_expense_are_shown_separately_and_together() -> None:
    # given cloud lines of 100.00 and 50.00 and a market line of 250.00
    lines = [
        make_line(channel=Channel.CLOUD, cash=10000),
        make_line(channel=Channel.CLOUD, voucher=5000),
        make_line(channel=Channel.MARKET, cash=25000),
    ]

    # when totals are made
    totals = statement_totals(lines)

    # then each channel's expense is its own, and total expense is both
    assert totals.cloud_expense == 15000
    assert totals.market_expense == 25000
    assert totals.total_expense == 40000


def test_only_cash_of_eligible_lines_is_invoiceable() -> None:
    # given an eligible cloud line paid by every means
    line = make_line(voucher=1000, coupon=200, gift_balance=300, cash=8500)

    # when totals are made
    totals = statement_totals([line])

    # then only the cash can be invoiced; the other parts are excluded by their kind
    assert totals.invoiceable_total == 8500
    assert totals.invoiceable_cloud == 8500
    assert totals.exclusions[ExclusionReason.VOUCHER] == 1000
    assert totals.exclusions[ExclusionReason.COUPON] == 200
    assert totals.exclusions[ExclusionReason.GIFT_BALANCE] == 300
    assert totals.total_expense == 10000


def test_cash_of_ineligible_lines_is_excluded_under_its_reason() -> None:
    # given an eligible market line and ineligible lines, each with cash and a voucher part
    lines = [
        make_line(channel=Channel.MARKET, cash=4000),
        make_line(
            channel=Channel.MARKET, cash=3000, voucher=100, reason=ExclusionReason.ISSUED_BY_MARKET_PROVIDER
        ),
        make_line(channel=Channel.CLOUD, cash=2000, reason=ExclusionReason.NOT_SUBSCRIPTION),
        make_line(channel=Channel.CLOUD, cash=1000, reason=ExclusionReason.DELIVERED_BEFORE_CUTOFF),
    ]

    # when totals are made
    totals = statement_totals(lines)

    # then only the eligible cash is invoiceable and each ineligible cash sits under its reason
    assert (totals.invoiceable_market, totals.invoiceable_cloud) == (4000, 0)
    assert totals.exclusions == {
        ExclusionReason.VOUCHER: 100,
        ExclusionReason.COUPON: 0,
        ExclusionReason.GIFT_BALANCE: 0,
        ExclusionReason.ISSUED_BY_MARKET_PROVIDER: 3000,
        ExclusionReason.NOT_SUBSCRIPTION: 2000,
        ExclusionReason.DELIVERED_BEFORE_CUTOFF: 1000,
    }
    assert totals.market_expense == 7100
    assert totals.cloud_expense == 3000


FEN = st.integers(min_value=0, max_value=10**12)


@st.composite
def statement_lines(draw: st.DrawFn) -> StatementLineFacts:
    """Any valid line: parts add up to the amount; its reason follows R4 from drawn terms."""
    channel = draw(st.sampled_from(Channel))
    terms = LineTerms(
        channel=channel,
        self_operated=draw(st.booleans()),
        billing_mode=draw(st.sampled_from(BillingMode)),
        billed_on=draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2030, 12, 31))),
        delivered_on=draw(st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))),
    )
    return make_line(
        channel=channel,
        voucher=draw(FEN),
        coupon=draw(FEN),
        gift_balance=draw(FEN),
        cash=draw(FEN),
        reason=ineligible_reason(terms),
    )


@given(st.lists(statement_lines(), max_size=30))
def test_invoiceable_and_exclusions_add_up_to_total_expense_to_the_fen(
    lines: list[StatementLineFacts],
) -> None:
    # given any month of valid lines
    # when totals are made
    totals = statement_totals(lines)

    # then invoiceable plus every exclusion is exactly the expense
    assert totals.invoiceable_total + sum(totals.exclusions.values()) == totals.total_expense
    assert totals.total_expense == sum(line.payment.amount for line in lines)
    # and no more than the cash paid can ever be invoiced, per channel and in all
    assert totals.invoiceable_total <= sum(line.payment.cash for line in lines)
    assert totals.invoiceable_cloud <= sum(
        line.payment.cash for line in lines if line.channel is Channel.CLOUD
    )
    assert totals.invoiceable_market <= sum(
        line.payment.cash for line in lines if line.channel is Channel.MARKET
    )


def test_lines_billed_otherwise_or_delivered_early_send_the_customer_to_the_hotline() -> None:
    notice = ineligible_notice(not_subscription_fen=100, delivered_before_cutoff_fen=0, hotline="400-1")
    assert notice is not None
    assert "sales manager" in notice
    assert notice.endswith("hotline at 400-1.")
    assert ineligible_notice(not_subscription_fen=0, delivered_before_cutoff_fen=5, hotline="x") is not None
    assert ineligible_notice(not_subscription_fen=0, delivered_before_cutoff_fen=0, hotline="x") is None


def test_the_notice_names_only_the_reasons_that_apply() -> None:
    billed_otherwise = ineligible_notice(not_subscription_fen=100, delivered_before_cutoff_fen=0, hotline="x")
    delivered_early = ineligible_notice(not_subscription_fen=0, delivered_before_cutoff_fen=5, hotline="x")
    both = ineligible_notice(not_subscription_fen=1, delivered_before_cutoff_fen=1, hotline="x")
    assert billed_otherwise is not None
    assert "2018-01-31" not in billed_otherwise
    assert "not billed by subscription" in billed_otherwise
    assert delivered_early is not None
    assert "2018-01-31" in delivered_early
    assert "subscription" not in delivered_early
    assert both is not None
    assert "subscription" in both
    assert "2018-01-31" in both
