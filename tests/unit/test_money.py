"""Exact money: parsing amounts, converting to and from fen, and the wire format (SPEC 1)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoice_graph.domain.money import InvalidAmountError, format_fen, from_fen, parse_amount, to_fen

# 15 digits of yuan and two of fen: the largest amount parse_amount accepts.
MAX_FEN = 10**17 - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        ("0", Decimal("0")),
        ("12.3", Decimal("12.3")),
        ("0.01", Decimal("0.01")),
        (" 7.00 ", Decimal("7.00")),
        ("-5.25", Decimal("-5.25")),
        ("999999999999999.99", Decimal("999999999999999.99")),
    ],
)
def test_plain_decimal_text_is_read_exactly(text: str, expected: Decimal) -> None:
    # given a plain amount written with at most two decimals
    # when it is parsed
    amount = parse_amount(text)

    # then the exact value comes back
    assert amount == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.234",
        "0.001",
        "1e3",
        "1E3",
        "1.5e2",
        "NaN",
        "nan",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "",
        "   ",
        "1,000.00",
        "1.",
        ".5",
        "+1",
        "1_000",
        "0x10",
        "12 34",
        "ten",
        "1000000000000000",
    ],
)
def test_anything_but_a_plain_two_decimal_amount_is_refused(text: str) -> None:
    # given text that is not a plain amount with at most two decimals
    # when it is parsed
    # then it is refused with the amount error, never silently rounded
    with pytest.raises(InvalidAmountError):
        parse_amount(text)


def test_refused_amount_says_what_was_wrong_and_how_to_write_it() -> None:
    # given an over-precise amount
    # when it is parsed
    with pytest.raises(InvalidAmountError) as refused:
        parse_amount("1.234")

    # then the message quotes the input and shows a valid example
    assert "'1.234'" in str(refused.value)
    assert '"1234.50"' in str(refused.value)


def test_amount_error_is_a_value_error() -> None:
    # given callers that catch ValueError for bad input
    # when an amount is refused
    # then they catch it too
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount("NaN")


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        (Decimal("1234.50"), 123450),
        (Decimal("0.01"), 1),
        (Decimal("0"), 0),
        (Decimal("1.230"), 123),
        (Decimal("100"), 10000),
        (Decimal("-2.50"), -250),
    ],
)
def test_amount_converts_to_whole_fen(amount: Decimal, fen: int) -> None:
    # given an amount of yuan that is a whole number of fen
    # when it is converted
    # then it becomes that integer number of fen
    assert to_fen(amount) == fen


@pytest.mark.parametrize("amount", [Decimal("0.001"), Decimal("1.005"), Decimal("NaN")])
def test_fractions_of_a_fen_are_refused(amount: Decimal) -> None:
    # given an amount that is not a whole number of fen
    # when it is converted
    # then it is refused rather than rounded
    with pytest.raises(InvalidAmountError):
        to_fen(amount)


@pytest.mark.parametrize(
    ("fen", "wire"),
    [
        (123450, "1234.50"),
        (0, "0.00"),
        (1, "0.01"),
        (10, "0.10"),
        (100, "1.00"),
        (-5, "-0.05"),
        (MAX_FEN, "999999999999999.99"),
    ],
)
def test_fen_are_shown_with_exactly_two_decimals(fen: int, wire: str) -> None:
    # given an amount in fen
    # when it is formatted for the wire
    # then it is a string with exactly two decimals
    assert format_fen(fen) == wire


def test_fen_become_a_decimal_with_two_places() -> None:
    # given whole yuan in fen
    # when converted to a Decimal
    amount = from_fen(700)

    # then it keeps two decimal places, so it prints as money
    assert amount == Decimal("7")
    assert str(amount) == "7.00"


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_wire_amount_reads_back_as_the_same_fen(fen: int) -> None:
    # given any non-negative amount in fen
    # when it is formatted and the text is parsed again
    # then not a single fen is lost
    assert to_fen(parse_amount(format_fen(fen))) == fen


def test_only_ascii_digits_are_amounts() -> None:
    with pytest.raises(InvalidAmountError):
        parse_amount("\uff11\uff12\uff13.\uff15\uff10")  # full-width digits
