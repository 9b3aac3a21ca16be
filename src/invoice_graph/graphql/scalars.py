"""Strict scalars: Decimal accepts only two-decimal strings, Month only "YYYY-MM"."""

from decimal import Decimal

import strawberry
from strawberry.types.scalar import ScalarDefinition

from invoice_graph.domain.money import CENT, InvalidAmountError, parse_amount
from invoice_graph.domain.months import Month
from invoice_graph.graphql.errors import BadUserInputError


def _serialize_decimal(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _parse_decimal(value: object) -> Decimal:
    # The built-in Decimal scalar accepts floats and NaN; money must be written as text.
    if not isinstance(value, str):
        raise BadUserInputError('Decimal values are strings with at most two decimals, e.g. "1234.50"')
    try:
        return parse_amount(value)
    except InvalidAmountError as error:
        raise BadUserInputError(str(error)) from error


STRICT_DECIMAL = strawberry.scalar(
    name="Decimal",
    description='Decimal number serialized as a string, e.g. "1234.50".',
    serialize=_serialize_decimal,
    parse_value=_parse_decimal,
)


def _parse_month(value: object) -> Month:
    if not isinstance(value, str):
        raise BadUserInputError('Month values are strings "YYYY-MM", e.g. "2026-10"')
    try:
        return Month.parse(value)
    except ValueError as error:
        raise BadUserInputError(str(error)) from error


MONTH = strawberry.scalar(
    name="Month",
    description='Calendar month "YYYY-MM", in China Standard Time (Asia/Shanghai).',
    serialize=str,
    parse_value=_parse_month,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: STRICT_DECIMAL, Month: MONTH}
