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

    def may_see(self, *, account_id: int, account_partner_id: int | None) -> bool:
        """Whether this viewer may see an account with the given id and managing partner."""
        if self.role is Role.FINANCE:
            return True
        if self.role is Role.PARTNER:
            return account_partner_id is not None and account_partner_id == self.partner_id
        return account_id == self.account_id


# Stands in where no token was checked (the GraphiQL page itself); it may see nothing.
NOBODY = Viewer(role=Role.CUSTOMER, token_id=0)
