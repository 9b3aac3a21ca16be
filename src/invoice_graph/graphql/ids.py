"""Opaque global IDs: the type, the owning account and the row, base64url-encoded.

Carrying the account lets every lookup check the viewer before it reads the row.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from invoice_graph.domain.global_ids import encode_id
from invoice_graph.graphql.errors import BadUserInputError

__all__ = ["NODE_TYPES", "SCOPE_TYPES", "GlobalId", "decode_id", "encode_id"]

MAX_ROW_ID = 2**63 - 1
_ROW_ID = re.compile("[0-9]{1,19}")
NODE_TYPES = frozenset(
    {
        "Account",
        "MonthlyStatement",
        "StatementLine",
        "InvoiceTitle",
        "InvoiceAddress",
        "InvoiceApplication",
        "InvoiceDeficitEntry",
        "WebhookEndpoint",
        "WebhookDelivery",
        "ExportJob",
    }
)
# Objects of a role's scope rather than of one account (SPEC section 12): like an Account's, their
# IDs hold one number, their own row id.
SCOPE_TYPES = frozenset({"WebhookEndpoint", "WebhookDelivery", "ExportJob"})


@dataclass(frozen=True, slots=True)
class GlobalId:
    """A decoded ID: the object's type, its account, and its row id (the account's own for Account)."""

    type_name: str
    account_id: int
    row_id: int


def decode_id(value: str, *, expected: str | None = None) -> GlobalId:
    """Decode an ID, checking its form and, when given, its type.

    Raises:
        BadUserInputError: for anything that is not an ID this API made, or one of another type.
    """
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, *numbers = raw.split(":")
        # Row ids are positive PostgreSQL bigints: anything else cannot name a row.
        ids = [int(n) for n in numbers if _ROW_ID.fullmatch(n) and 0 < int(n) <= MAX_ROW_ID]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        ids, type_name, numbers = [], "", []
    if (
        type_name not in NODE_TYPES
        or len(ids) != len(numbers)
        or len(ids) != (1 if type_name == "Account" or type_name in SCOPE_TYPES else 2)
    ):
        raise BadUserInputError(f"{value!r} is not a valid ID: use an `id` returned by this API")
    if expected is not None and type_name != expected:
        raise BadUserInputError(f"{value!r} is the ID of a {type_name}, not of a {expected}")
    return GlobalId(type_name, ids[0], ids[1] if len(ids) == 2 else ids[0])
