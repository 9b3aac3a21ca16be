"""Reading one row of a billing CSV into a checked line (SPEC section 2)."""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TypeVar, cast

from invoice_graph.domain.billing import (
    BillingMode,
    Channel,
    ExclusionReason,
    LinePayment,
    LineTerms,
    ineligible_reason,
)
from invoice_graph.domain.money import InvalidAmountError, format_fen, parse_fen
from invoice_graph.domain.months import Month
from invoice_graph.domain.text import has_unstorable

COLUMNS = (
    "account_number",
    "account_name",
    "partner",
    "line_id",
    "billed_on",
    "product",
    "channel",
    "seller",
    "self_operated",
    "billing_mode",
    "delivered_on",
    "amount",
    "voucher_amount",
    "coupon_amount",
    "gift_balance_amount",
    "cash_amount",
    "refund_of",
)
# Columns a file may leave out: a line has no partner, or is no refund (SPEC sections 2 and 11).
OPTIONAL_COLUMNS = ("partner", "refund_of")
REQUIRED_TEXT = ("account_number", "account_name", "line_id", "product", "seller")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}
MAX_TEXT = 200
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_Choice = TypeVar("_Choice", Channel, BillingMode)
# Members by value: a dict lookup is several times cheaper than calling the enum (the import reads
# two choices a row).
_MEMBERS: dict[type[Enum], dict[str, Enum]] = {
    kind: {member.value: member for member in kind} for kind in (Channel, BillingMode)
}
# Dates already read, by their text: a billing file repeats a few hundred dates over its rows.
# Only well-formed dates are kept, and at most _MAX_KNOWN_DAYS of them.
_KNOWN_DAYS: dict[str, date] = {}
_MAX_KNOWN_DAYS = 10_000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row: its spreadsheet line number, column and a fix.

    The column is empty when the problem is the row as a whole (its number of fields).
    """

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class BillingLine:
    """A checked billing line, amounts in fen."""

    account_number: str
    account_name: str
    partner: str | None
    line_id: str
    billed_on: date
    product: str
    channel: Channel
    seller: str
    self_operated: bool
    billing_mode: BillingMode
    delivered_on: date | None
    payment: LinePayment
    ineligible_reason: ExclusionReason | None
    # The line_id of the line this one refunds (SPEC section 11); its amounts are the refunded parts.
    refund_of: str | None = None

    @property
    def month(self) -> Month:
        """The statement month the line belongs to."""
        return Month.of(self.billed_on)

    @property
    def content_hash(self) -> str:
        """A fingerprint of what the billing system said of the line, to spot changed re-imports."""
        parts: tuple[str, ...] = (
            self.account_number,
            self.line_id,
            self.billed_on.isoformat(),
            self.product,
            self.channel.value,
            self.seller,
            str(self.self_operated),
            self.billing_mode.value,
            self.delivered_on.isoformat() if self.delivered_on else "",
            str(self.payment.amount),
            str(self.payment.voucher),
            str(self.payment.coupon),
            str(self.payment.gift_balance),
            str(self.payment.cash),
        )
        if self.refund_of is not None:  # appended, so the lines imported before keep their hash
            parts = (*parts, self.refund_of)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def missing_columns(header: list[str]) -> list[str]:
    """The required columns a CSV header lacks (partner and refund_of are optional)."""
    return [c for c in COLUMNS if c not in OPTIONAL_COLUMNS and c not in header]


def wrong_field_count(line: int, fields: int, header: int) -> RowProblem:
    """The problem of a row whose number of fields differs from the header's.

    Its cells cannot be matched to the columns, so they are not checked one by one.
    """
    fix = (
        "put a value that holds a comma in double quotes"
        if fields > header
        else "give every column a cell, an empty one where there is no value"
    )
    return RowProblem(line, "", f"{fields} field{'' if fields == 1 else 's'}; the header has {header}: {fix}")


class _Row:
    """Collects the problems of one row while its fields are read."""

    def __init__(self, line: int, values: dict[str, str | None]) -> None:
        self.line = line
        self.values = values
        self.problems: list[RowProblem] = []

    def fail(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, message))

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.values.get(column) or "").strip()
        if required and not value:
            self.fail(column, "is empty: fill it in")
        elif len(value) > MAX_TEXT:
            self.fail(column, f"is longer than {MAX_TEXT} characters")
        elif has_unstorable(value):
            self.fail(column, "holds a control character (such as NUL); remove it")
        return value

    def day(self, column: str, *, required: bool = True) -> date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        known = _KNOWN_DAYS.get(value)
        if known is not None:
            return known
        try:
            if not _DATE.match(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(column, f"{value!r} is not a date: write YYYY-MM-DD")
            return None
        if len(_KNOWN_DAYS) < _MAX_KNOWN_DAYS:
            _KNOWN_DAYS[value] = day
        return day

    def fen(self, column: str) -> int:
        value = self.text(column)
        if not value:
            return 0
        try:
            fen = parse_fen(value)
        except InvalidAmountError:
            self.fail(column, f"{value!r} is not an amount: digits with at most two decimals")
            return 0
        if fen < 0:
            self.fail(column, f"{value} is negative: amounts must be 0 or more")
        return fen

    def choice(self, column: str, kind: type[_Choice]) -> _Choice | None:
        value = self.text(column)
        found = _MEMBERS[kind].get(value.upper())
        if found is not None:
            return cast(_Choice, found)
        if value:
            allowed = ", ".join(member.value for member in kind)
            self.fail(column, f"{value!r} is not one of {allowed}")
        return None

    def flag(self, column: str) -> bool:
        value = (self.values.get(column) or "").strip().lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.fail(column, f"{value!r} is not true or false")
        return False


def parse_row(line: int, values: dict[str, str | None], *, today: date) -> BillingLine | list[RowProblem]:
    """Check one CSV row.

    Args:
        line: the row's line number as a spreadsheet shows it (the header is line 1).
        values: the row's cells by column name.
        today: the date in China Standard Time; a line cannot be billed after it.

    Returns:
        The checked line, or every problem found in the row.
    """
    row = _Row(line, values)
    texts = {column: row.text(column) for column in REQUIRED_TEXT}
    partner = row.text("partner", required=False) or None
    billed_on = row.day("billed_on")
    if billed_on is not None and billed_on > today:
        row.fail(
            "billed_on",
            f"{billed_on} is after today ({today} in China Standard Time): "
            "only lines already billed can be imported; correct the date",
        )
    channel = row.choice("channel", Channel)
    self_operated = row.flag("self_operated")
    mode = row.choice("billing_mode", BillingMode)
    delivered_on = row.day("delivered_on", required=mode is BillingMode.SUBSCRIPTION)
    before_amounts = len(row.problems)
    payment = LinePayment(
        amount=row.fen("amount"),
        voucher=row.fen("voucher_amount"),
        coupon=row.fen("coupon_amount"),
        gift_balance=row.fen("gift_balance_amount"),
        cash=row.fen("cash_amount"),
    )
    parts = payment.voucher + payment.coupon + payment.gift_balance + payment.cash
    # The sum is checked whenever every amount could be read, whatever else is wrong with the row.
    amounts_read = len(row.problems) == before_amounts
    if amounts_read and parts != payment.amount:
        row.fail(
            "amount",
            "voucher, coupon, gift balance and cash amounts add up to "
            f"{format_fen(parts)}, not to the amount {format_fen(payment.amount)}; correct them",
        )
    refund_of = row.text("refund_of", required=False) or None
    if refund_of is not None:
        _check_refund(row, refund_of, texts["line_id"], payment if amounts_read else None)
    if row.problems or billed_on is None or channel is None or mode is None:
        return row.problems
    terms = LineTerms(channel, self_operated, mode, billed_on, delivered_on)
    return BillingLine(
        account_number=texts["account_number"],
        account_name=texts["account_name"],
        partner=partner,
        line_id=texts["line_id"],
        billed_on=billed_on,
        product=texts["product"],
        channel=channel,
        seller=texts["seller"],
        self_operated=self_operated,
        billing_mode=mode,
        delivered_on=delivered_on,
        payment=payment,
        ineligible_reason=ineligible_reason(terms),
        refund_of=refund_of,
    )


def _check_refund(row: _Row, refund_of: str, line_id: str, payment: LinePayment | None) -> None:
    """What a refund row alone can get wrong; the checks against its line are the import's.

    `payment` is None when some amount could not be read.
    """
    if refund_of == line_id:
        row.fail("refund_of", "is the row's own line_id: give the line_id of the line refunded")
    if payment is not None and payment.amount == 0:
        row.fail("amount", "is 0: a refund gives back at least one amount above 0")
