"""Exact money: integer fen in storage, Decimal in Python, two-decimal strings on the wire."""

import re
from decimal import Decimal

_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,2})?")
_HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class InvalidAmountError(ValueError):
    """An amount that is not a plain decimal number with at most two decimals."""


def parse_amount(text: str) -> Decimal:
    """Parse a decimal amount written as text.

    Args:
        text: digits with an optional minus sign and at most two decimals, e.g. "1234.50".

    Returns:
        The exact amount.

    Raises:
        InvalidAmountError: for exponents, NaN, Infinity, more than two decimals or anything else.
    """
    stripped = text.strip()
    if not _AMOUNT.fullmatch(stripped):
        raise InvalidAmountError(
            f'{text!r} is not an amount: write digits with at most two decimals, e.g. "1234.50"'
        )
    return Decimal(stripped)


def parse_fen(text: str) -> int:
    """Parse an amount written as text straight to integer fen: `to_fen(parse_amount(text))`.

    Exact integer arithmetic on the checked digits, without a Decimal (the billing import reads
    five amounts a row): "-12.3" is read as the integer "-1230".

    Raises:
        InvalidAmountError: for whatever `parse_amount` refuses, with its message.
    """
    stripped = text.strip()
    if not _AMOUNT.fullmatch(stripped):
        return to_fen(parse_amount(text))  # raises, with parse_amount's message
    whole, _, fraction = stripped.partition(".")
    return int(whole + fraction.ljust(2, "0"))


def to_fen(amount: Decimal) -> int:
    """Convert an exact amount of yuan to integer fen; refuses fractions of a fen."""
    fen = amount * _HUNDRED
    if fen != fen.to_integral_value():
        raise InvalidAmountError(f"{amount} has more than two decimals")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """Convert integer fen to an exact amount with two decimals."""
    return (Decimal(fen) / _HUNDRED).quantize(CENT)


def format_fen(fen: int) -> str:
    """Format integer fen as the wire string, e.g. 123450 -> "1234.50"."""
    return str(from_fen(fen))
