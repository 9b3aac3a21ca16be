"""The life of an application by role and status, and the checks of applying (SPEC section 5)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from invoice_graph.domain.application_details import StatusChange, recorded
from invoice_graph.domain.applications import TRANSITIONS, Action, ApplicationStatus, next_status
from invoice_graph.domain.applying import (
    ApplicationRequest,
    EligibilityProblem,
    MonthFacts,
    application_number,
    application_problems,
    eligibility_problems,
)
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import Month
from invoice_graph.domain.viewer import Role

S = ApplicationStatus
CUSTOMER_SIDE = (Role.CUSTOMER, Role.PARTNER)

ALLOWED = [
    (Action.CANCEL, CUSTOMER_SIDE, S.PENDING, S.CANCELLED),
    (Action.ISSUE, (Role.FINANCE,), S.PENDING, S.ISSUED),
    (Action.SHIP, (Role.FINANCE,), S.ISSUED, S.SHIPPED),
    (Action.DELIVER, (Role.FINANCE,), S.SHIPPED, S.DELIVERED),
    (Action.REJECT, (Role.FINANCE,), S.PENDING, S.REJECTED),
    (Action.REQUEST_RETURN, CUSTOMER_SIDE, S.SHIPPED, S.RETURN_REQUESTED),
    (Action.REQUEST_RETURN, CUSTOMER_SIDE, S.DELIVERED, S.RETURN_REQUESTED),
    (Action.CONFIRM_RETURN, (Role.FINANCE,), S.RETURN_REQUESTED, S.RETURNED),
]


@pytest.mark.parametrize(("action", "roles", "source", "target"), ALLOWED)
def test_each_allowed_transition_leads_to_its_status(
    action: Action, roles: tuple[Role, ...], source: ApplicationStatus, target: ApplicationStatus
) -> None:
    for role in roles:
        assert next_status(action, role=role, status=source) is target


@pytest.mark.parametrize("before", [S.SHIPPED, S.DELIVERED])
def test_rejecting_a_return_goes_back_to_where_the_application_was(before: ApplicationStatus) -> None:
    # given a return requested from SHIPPED or DELIVERED
    # when finance rejects the return
    status = next_status(
        Action.REJECT_RETURN, role=Role.FINANCE, status=S.RETURN_REQUESTED, status_before_return=before
    )
    # then the application is back where it was
    assert status is before


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_a_role_that_may_not_act_is_forbidden_whatever_the_status(action: Action, role: Role) -> None:
    if role in TRANSITIONS[action].roles:
        return
    for status in S:
        with pytest.raises(DomainError) as caught:
            next_status(action, role=role, status=status)
        assert caught.value.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(S))
def test_every_other_status_is_an_invalid_transition(action: Action, status: ApplicationStatus) -> None:
    transition = TRANSITIONS[action]
    if status in transition.sources:
        return
    role = next(iter(transition.roles))
    with pytest.raises(DomainError) as caught:
        next_status(action, role=role, status=status)
    assert caught.value.code is ErrorCode.INVALID_STATUS_TRANSITION


def test_finished_applications_cannot_move_at_all() -> None:
    for status in (S.CANCELLED, S.REJECTED, S.RETURNED):
        for action, transition in TRANSITIONS.items():
            role = next(iter(transition.roles))
            with pytest.raises(DomainError):
                next_status(action, role=role, status=status)


def test_issuing_needs_invoice_numbers_and_shipping_a_courier() -> None:
    with pytest.raises(InvalidInputError) as issued:
        recorded(StatusChange(Action.ISSUE, invoice_numbers=("  ", "12345678", "12345678")))
    assert [e.field for e in issued.value.errors] == [
        ["input", "invoiceNumbers", "0"],
        ["input", "invoiceNumbers", "2"],
    ]
    with pytest.raises(InvalidInputError) as shipped:
        recorded(StatusChange(Action.SHIP, courier=" ", tracking_number=None))
    assert [e.field for e in shipped.value.errors] == [["input", "courier"], ["input", "trackingNumber"]]
    assert recorded(StatusChange(Action.REJECT, reason=" wrong title ")).values == {
        "rejection_reason": "wrong title"
    }


MARCH, APRIL, MAY = Month(2024, 3), Month(2024, 4), Month(2024, 5)
FACTS = {
    MARCH: MonthFacts(10000, 0, in_application=False),
    APRIL: MonthFacts(5000, 250, in_application=True),
    MAY: MonthFacts(0, 0, in_application=False),
}


def _request(**changes: object) -> ApplicationRequest:
    values: dict[str, object] = {
        "account_id": 1,
        "months": (MARCH,),
        "title_id": 1,
        "address_id": 1,
        "confirmed_amount": Decimal("100.00"),
        "accept_terms": True,
    }
    values.update(changes)
    return ApplicationRequest(**values)  # type: ignore[arg-type]


def _problems(request: ApplicationRequest, **found: bool) -> list[tuple[ErrorCode, list[str] | None]]:
    problems = application_problems(
        request,
        FACTS,
        title_found=found.get("title", True),
        address_found=found.get("address", True),
        current=Month(2026, 1),
    )
    return [(p.code, p.field) for p in problems]


def test_a_good_request_has_no_problems() -> None:
    assert _problems(_request()) == []


def test_every_month_problem_is_reported_at_its_index() -> None:
    request = _request(months=(MARCH, APRIL, MAY, Month(2024, 6), Month(2026, 1), MARCH))
    assert _problems(request) == [
        (ErrorCode.MONTH_ALREADY_INVOICED, ["input", "months", "1"]),
        (ErrorCode.NOTHING_TO_INVOICE, ["input", "months", "2"]),
        (ErrorCode.STATEMENT_NOT_GENERATED, ["input", "months", "3"]),
        (ErrorCode.STATEMENT_NOT_GENERATED, ["input", "months", "4"]),
        (ErrorCode.INVALID, ["input", "months", "5"]),
    ]


def test_an_amount_mismatch_states_the_servers_amount() -> None:
    problems = application_problems(
        _request(confirmed_amount=Decimal("99.99")),
        FACTS,
        title_found=True,
        address_found=True,
        current=Month(2026, 1),
    )
    assert [p.code for p in problems] == [ErrorCode.AMOUNT_MISMATCH]
    assert "100.00" in problems[0].message


def test_terms_remark_title_and_address_are_all_reported_together() -> None:
    request = _request(accept_terms=False, remark="x" * 129)
    assert _problems(request, title=False, address=False) == [
        (ErrorCode.NOT_FOUND, ["input", "titleId"]),
        (ErrorCode.NOT_FOUND, ["input", "addressId"]),
        (ErrorCode.TERMS_NOT_ACCEPTED, ["input", "acceptTerms"]),
        (ErrorCode.INVALID, ["input", "remark"]),
    ]
    assert _problems(_request(remark="发票 🧾")) == [(ErrorCode.UNPRINTABLE_CHARACTERS, ["input", "remark"])]


def test_the_fingerprint_ignores_order_and_repeats_of_months() -> None:
    one = _request(months=(MARCH, APRIL), idempotency_key="k")
    other = _request(months=(APRIL, MARCH), idempotency_key="k")
    assert one.fingerprint() == other.fingerprint()
    assert one.fingerprint() != _request(months=(MARCH,)).fingerprint()


def test_eligibility_names_everything_missing() -> None:
    assert eligibility_problems(has_title=False, has_address=False, invoiceable_fen=0) == list(
        EligibilityProblem
    )
    assert eligibility_problems(has_title=True, has_address=True, invoiceable_fen=1) == []


def test_the_number_carries_the_cst_date_and_the_id() -> None:
    assert application_number(datetime(2025, 9, 30, 17, tzinfo=UTC), 42) == "IA2025100100000042"
