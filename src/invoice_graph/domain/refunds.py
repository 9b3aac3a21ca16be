"""The checks of a refund row against the line it refunds (SPEC section 11).

A refund names its line in `refund_of`; it must be a line of the same account, imported before or
on an earlier row of the file, not itself a refund, with the same product, channel, seller,
billing mode and delivery date, billed on or before the refund, and with enough left of each part
of its payment for this refund and the ones before it.
"""

from dataclasses import dataclass
from datetime import date

from invoice_graph.domain.billing_rows import RowProblem
from invoice_graph.domain.money import format_fen


@dataclass(frozen=True, slots=True)
class StagedRefund:
    """A new refund row of an import, with the line it refunds (`found` false when there is none)."""

    row_number: int
    line_id: str
    account_number: str
    refund_of: str
    billed_on: date
    product: str
    channel: str
    seller: str
    billing_mode: str
    delivered_on: date | None
    amount_fen: int
    voucher_fen: int
    coupon_fen: int
    gift_balance_fen: int
    cash_fen: int
    found: bool
    original_account: str | None
    original_is_refund: bool | None
    original_billed_on: date | None
    original_product: str | None
    original_channel: str | None
    original_seller: str | None
    original_billing_mode: str | None
    original_delivered_on: date | None
    original_reason: str | None
    # Whether the line's month is not generated yet: the refund is then taken off the line.
    netted: bool
    # What the line had left of each part before the refunds of this import.
    left_amount_fen: int | None
    left_voucher_fen: int | None
    left_coupon_fen: int | None
    left_gift_balance_fen: int | None
    left_cash_fen: int | None
    # What this import refunds of each part of the line, up to and including this row.
    refunded_amount_fen: int
    refunded_voucher_fen: int
    refunded_coupon_fen: int
    refunded_gift_balance_fen: int
    refunded_cash_fen: int


# The terms a refund keeps from its line: (column, attribute of the refund, of its line).
_SAME_TERMS = (
    ("product", "product", "original_product"),
    ("channel", "channel", "original_channel"),
    ("seller", "seller", "original_seller"),
    ("billing_mode", "billing_mode", "original_billing_mode"),
    ("delivered_on", "delivered_on", "original_delivered_on"),
)
# The parts of a payment a refund gives back: (column, its name in the refund's fields).
_PARTS = (
    ("voucher_amount", "voucher_fen"),
    ("coupon_amount", "coupon_fen"),
    ("gift_balance_amount", "gift_balance_fen"),
    ("cash_amount", "cash_fen"),
)


def _shown(value: object) -> str:
    return "empty" if value is None else repr(str(value))


def refund_problems(refund: StagedRefund) -> list[RowProblem]:
    """Every way a refund row does not fit the line it refunds.

    Returns:
        The problems, each on the refund's row and the column at fault; empty when it fits.
    """
    line = refund.row_number
    if not refund.found:
        message = (
            f"{refund.refund_of!r} is not a line imported before or on an earlier row of this file: "
            "give the line_id of the line refunded, and put a refund after its line"
        )
        return [RowProblem(line, "refund_of", message)]
    if refund.original_account != refund.account_number:
        message = (
            f"{refund.refund_of!r} is a line of another account: a refund belongs to the account of the "
            "line it refunds"
        )
        return [RowProblem(line, "refund_of", message)]
    if refund.original_is_refund:
        message = f"{refund.refund_of!r} is itself a refund: refund the line it refunds instead"
        return [RowProblem(line, "refund_of", message)]
    problems = [
        RowProblem(
            line,
            column,
            f"is {_shown(getattr(refund, mine))} but {_shown(getattr(refund, theirs))} on the refunded "
            f"line {refund.refund_of!r}: a refund keeps its line's {column}",
        )
        for column, mine, theirs in _SAME_TERMS
        if getattr(refund, mine) != getattr(refund, theirs)
    ]
    if refund.original_billed_on is not None and refund.billed_on < refund.original_billed_on:
        message = (
            f"{refund.billed_on} is before the refunded line was billed ({refund.original_billed_on}): "
            "a refund is billed on or after its line"
        )
        problems.append(RowProblem(line, "billed_on", message))
    for column, part in _PARTS:
        refunded = getattr(refund, f"refunded_{part}")
        left = getattr(refund, f"left_{part}") or 0
        if refunded > left:
            message = (
                f"refunds of {refund.refund_of!r} up to this row give back {format_fen(refunded)} of its "
                f"{column}, more than the {format_fen(left)} it has left; refund at most what is left"
            )
            problems.append(RowProblem(line, column, message))
    return problems
