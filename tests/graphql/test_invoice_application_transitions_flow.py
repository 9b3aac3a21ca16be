"""Invoice application mutations called in the wrong status are INVALID_STATUS_TRANSITION."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api
from tests.graphql.documents import (
    APPLY_FOR_INVOICE,
    CANCEL_INVOICE_APPLICATION,
    ISSUE_INVOICE_APPLICATION,
    MARK_INVOICE_APPLICATION_DELIVERED,
    REJECT_INVOICE_APPLICATION,
    REJECT_INVOICE_RETURN,
    REQUEST_INVOICE_RETURN,
    SHIP_INVOICE_APPLICATION,
)
from tests.graphql.helpers import console_account, month_statuses, mutate, ready_to_apply, user_error_codes


async def test_wrong_statuses_are_invalid_transitions(api: Api, tmp_path: Path) -> None:
    # given a pending application
    customer, values = await ready_to_apply(api, tmp_path)
    finance = await api.token(Role.FINANCE)
    application = (await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer))["invoiceApplication"]
    ref = {"id": application["id"]}

    # when finance ships or marks it delivered before issuing, or a customer asks to return it
    # then each is an invalid transition
    assert user_error_codes(
        await mutate(
            api, SHIP_INVOICE_APPLICATION, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}, finance
        )
    ) == ["INVALID_STATUS_TRANSITION"]
    assert user_error_codes(await mutate(api, MARK_INVOICE_APPLICATION_DELIVERED, ref, finance)) == [
        "INVALID_STATUS_TRANSITION"
    ]
    back = {**ref, "reason": "r", "courier": "EMS", "trackingNumber": "E1"}
    assert user_error_codes(await mutate(api, REQUEST_INVOICE_RETURN, {"input": back}, customer)) == [
        "INVALID_STATUS_TRANSITION"
    ]

    # when finance rejects it, the month is free and nothing more can happen to it
    rejected = await mutate(
        api, REJECT_INVOICE_APPLICATION, {"input": {**ref, "reason": "title mismatch"}}, finance
    )
    assert rejected["invoiceApplication"]["rejectionReason"] == "title mismatch"
    assert user_error_codes(await mutate(api, CANCEL_INVOICE_APPLICATION, ref, customer)) == [
        "INVALID_STATUS_TRANSITION"
    ]
    assert month_statuses(await console_account(api, customer))["2024-01"] == "NOT_INVOICED"

    # and a refused return goes back to where the application was
    second = (await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer))["invoiceApplication"]
    ref = {"id": second["id"]}
    await mutate(api, ISSUE_INVOICE_APPLICATION, {"input": {**ref, "invoiceNumbers": ["00000009"]}}, finance)
    await mutate(
        api, SHIP_INVOICE_APPLICATION, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}, finance
    )
    await mutate(api, REQUEST_INVOICE_RETURN, {"input": {**back, **ref}}, customer)
    kept = await mutate(api, REJECT_INVOICE_RETURN, {"input": {**ref, "reason": "not received"}}, finance)
    assert kept["invoiceApplication"]["status"] == "SHIPPED"
    assert kept["invoiceApplication"]["events"][-1] == {
        "status": "SHIPPED",
        "actorRole": "FINANCE",
        "note": "not received",
    }
