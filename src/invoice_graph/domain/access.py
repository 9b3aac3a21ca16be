"""Who may read and write what (SPEC section 6): the one access policy every service applies.

Two tables decide it, as `TRANSITIONS` decides an application's statuses:

- `REACH`: which accounts a role sees. Everything of an account (statements, lines, titles,
  addresses, applications) is visible exactly when the account is. Python checks
  (`may_see`) and the SQL visibility filters (`db/visibility.py`) both read this table.
- `PERMISSIONS`: which roles may take an operation on an account they see. The actions of an
  application's life are in `applications.TRANSITIONS`, with the statuses they need.
"""

import enum
from collections.abc import Mapping, Sequence

from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.viewer import Role, Viewer


class Reach(enum.Enum):
    """Which accounts a viewer sees (REACH gives each role's)."""

    OWN_ACCOUNT = "OWN_ACCOUNT"
    MANAGED_ACCOUNTS = "MANAGED_ACCOUNTS"
    ALL_ACCOUNTS = "ALL_ACCOUNTS"


REACH: Mapping[Role, Reach] = {
    Role.CUSTOMER: Reach.OWN_ACCOUNT,
    Role.PARTNER: Reach.MANAGED_ACCOUNTS,
    Role.FINANCE: Reach.ALL_ACCOUNTS,
}


class Operation(enum.StrEnum):
    """What a viewer may ask to do on an account it sees."""

    READ = "READ"
    CHANGE_INVOICE_SETUP = "CHANGE_INVOICE_SETUP"
    APPLY_FOR_INVOICE = "APPLY_FOR_INVOICE"


_EVERYONE = frozenset(Role)
_CUSTOMER_SIDE = frozenset({Role.CUSTOMER, Role.PARTNER})

PERMISSIONS: Mapping[Operation, frozenset[Role]] = {
    Operation.READ: _EVERYONE,
    # Finance staff see every account's titles and addresses but do not change them.
    Operation.CHANGE_INVOICE_SETUP: _CUSTOMER_SIDE,
    Operation.APPLY_FOR_INVOICE: _CUSTOMER_SIDE,
}

_REFUSALS: Mapping[Operation, str] = {
    Operation.READ: "You may not read this account.",
    Operation.CHANGE_INVOICE_SETUP: "Only the customer or the partner managing the account changes its "
    "invoice titles and addresses.",
    Operation.APPLY_FOR_INVOICE: "Only the customer or its partner may apply.",
}


def may_see(viewer: Viewer, *, account_id: int, partner_id: int | None) -> bool:
    """Whether the viewer sees the account with this id and managing partner."""
    reach = REACH[viewer.role]
    if reach is Reach.ALL_ACCOUNTS:
        return True
    if reach is Reach.MANAGED_ACCOUNTS:
        return partner_id is not None and partner_id == viewer.partner_id
    return account_id == viewer.account_id


def may(viewer: Viewer, operation: Operation) -> bool:
    """Whether the viewer's role may take this operation on an account it sees."""
    return viewer.role in PERMISSIONS[operation]


def check_may(viewer: Viewer, operation: Operation) -> None:
    """Refuse an operation the viewer's role may not take.

    Raises:
        DomainError: FORBIDDEN, saying who may.
    """
    if not may(viewer, operation):
        raise DomainError(ErrorCode.FORBIDDEN, _REFUSALS[operation])


def account_not_found(field: Sequence[str] = ("input", "accountId")) -> DomainError:
    """The error for an account that does not exist, or that the viewer may not see."""
    return DomainError(ErrorCode.NOT_FOUND, "No such account: use the id of an account you can see.", field)
