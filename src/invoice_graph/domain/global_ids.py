"""The form of the API's opaque global IDs: the type, the owning account and the row, base64url.

Defined here, not in the GraphQL layer, because events carry them too (SPEC section 12); decoding,
with its errors for clients, is graphql/ids.py's.
"""

import base64


def encode_id(type_name: str, account_id: int, row_id: int | None = None) -> str:
    """The ID of an object; an Account's is its own id alone, as is that of an object of a role's
    scope (a webhook endpoint or delivery, an export), given as `account_id`."""
    raw = f"{type_name}:{account_id}" if row_id is None else f"{type_name}:{account_id}:{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
