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
    REVERSAL_REQUESTED = "REVERSAL_REQUESTED"
    REVERSED = "REVERSED"


class InvoiceMedium(enum.StrEnum):
    """What the invoice is printed on."""

    PAPER = "PAPER"
    ELECTRONIC = "ELECTRONIC"


class StatementInvoiceStatus(enum.StrEnum):
    """Where a month stands with invoicing."""

    NOT_INVOICED = "NOT_INVOICED"
    IN_APPLICATION = "IN_APPLICATION"
    INVOICED = "INVOICED"


class ReversalReason(enum.StrEnum):
    """Why an issued invoice is to be voided by a red-letter one (SPEC section 10)."""

    ISSUE_ERROR = "ISSUE_ERROR"
    SALES_RETURN = "SALES_RETURN"
    SERVICE_SUSPENSION = "SERVICE_SUSPENSION"
    SALES_DISCOUNT = "SALES_DISCOUNT"


# These statuses release their months: they can be applied for again.
RELEASING_STATUSES = frozenset(
    {
        ApplicationStatus.CANCELLED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.RETURNED,
        ApplicationStatus.REVERSED,
    }
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
    REQUEST_REVERSAL = "REQUEST_REVERSAL"
    CONFIRM_REVERSAL = "CONFIRM_REVERSAL"
    REJECT_REVERSAL = "REJECT_REVERSAL"


@dataclass(frozen=True, slots=True)
class Transition:
    """Who may take an action, from which statuses, and where it leads (None: back to where the
    return or reversal started from); `media`: the invoices it applies to."""

    roles: frozenset[Role]
    sources: frozenset[ApplicationStatus]
    target: ApplicationStatus | None
    media: frozenset[InvoiceMedium] = frozenset(InvoiceMedium)


_S = ApplicationStatus
_CUSTOMER_SIDE = frozenset({Role.CUSTOMER, Role.PARTNER})
_FINANCE = frozenset({Role.FINANCE})
# Only a paper invoice is mailed, so only it is shipped, delivered and mailed back.
_PAPER = frozenset({InvoiceMedium.PAPER})
_ISSUED = frozenset({_S.ISSUED, _S.SHIPPED, _S.DELIVERED})

TRANSITIONS: dict[Action, Transition] = {
    Action.CANCEL: Transition(_CUSTOMER_SIDE, frozenset({_S.PENDING}), _S.CANCELLED),
    Action.ISSUE: Transition(_FINANCE, frozenset({_S.PENDING}), _S.ISSUED),
    Action.SHIP: Transition(_FINANCE, frozenset({_S.ISSUED}), _S.SHIPPED, _PAPER),
    Action.DELIVER: Transition(_FINANCE, frozenset({_S.SHIPPED}), _S.DELIVERED, _PAPER),
    Action.REJECT: Transition(_FINANCE, frozenset({_S.PENDING}), _S.REJECTED),
    Action.REQUEST_RETURN: Transition(
        _CUSTOMER_SIDE, frozenset({_S.SHIPPED, _S.DELIVERED}), _S.RETURN_REQUESTED, _PAPER
    ),
    Action.CONFIRM_RETURN: Transition(_FINANCE, frozenset({_S.RETURN_REQUESTED}), _S.RETURNED, _PAPER),
    Action.REJECT_RETURN: Transition(_FINANCE, frozenset({_S.RETURN_REQUESTED}), None, _PAPER),
    Action.REQUEST_REVERSAL: Transition(_CUSTOMER_SIDE, _ISSUED, _S.REVERSAL_REQUESTED),
    Action.CONFIRM_REVERSAL: Transition(_FINANCE, frozenset({_S.REVERSAL_REQUESTED}), _S.REVERSED),
    Action.REJECT_REVERSAL: Transition(_FINANCE, frozenset({_S.REVERSAL_REQUESTED}), None),
}
# Where an action that goes back (target None) returns to when nothing was recorded.
_BACK_BY_DEFAULT = {Action.REJECT_RETURN: _S.SHIPPED, Action.REJECT_REVERSAL: _S.ISSUED}

_WHO = {_CUSTOMER_SIDE: "the customer or its partner", _FINANCE: "finance staff"}


def next_status(
    action: Action,
    *,
    role: Role,
    status: ApplicationStatus,
    medium: InvoiceMedium = InvoiceMedium.PAPER,
    status_before_return: ApplicationStatus | None = None,
    status_before_reversal: ApplicationStatus | None = None,
) -> ApplicationStatus:
    """The status an action leads to, if this role may take it from this status.

    Args:
        action: what is to be done.
        role: the role of whoever does it.
        status: the application's current status.
        medium: what the invoice is issued on; only paper is shipped and returned.
        status_before_return: where the application was before its return was requested.
        status_before_reversal: where it was before its reversal was requested.

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
    if medium not in transition.media:
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            f"You cannot {_verb(action)} an {medium} invoice: it is sent by e-mail, not mailed. "
            "To void it, request its reversal.",
        )
    if status not in transition.sources:
        allowed = " or ".join(sorted(transition.sources))
        raise DomainError(
            ErrorCode.INVALID_STATUS_TRANSITION,
            f"You cannot {_verb(action)} an application that is {status}: only one that is {allowed}.",
        )
    if transition.target is not None:
        return transition.target
    before = status_before_reversal if action is Action.REJECT_REVERSAL else status_before_return
    return before or _BACK_BY_DEFAULT[action]


_VERBS = {
    Action.CANCEL: "cancel",
    Action.ISSUE: "issue",
    Action.SHIP: "ship",
    Action.DELIVER: "mark as delivered",
    Action.REJECT: "reject",
    Action.REQUEST_RETURN: "request the return of",
    Action.CONFIRM_RETURN: "confirm the return of",
    Action.REJECT_RETURN: "reject the return of",
    Action.REQUEST_REVERSAL: "request the reversal of",
    Action.CONFIRM_REVERSAL: "confirm the reversal of",
    Action.REJECT_REVERSAL: "reject the reversal of",
}


def _verb(action: Action) -> str:
    return _VERBS[action]
