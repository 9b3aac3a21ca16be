"""The records the read side returns: frozen, slotted, typed, one per kind of row.

Queries build their SELECT from a record's fields (`db/records.py`), so a record is filled
positionally and mypy checks every attribute a caller reads.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A customer's account."""

    id: int
    account_number: str
    name: str
    partner_id: int | None
