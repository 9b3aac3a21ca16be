"""Strict scalars: Decimal accepts only two-decimal strings, Month only "YYYY-MM"."""

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import strawberry
from strawberry.types.scalar import ScalarDefinition

from invoice_graph.domain.money import CENT, parse_amount
from invoice_graph.domain.months import Month
from invoice_graph.graphql.errors import BadUserInputError

T = TypeVar("T")


def _serialize_decimal(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _parser(parse: Callable[[str], T], expected: str) -> Callable[[object], T]:
    """A scalar's parse_value: text only, parsed by `parse`; anything else is the client's mistake."""

    def parse_value(value: object) -> T:
        if not isinstance(value, str):
            raise BadUserInputError(expected)
        try:
            return parse(value)
        except ValueError as error:
            raise BadUserInputError(str(error)) from error

    return parse_value


# The built-in Decimal scalar accepts floats and NaN; money must be written as text.
_parse_decimal = _parser(parse_amount, 'Decimal values are strings with at most two decimals, e.g. "1234.50"')
_parse_month = _parser(Month.parse, 'Month values are strings "YYYY-MM", e.g. "2026-10"')


STRICT_DECIMAL = strawberry.scalar(
    name="Decimal",
    description='Decimal number serialized as a string, e.g. "1234.50".',
    serialize=_serialize_decimal,
    parse_value=_parse_decimal,
)


MONTH = strawberry.scalar(
    name="Month",
    description='Calendar month "YYYY-MM", in China Standard Time (Asia/Shanghai).',
    serialize=str,
    parse_value=_parse_month,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: STRICT_DECIMAL, Month: MONTH}
