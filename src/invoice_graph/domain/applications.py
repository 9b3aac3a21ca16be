"""Invoice applications: their statuses, which months they hold, and their life (SPEC R6, section 5)."""

import enum
from dataclasses import dataclass

from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.viewer import Role


class ApplicationStatus(enum.StrEnum):
    """Where an application is in its life."""

    PENDING = "PENDING"
    ISSUED = "ISSUED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    RETURNED = "RETURNED"


class InvoiceMedium(enum.StrEnum):
    """What the invoice is printed on."""

    PAPER = "PAPER"


class StatementInvoiceStatus(enum.StrEnum):
    """Where a month stands with invoicing."""

    NOT_INVOICED = "NOT_INVOICED"
    IN_APPLICATION = "IN_APPLICATION"
    INVOICED = "INVOICED"


# These statuses release their months: they can be applied for again.
RELEASING_STATUSES = frozenset(
    {ApplicationStatus.CANCELLED, ApplicationStatus.REJECTED, ApplicationStatus.RETURNED}
)


def statement_invoice_status(status: ApplicationStatus | None) -> StatementInvoiceStatus:
    """How a month shows, given the status of the active application covering it (if any)."""
    if status is None or status in RELEASING_STATUSES:
        return StatementInvoiceStatus.NOT_INVOICED
    if status is ApplicationStatus.PENDING:
        return StatementInvoiceStatus.IN_APPLICATION
    return StatementInvoiceStatus.INVOICED


class Action(enum.StrEnum):
    """What can be done to an application after it is submitted."""

    CANCEL = "CANCEL"
    ISSUE = "ISSUE"
    SHIP = "SHIP"
    DELIVER = "DELIVER"
    REJECT = "REJECT"
    REQUEST_RETURN = "REQUEST_RETURN"
    CONFIRM_RETURN = "CONFIRM_RETURN"
    REJECT_RETURN = "REJECT_RETURN"


@dataclass(frozen=True, slots=True)
class Transition:
    """Who may take an action, from which statuses, and where it leads (None: back to before the return)."""

    roles: frozenset[Role]
    sources: frozenset[ApplicationStatus]
    target: ApplicationStatus | None


_S = ApplicationStatus
_CUSTOMER_SIDE = frozenset({Role.CUSTOMER, Role.PARTNER})
_FINANCE = frozenset({Role.FINANCE})

TRANSITIONS: dict[Action, Transition] = {
    Action.CANCEL: Transition(_CUSTOMER_SIDE, frozenset({_S.PENDING}), _S.CANCELLED),
    Action.ISSUE: Transition(_FINANCE, frozenset({_S.PENDING}), _S.ISSUED),
    Action.SHIP: Transition(_FINANCE, frozenset({_S.ISSUED}), _S.SHIPPED),
    Action.DELIVER: Transition(_FINANCE, frozenset({_S.SHIPPED}), _S.DELIVERED),
    Action.REJECT: Transition(_FINANCE, frozenset({_S.PENDING}), _S.REJECTED),
    Action.REQUEST_RETURN: Transition(
        _CUSTOMER_SIDE, frozenset({_S.SHIPPED, _S.DELIVERED}), _S.RETURN_REQUESTED
    ),
    Action.CONFIRM_RETURN: Transition(_FINANCE, frozenset({_S.RETURN_REQUESTED}), _S.RETURNED),
    Action.REJECT_RETURN: Transition(_FINANCE, frozenset({_S.RETURN_REQUESTED}), None),
}

_WHO = {_CUSTOMER_SIDE: "the customer or its partner", _FINANCE: "finance staff"}


def next_status(
    action: Action,
    *,
    role: Role,
    status: ApplicationStatus,
    status_before_return: ApplicationStatus | None = None,
) -> ApplicationStatus:
    """The status an action leads to, if this role may take it from this status.

    Args:
        action: what is to be done.
        role: the role of whoever does it.
        status: the application's current status.
        status_before_return: where the application was before its return was requested.

    Returns:
        The new status.

    Raises:
        DomainError: FORBIDDEN when the role may not take the action; INVALID_STATUS_TRANSITION
            when the application's status does not allow it.
    """
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        raise DomainError(
            ErrorCode.FORBIDDEN, f"Only {_WHO[transition.roles]} may {_verb(action)} an application."
        )
    if status not in transition.sources:
        allowed = " or ".join(sorted(transition.sources))
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            f"You cannot {_verb(action)} an application that is {status}: only one that is {allowed}.",
        )
    if transition.target is not None:
        return transition.target
    return status_before_return or ApplicationStatus.SHIPPED


_VERBS = {
    Action.CANCEL: "cancel",
    Action.ISSUE: "issue",
    Action.SHIP: "ship",
    Action.DELIVER: "mark as delivered",
    Action.REJECT: "reject",
    Action.REQUEST_RETURN: "request the return of",
    Action.CONFIRM_RETURN: "confirm the return of",
    Action.REJECT_RETURN: "reject the return of",
}


def _verb(action: Action) -> str:
    return _VERBS[action]
