"""The invoice deficit (SPEC section 11): invoiceable cash refunded after its month was generated.

A REFUND entry grows the deficit; the next application takes it off first (an OFFSET entry), and
gives its offset back (a RELEASE entry) if it is cancelled, rejected, returned or reversed. The
ledger's `balance` after each entry is the account's deficit, never negative.
"""

import enum


class DeficitEntryKind(enum.StrEnum):
    """What an entry of the deficit ledger records."""

    REFUND = "REFUND"
    OFFSET = "OFFSET"
    RELEASE = "RELEASE"


def deficit_offset(deficit_fen: int, total_fen: int) -> int:
    """What an application over months invoicing `total_fen` takes off a deficit of `deficit_fen`.

    The deficit is taken off first, as far as the months go: min(deficit, total), never below 0.
    """
    return max(0, min(deficit_fen, total_fen))
