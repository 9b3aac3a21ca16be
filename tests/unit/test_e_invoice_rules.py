"""The rules of e-invoices and reversals (SPEC sections 9 and 10), without a database."""

from datetime import datetime
from decimal import Decimal

import pytest

from invoice_graph.domain.application_details import StatusChange, recorded
from invoice_graph.domain.applications import (
    RELEASING_STATUSES,
    Action,
    ApplicationStatus,
    InvoiceMedium,
    ReversalReason,
    next_status,
)
from invoice_graph.domain.applying import (
    ApplicationRequest,
    EligibilityProblem,
    MonthFacts,
    application_problems,
    checked_emails,
    eligibility_problems,
)
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import CST, Month
from invoice_graph.domain.viewer import Role
from invoice_graph.domain.workdays import due_by, is_overdue

S = ApplicationStatus
E = InvoiceMedium.ELECTRONIC
MONTH = Month(2024, 1)
FACTS = {MONTH: MonthFacts(10_000, 0, in_application=False)}


def _request(**overrides: object) -> ApplicationRequest:
    values: dict[str, object] = {
        "account_id": 1,
        "months": (MONTH,),
        "title_id": 1,
        "address_id": None,
        "confirmed_amount": Decimal("100.00"),
        "accept_terms": True,
        "medium": E,
        "emails": ("a@example.com",),
        **overrides,
    }
    return ApplicationRequest(**values)  # type: ignore[arg-type]


def _codes(
    request: ApplicationRequest, offered: tuple[InvoiceMedium, ...] = tuple(InvoiceMedium)
) -> list[str]:
    problems = application_problems(
        request,
        FACTS,
        title_found=True,
        address_found=False,
        current=Month(2024, 6),
        medium=request.medium or offered[0],
        offered=offered,
    )
    return [problem.code for problem in problems]


def test_an_e_invoice_needs_no_address_but_one_to_five_valid_emails() -> None:
    assert _codes(_request()) == []
    assert _codes(_request(emails=None)) == [ErrorCode.EMAILS_REQUIRED]
    assert _codes(_request(emails=tuple(f"u{i}@example.com" for i in range(6)))) == [ErrorCode.INVALID]
    emails, problems = checked_emails(["ok@example.com", "nope", "OK@example.com"], ["input", "emails"])
    assert emails == ["ok@example.com"]
    assert [(p.code, p.field) for p in problems] == [
        (ErrorCode.INVALID_EMAIL, ["input", "emails", "1"]),
        (ErrorCode.INVALID, ["input", "emails", "2"]),
    ]


def test_a_paper_invoice_still_needs_an_address_and_a_medium_not_offered_is_refused() -> None:
    assert _codes(_request(medium=InvoiceMedium.PAPER)) == [ErrorCode.ADDRESS_REQUIRED]
    assert _codes(_request(), offered=(InvoiceMedium.PAPER,)) == [ErrorCode.MEDIUM_NOT_OFFERED]
    assert eligibility_problems(has_title=True, has_address=False, invoiceable_fen=1, medium=E) == []
    assert eligibility_problems(has_title=True, has_address=False, invoiceable_fen=1) == [
        EligibilityProblem.ADDRESS_REQUIRED
    ]


def test_an_e_invoice_is_due_in_one_working_day_and_late_only_until_issued() -> None:
    friday = datetime(2024, 3, 1, 10, tzinfo=CST)
    assert due_by(friday, E).isoformat() == "2024-03-04"
    assert due_by(friday).isoformat() == "2024-03-06"
    after = due_by(friday, E).replace(day=5)
    assert is_overdue(S.PENDING, due_by(friday, E), after, E)
    assert not is_overdue(S.ISSUED, due_by(friday, E), after, E)


@pytest.mark.parametrize("action", [Action.SHIP, Action.DELIVER, Action.REQUEST_RETURN])
def test_an_e_invoice_is_never_shipped_or_returned(action: Action) -> None:
    role = Role.CUSTOMER if action is Action.REQUEST_RETURN else Role.FINANCE
    for status in (S.ISSUED, S.SHIPPED, S.DELIVERED):
        with pytest.raises(DomainError) as refused:
            next_status(action, role=role, status=status, medium=E)
        assert refused.value.code is ErrorCode.INVALID_STATUS_TRANSITION


@pytest.mark.parametrize("medium", list(InvoiceMedium))
@pytest.mark.parametrize("issued", [S.ISSUED, S.SHIPPED, S.DELIVERED])
def test_a_reversal_is_requested_confirmed_or_rejected_back_to_where_it_was(
    medium: InvoiceMedium, issued: ApplicationStatus
) -> None:
    if medium is E and issued is not S.ISSUED:
        return  # an e-invoice is never shipped
    requested = next_status(Action.REQUEST_REVERSAL, role=Role.PARTNER, status=issued, medium=medium)
    assert requested is S.REVERSAL_REQUESTED
    rejected = next_status(
        Action.REJECT_REVERSAL,
        role=Role.FINANCE,
        status=requested,
        medium=medium,
        status_before_reversal=issued,
    )
    assert rejected is issued
    confirmed = next_status(Action.CONFIRM_REVERSAL, role=Role.FINANCE, status=requested, medium=medium)
    assert confirmed is S.REVERSED
    assert S.REVERSED in RELEASING_STATUSES
    with pytest.raises(DomainError) as forbidden:
        next_status(Action.CONFIRM_REVERSAL, role=Role.CUSTOMER, status=requested, medium=medium)
    assert forbidden.value.code is ErrorCode.FORBIDDEN


def test_a_paper_invoice_is_either_returned_or_reversed_not_both() -> None:
    with pytest.raises(DomainError):
        next_status(Action.REQUEST_REVERSAL, role=Role.CUSTOMER, status=S.RETURN_REQUESTED)
    with pytest.raises(DomainError):
        next_status(Action.REQUEST_RETURN, role=Role.CUSTOMER, status=S.REVERSAL_REQUESTED)


def test_invoice_numbers_have_the_digits_of_their_medium_and_red_ones_match_the_originals() -> None:
    assert recorded(StatusChange(Action.ISSUE, invoice_numbers=("12345678",))).values == {
        "invoice_numbers": ["12345678"]
    }
    with pytest.raises(InvalidInputError):
        recorded(StatusChange(Action.ISSUE, invoice_numbers=("12345678",)), E)
    original = "1" * 20
    with pytest.raises(InvalidInputError) as same:
        recorded(StatusChange(Action.CONFIRM_REVERSAL, red_invoice_numbers=(original,)), E, [original])
    assert same.value.errors[0].field == ["input", "redInvoiceNumbers", "0"]
    red = recorded(StatusChange(Action.CONFIRM_REVERSAL, red_invoice_numbers=("2" * 20,)), E, [original])
    assert red.values == {"red_invoice_numbers": ["2" * 20]}
    with pytest.raises(InvalidInputError) as short:
        recorded(
            StatusChange(Action.CONFIRM_REVERSAL, red_invoice_numbers=("2" * 20,)), E, [original, "3" * 20]
        )
    assert short.value.errors[0].field == ["input", "redInvoiceNumbers"]
    reason = recorded(StatusChange(Action.REQUEST_REVERSAL, reversal_reason=ReversalReason.SALES_RETURN))
    assert reason.values == {"reversal_reason": "SALES_RETURN", "reversal_note": None}
