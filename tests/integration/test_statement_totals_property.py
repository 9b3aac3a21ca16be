"""The SQL that generates statements adds lines up exactly as the domain rules say (R2-R5).

Lines are drawn at random, imported with the real import and generated with the real set-based
SQL; the stored totals must equal `domain.statements.statement_totals` of the same lines, and
invoiceable plus exclusions must equal total expense to the fen.
"""

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import statements
from invoice_graph.domain.billing import BillingMode, Channel, LinePayment, LineTerms, ineligible_reason
from invoice_graph.domain.money import format_fen
from invoice_graph.domain.months import Month
from invoice_graph.domain.statements import StatementLineFacts, statement_totals
from invoice_graph.services.statements import generate_due_statements
from tests.factories import LATER, import_rows, line

# Each example bills a month of its own, from 2019 on, so it crosses the 2020-10-29 rule too.
_months = itertools.count()
_fen = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def billing_lines(draw: st.DrawFn) -> dict[str, Any]:
    """A line's terms and payment; its month is chosen by the test."""
    mode = draw(st.sampled_from(list(BillingMode)))
    delivered = draw(st.dates(min_value=date(2017, 6, 1), max_value=date(2019, 1, 1)))
    return {
        "day": draw(st.integers(min_value=1, max_value=28)),
        "channel": draw(st.sampled_from(list(Channel))),
        "self_operated": draw(st.booleans()),
        "mode": mode,
        "delivered_on": delivered if mode is BillingMode.SUBSCRIPTION or draw(st.booleans()) else None,
        "payment": LinePayment(0, *(draw(_fen) for _ in range(4))),
    }


def _row(drawn: dict[str, Any], month: Month, number: int) -> tuple[dict[str, str], StatementLineFacts]:
    voucher, coupon, gift, cash = (
        drawn["payment"].voucher,
        drawn["payment"].coupon,
        drawn["payment"].gift_balance,
        drawn["payment"].cash,
    )
    amount = voucher + coupon + gift + cash
    billed_on = month.first_day.replace(day=drawn["day"])
    terms = LineTerms(
        drawn["channel"], drawn["self_operated"], drawn["mode"], billed_on, drawn["delivered_on"]
    )
    row = line(
        account_number="PROP-1",
        line_id=f"P-{month}-{number}",
        billed_on=billed_on.isoformat(),
        channel=drawn["channel"].value,
        self_operated=str(drawn["self_operated"]).lower(),
        billing_mode=drawn["mode"].value,
        delivered_on=drawn["delivered_on"].isoformat() if drawn["delivered_on"] else "",
        amount=format_fen(amount),
        voucher_amount=format_fen(voucher),
        coupon_amount=format_fen(coupon),
        gift_balance_amount=format_fen(gift),
        cash_amount=format_fen(cash),
    )
    payment = LinePayment(amount, voucher, coupon, gift, cash)
    return row, StatementLineFacts(drawn["channel"], payment, ineligible_reason(terms))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(billing_lines(), min_size=1, max_size=12))
async def test_generated_totals_follow_the_rules(
    database: Database, tmp_path: Path, drawn: list[Any]
) -> None:
    index = next(_months)
    month = Month(2019 + index // 12, index % 12 + 1)
    pairs = [_row(item, month, number) for number, item in enumerate(drawn)]
    await import_rows(database, tmp_path, [row for row, _ in pairs])
    await generate_due_statements(database, now=LATER)
    async with database.read() as connection:
        stored = (
            await connection.execute(select(statements).where(statements.c.month == month.first_day))
        ).one()
    expected = statement_totals(facts for _, facts in pairs)
    assert (stored.cloud_expense_fen, stored.market_expense_fen) == (
        expected.cloud_expense,
        expected.market_expense,
    )
    assert (stored.invoiceable_cloud_fen, stored.invoiceable_market_fen) == (
        expected.invoiceable_cloud,
        expected.invoiceable_market,
    )
    excluded = [
        stored.voucher_fen,
        stored.coupon_fen,
        stored.gift_balance_fen,
        stored.not_subscription_fen,
        stored.delivered_before_cutoff_fen,
        stored.issued_by_market_provider_fen,
    ]
    assert excluded == list(expected.exclusions.values())
    total = stored.cloud_expense_fen + stored.market_expense_fen
    assert stored.invoiceable_cloud_fen + stored.invoiceable_market_fen + sum(excluded) == total
