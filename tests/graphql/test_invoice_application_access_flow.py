"""Who may call which invoice application mutation: finance's work, and another customer's application."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api
from tests.graphql.documents import (
    APPLY_FOR_INVOICE,
    CANCEL_INVOICE_APPLICATION,
    CONFIRM_INVOICE_RETURN,
    INVOICE_APPLICATION_NODE,
    INVOICE_APPLICATION_QUEUE,
    ISSUE_INVOICE_APPLICATION,
    MARK_INVOICE_APPLICATION_DELIVERED,
    REJECT_INVOICE_APPLICATION,
    REJECT_INVOICE_RETURN,
    SHIP_INVOICE_APPLICATION,
)
from tests.graphql.helpers import mutate, query_data, ready_to_apply, saved_applications, user_error_codes


async def test_customers_and_partners_may_not_do_finances_work(api: Api, tmp_path: Path) -> None:
    # given a pending application, and a customer and its partner
    customer, values = await ready_to_apply(api, tmp_path)
    partner = await api.token(Role.PARTNER, partner="P-1")
    finance = await api.token(Role.FINANCE)
    application = (await mutate(api, APPLY_FOR_INVOICE, {"input": values}, partner))["invoiceApplication"]
    assert application["events"][0]["actorRole"] == "PARTNER"
    ref = {"id": application["id"]}
    finance_only = [
        (ISSUE_INVOICE_APPLICATION, {"input": {**ref, "invoiceNumbers": ["00000001"]}}),
        (SHIP_INVOICE_APPLICATION, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}),
        (MARK_INVOICE_APPLICATION_DELIVERED, ref),
        (REJECT_INVOICE_APPLICATION, {"input": {**ref, "reason": "no"}}),
        (CONFIRM_INVOICE_RETURN, ref),
        (REJECT_INVOICE_RETURN, {"input": {**ref, "reason": "no"}}),
    ]
    # when either calls a finance mutation, then it is forbidden and nothing changes
    for token in (customer, partner):
        for document, variables in finance_only:
            assert user_error_codes(await mutate(api, document, variables, token)) == ["FORBIDDEN"]
    # and finance neither applies nor cancels for the customer
    assert user_error_codes(await mutate(api, CANCEL_INVOICE_APPLICATION, ref, finance)) == ["FORBIDDEN"]
    assert user_error_codes(
        await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, "months": ["2024-02"]}}, finance)
    ) == ["FORBIDDEN"]
    node = await query_data(api, INVOICE_APPLICATION_NODE, ref, customer)
    assert node["node"]["status"] == "PENDING"
    assert await saved_applications(api) == (1, 1)


async def test_another_customers_application_does_not_exist_for_a_customer(api: Api, tmp_path: Path) -> None:
    # given A-1's pending application and B-1's customer
    customer, values = await ready_to_apply(api, tmp_path)
    application = (await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer))["invoiceApplication"]
    stranger = await api.token(Role.CUSTOMER, account="B-1")

    # when B-1 tries to read, cancel or apply on A-1's behalf
    cancel = await mutate(api, CANCEL_INVOICE_APPLICATION, {"id": application["id"]}, stranger)
    applied = await mutate(api, APPLY_FOR_INVOICE, {"input": values}, stranger)
    node = await query_data(api, INVOICE_APPLICATION_NODE, {"id": application["id"]}, stranger)
    queue = await query_data(api, INVOICE_APPLICATION_QUEUE, {}, stranger)

    # then it does not exist for B-1, and nothing changed
    assert [(e["code"], e["field"]) for e in cancel["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert [(e["code"], e["field"]) for e in applied["userErrors"]] == [("NOT_FOUND", ["input", "accountId"])]
    assert node["node"] is None
    assert queue["invoiceApplications"]["totalCount"] == 0
    assert (await query_data(api, INVOICE_APPLICATION_NODE, {"id": application["id"]}, customer))["node"][
        "status"
    ] == "PENDING"
