"""Reading billing CSV rows into checked lines (SPEC 2)."""

from datetime import date, timedelta

import pytest

from invoice_graph.domain.billing import BillingMode, Channel, ExclusionReason, LinePayment
from invoice_graph.domain.billing_rows import (
    COLUMNS,
    BillingLine,
    RowProblem,
    missing_columns,
    parse_row,
    wrong_field_count,
)
from invoice_graph.domain.months import Month
from tests.factories import line

# The day the rows are read on (China Standard Time): after every billing date of the factory's rows.
TODAY = date(2025, 1, 10)


def make_row(**overrides: str | None) -> dict[str, str | None]:
    """A CSV row: an eligible CLOUD subscription of 100.00 paid in cash, unless overridden."""
    row: dict[str, str | None] = {**line(line_id="L-1")}
    row.update(overrides)
    return row


def parsed_line(**overrides: str | None) -> BillingLine:
    """Parse a row that is expected to be valid."""
    result = parse_row(2, make_row(**overrides), today=TODAY)
    assert isinstance(result, BillingLine), result
    return result


def problems_of(line: int, **overrides: str | None) -> list[RowProblem]:
    """Parse a row that is expected to be refused."""
    result = parse_row(line, make_row(**overrides), today=TODAY)
    assert isinstance(result, list), result
    return result


def test_valid_row_becomes_a_line_with_amounts_in_fen() -> None:
    # given a well-formed row paid partly by voucher, coupon and gift balance
    # when it is parsed
    line = parsed_line(
        amount="1234.50",
        voucher_amount="100",
        coupon_amount="0.50",
        gift_balance_amount="34.00",
        cash_amount="1100.00",
    )

    # then every field is read, amounts in whole fen
    assert line.account_number == "A-1"
    assert line.account_name == "Acme Ltd"
    assert line.partner is None
    assert line.line_id == "L-1"
    assert line.billed_on == date(2024, 3, 15)
    assert line.month == Month(2024, 3)
    assert line.channel is Channel.CLOUD
    assert line.billing_mode is BillingMode.SUBSCRIPTION
    assert line.self_operated is False
    assert line.delivered_on == date(2024, 3, 1)
    assert line.payment == LinePayment(
        amount=123450, voucher=10000, coupon=50, gift_balance=3400, cash=110000
    )
    assert line.ineligible_reason is None


def test_cells_are_trimmed_and_enums_read_in_any_case() -> None:
    # given a row typed by hand: stray spaces, lower-case choices, a partner code
    line = parsed_line(
        account_number="  A-1 ", channel="market", billing_mode=" subscription ", partner=" P-7 "
    )

    # when parsed, then the values are clean
    assert line.account_number == "A-1"
    assert line.channel is Channel.MARKET
    assert line.billing_mode is BillingMode.SUBSCRIPTION
    assert line.partner == "P-7"


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("TRUE", True), ("1", True), ("yes", True)])
def test_self_operated_true_values(text: str, expected: bool) -> None:
    assert parsed_line(channel="MARKET", self_operated=text).self_operated is expected


@pytest.mark.parametrize("text", ["false", "False", "0", "no", "", None])
def test_self_operated_false_or_blank_means_not_self_operated(text: str | None) -> None:
    assert parsed_line(channel="MARKET", self_operated=text).self_operated is False


def test_line_carries_its_eligibility() -> None:
    # given a third-party market line billed after 2020-10-28
    # when it is parsed
    line = parsed_line(channel="MARKET", self_operated="false", billed_on="2024-03-15")

    # then it already knows why its cash cannot be invoiced here
    assert line.ineligible_reason is ExclusionReason.ISSUED_BY_MARKET_PROVIDER


def test_pay_as_you_go_line_needs_no_delivery_date() -> None:
    # given a pay-as-you-go row without a delivery date (cell empty or missing)
    for delivered_on in ("", None):
        # when it is parsed
        line = parsed_line(billing_mode="PAY_AS_YOU_GO", delivered_on=delivered_on)

        # then it is accepted, with no delivery date, and not invoiceable
        assert line.delivered_on is None
        assert line.ineligible_reason is ExclusionReason.NOT_SUBSCRIPTION


def test_all_zero_line_is_accepted() -> None:
    line = parsed_line(amount="0.00", cash_amount="0")
    assert line.payment == LinePayment(amount=0, voucher=0, coupon=0, gift_balance=0, cash=0)


BAD_CELLS = [
    pytest.param("channel", "SATELLITE", "not one of CLOUD, MARKET", id="unknown channel"),
    pytest.param(
        "billing_mode", "MONTHLY", "not one of SUBSCRIPTION, PAY_AS_YOU_GO, OTHER", id="unknown mode"
    ),
    pytest.param("self_operated", "maybe", "not true or false", id="unknown flag"),
    pytest.param("billed_on", "2024-02-30", "not a date", id="impossible date"),
    pytest.param("billed_on", "15/03/2024", "not a date", id="day-first date"),
    pytest.param("billed_on", "2024-3-5", "not a date", id="unpadded date"),
    pytest.param("billed_on", "20240315", "not a date", id="compact date"),
    pytest.param("billed_on", "2024-03-15T00:00", "not a date", id="date with time"),
    pytest.param("delivered_on", "yesterday", "not a date", id="bad delivery date"),
    pytest.param("billed_on", "", "is empty", id="missing billing date"),
    pytest.param("delivered_on", "", "is empty", id="subscription without delivery date"),
    pytest.param("amount", "", "is empty", id="missing amount"),
    pytest.param("amount", "1.234", "not an amount", id="over-precise amount"),
    pytest.param("amount", "1e3", "not an amount", id="exponent"),
    pytest.param("cash_amount", "NaN", "not an amount", id="NaN"),
    pytest.param("voucher_amount", "Infinity", "not an amount", id="infinity"),
    pytest.param("coupon_amount", "1,00", "not an amount", id="decimal comma"),
    pytest.param("account_number", "", "is empty", id="missing account"),
    pytest.param("account_name", " ", "is empty", id="blank account name"),
    pytest.param("line_id", "", "is empty", id="missing line id"),
    pytest.param("product", "", "is empty", id="missing product"),
    pytest.param("seller", "", "is empty", id="missing seller"),
    pytest.param("product", "x" * 201, "longer than 200 characters", id="overlong product"),
    pytest.param("partner", "p" * 201, "longer than 200 characters", id="overlong partner"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_bad_cell_is_reported_with_its_line_and_column(column: str, value: str, message: str) -> None:
    # given a row with one bad cell on spreadsheet line 7
    # when it is parsed
    problems = problems_of(7, **{column: value})

    # then exactly that cell is reported, by line and column, with what is wrong
    assert len(problems) == 1
    (problem,) = problems
    assert (problem.line, problem.column) == (7, column)
    assert message in problem.message


def test_unknown_choice_is_quoted_in_the_report() -> None:
    (problem,) = problems_of(3, channel="SATELLITE")
    assert "'SATELLITE'" in problem.message


def test_negative_amount_is_refused() -> None:
    # given a row whose parts add up but one of them is negative
    # when it is parsed
    problems = problems_of(4, voucher_amount="-10.00", cash_amount="110.00")

    # then the negative cell is reported
    assert [(p.line, p.column) for p in problems] == [(4, "voucher_amount")]
    assert "negative" in problems[0].message


def test_negative_total_and_cash_are_both_reported() -> None:
    problems = problems_of(5, amount="-100.00", cash_amount="-100.00")
    assert [(p.column, "negative" in p.message) for p in problems] == [
        ("amount", True),
        ("cash_amount", True),
    ]


def test_parts_not_adding_up_to_the_amount_are_refused_with_both_sums() -> None:
    # given a 100.00 line whose parts add up to 110.00
    # when it is parsed
    problems = problems_of(9, amount="100.00", voucher_amount="10.00", cash_amount="100.00")

    # then the amount column is reported with both figures, so the user can correct it
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (9, "amount")
    assert "110.00" in problems[0].message
    assert "100.00" in problems[0].message


def test_parts_one_fen_short_are_refused() -> None:
    problems = problems_of(2, amount="100.00", cash_amount="99.99")
    assert [p.column for p in problems] == ["amount"]


def test_every_problem_of_a_row_is_listed() -> None:
    # given a row with several bad cells
    # when it is parsed
    problems = problems_of(
        12, channel="SATELLITE", billed_on="yesterday", amount="1e3", cash_amount="NaN", line_id=""
    )

    # then each is reported on the same line, none is lost
    assert {p.line for p in problems} == {12}
    assert sorted(p.column for p in problems) == sorted(
        ["channel", "billed_on", "amount", "cash_amount", "line_id"]
    )


def test_problem_reads_as_line_and_column() -> None:
    # given a refused row on spreadsheet line 7
    (problem,) = problems_of(7, channel="SATELLITE")

    # when the problem is shown to the user
    # then it starts with the line and column, as the import lists them
    assert str(problem).startswith("line 7, column channel: ")


def test_row_with_missing_cells_is_refused_not_crashed() -> None:
    # given a short CSV row: the reader gives None for the missing cells
    row: dict[str, str | None] = dict.fromkeys(COLUMNS, None)
    row["account_number"] = "A-1"

    # when it is parsed
    result = parse_row(2, row, today=TODAY)

    # then the empty required cells are reported
    assert isinstance(result, list)
    assert {"account_name", "line_id", "billed_on", "channel", "amount"} <= {p.column for p in result}


def test_header_with_every_column_lacks_nothing() -> None:
    assert missing_columns(list(COLUMNS)) == []


def test_partner_column_is_optional() -> None:
    assert missing_columns([c for c in COLUMNS if c != "partner"]) == []


def test_header_reports_each_missing_column_in_file_order() -> None:
    # given a header without channel and cash_amount
    header = [c for c in COLUMNS if c not in {"cash_amount", "channel"}]

    # when checked, then both are named, in the documented column order
    assert missing_columns(header) == ["channel", "cash_amount"]


def test_same_content_has_the_same_fingerprint() -> None:
    # given the same line written with different spacing and amount notation
    first = parsed_line(amount="100", cash_amount="100.00")
    again = parsed_line(amount=" 100.00 ", cash_amount="100.0")

    # then a re-import is recognised as identical
    assert first.content_hash == again.content_hash


@pytest.mark.parametrize(
    "change",
    [
        {"billed_on": "2024-03-16"},
        {"product": "Object Storage"},
        {"delivered_on": "2024-03-02"},
        {"voucher_amount": "10.00", "cash_amount": "90.00"},
        {"billing_mode": "OTHER"},
    ],
)
def test_changed_content_changes_the_fingerprint(change: dict[str, str]) -> None:
    # given a line and the same line_id with different billing content
    first = parsed_line()
    changed = parsed_line(**change)

    # then the re-import can be told apart
    assert first.content_hash != changed.content_hash


def test_a_line_billed_after_today_is_refused() -> None:
    # given a row billed tomorrow (China Standard Time)
    tomorrow = TODAY + timedelta(days=1)

    # when it is parsed
    (problem,) = problems_of(6, billed_on=tomorrow.isoformat())

    # then its billing date is refused, with both dates and what to do
    assert (problem.line, problem.column) == (6, "billed_on")
    assert f"{tomorrow} is after today ({TODAY} in China Standard Time)" in problem.message
    assert "correct the date" in problem.message


def test_a_line_billed_today_is_accepted() -> None:
    assert parsed_line(billed_on=TODAY.isoformat(), delivered_on=TODAY.isoformat()).billed_on == TODAY


def test_parts_not_adding_up_are_reported_beside_other_bad_cells() -> None:
    # given a row with an unknown channel whose parts also do not add up to its amount
    # when it is parsed
    problems = problems_of(8, channel="SATELLITE", cash_amount="90.00")

    # then both are reported in one go
    assert [(p.line, p.column) for p in problems] == [(8, "channel"), (8, "amount")]


def test_a_row_with_a_surplus_field_is_named_with_both_counts() -> None:
    problem = wrong_field_count(5, 17, 16)
    assert (problem.line, problem.column) == (5, "")
    assert str(problem).startswith("line 5: 17 fields; the header has 16: ")
    assert "double quotes" in problem.message


def test_a_row_with_a_field_too_few_says_to_give_each_column_a_cell() -> None:
    assert str(wrong_field_count(9, 1, 16)) == (
        "line 9: 1 field; the header has 16: give every column a cell, an empty one where there is no value"
    )
