"""Who is asking: the role and the scope a token grants (SPEC section 6)."""

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """The kinds of viewer."""

    CUSTOMER = "CUSTOMER"
    PARTNER = "PARTNER"
    FINANCE = "FINANCE"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated caller of a request.

    A customer carries its account_id, a partner its partner_id; finance carries neither.
    """

    role: Role
    token_id: int
    account_id: int | None = None
    partner_id: int | None = None


# Stands in where no token was checked (the GraphiQL page itself); it may see nothing.
NOBODY = Viewer(role=Role.CUSTOMER, token_id=0)
