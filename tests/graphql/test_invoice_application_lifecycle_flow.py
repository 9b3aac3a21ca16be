"""The console's whole path: title, address, apply, cancel, issue, ship, deliver, return."""

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
    REQUEST_INVOICE_RETURN,
    SHIP_INVOICE_APPLICATION,
)
from tests.graphql.helpers import (
    apply_input,
    console_account,
    make_billing,
    month_statuses,
    mutate,
    query_data,
)

CREATE_TITLE = """
mutation($input: CreateInvoiceTitleInput!) { createInvoiceTitle(input: $input) {
  invoiceTitle { id } userErrors { code field } } }
"""

CREATE_ADDRESS = """
mutation($input: CreateInvoiceAddressInput!) { createInvoiceAddress(input: $input) {
  invoiceAddress { id } userErrors { code field } } }
"""


async def test_the_consoles_whole_path_from_title_to_a_returned_invoice(api: Api, tmp_path: Path) -> None:
    # given an account with three invoiceable months and no title or address yet
    await make_billing(api, tmp_path)
    customer = await api.token(Role.CUSTOMER, account="A-1")
    finance = await api.token(Role.FINANCE)
    account = await console_account(api, customer)
    assert account["invoiceEligibility"] == {
        "canApply": False,
        "problems": ["TITLE_REQUIRED", "ADDRESS_REQUIRED"],
        "invoiceableTotal": {"amount": "300.00"},
    }

    # when the customer adds a title and an address
    title = await mutate(
        api,
        CREATE_TITLE,
        {
            "input": {
                "accountId": account["id"],
                "kind": "INDIVIDUAL",
                "invoiceType": "VAT_GENERAL",
                "name": "张三",
            }
        },
        customer,
    )
    address = await mutate(
        api,
        CREATE_ADDRESS,
        {
            "input": {
                "accountId": account["id"],
                "recipient": "张三",
                "phone": "13812345678",
                "province": "北京市",
                "city": "北京市",
                "district": "海淀区",
                "street": "中关村大街1号",
                "postalCode": "100080",
            }
        },
        customer,
    )
    title_id, address_id = title["invoiceTitle"]["id"], address["invoiceAddress"]["id"]

    # then it can apply, and the preview of two months shows their total and no problem
    account = await console_account(api, customer, ["2024-01", "2024-02"])
    assert account["invoiceEligibility"]["canApply"] is True
    assert account["invoicePreview"] == {
        "totals": {"months": ["2024-01", "2024-02"], "total": {"amount": "200.00"}},
        "problems": [],
    }

    # when it applies for them
    values = apply_input(account["id"], title_id, address_id, ["2024-02", "2024-01"], "200.00")
    first = await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, "remark": "项目A"}}, customer)

    # then a pending application keeps what was applied for, and the months are in application
    assert first["userErrors"] == []
    application = first["invoiceApplication"]
    assert application["status"] == "PENDING"
    assert application["number"].startswith("IA")
    assert application["months"] == ["2024-01", "2024-02"]
    assert application["amount"] == {"amount": "200.00"}
    assert application["medium"] == "PAPER"
    assert application["title"] == {"kind": "INDIVIDUAL", "name": "张三"}
    assert application["remark"] == "项目A"
    assert application["events"] == [{"status": "PENDING", "actorRole": "CUSTOMER", "note": None}]
    account = await console_account(api, customer)
    assert month_statuses(account) == {
        "2024-04": "NOT_INVOICED",
        "2024-03": "NOT_INVOICED",
        "2024-02": "IN_APPLICATION",
        "2024-01": "IN_APPLICATION",
    }

    # when it cancels, the months are free again, and it applies again
    cancelled = await mutate(api, CANCEL_INVOICE_APPLICATION, {"id": application["id"]}, customer)
    assert cancelled["invoiceApplication"]["status"] == "CANCELLED"
    assert month_statuses(await console_account(api, customer))["2024-01"] == "NOT_INVOICED"
    second = (await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer))["invoiceApplication"]
    assert second["id"] != application["id"]

    # then finance issues, ships and marks it delivered
    issued = await mutate(
        api,
        ISSUE_INVOICE_APPLICATION,
        {"input": {"id": second["id"], "invoiceNumbers": ["00000001", "00000002"]}},
        finance,
    )
    assert issued["invoiceApplication"]["invoiceNumbers"] == ["00000001", "00000002"]
    ship = {"id": second["id"], "courier": "SF Express", "trackingNumber": "SF123"}
    shipped = (await mutate(api, SHIP_INVOICE_APPLICATION, {"input": ship}, finance))["invoiceApplication"]
    assert (shipped["status"], shipped["courier"], shipped["trackingNumber"]) == (
        "SHIPPED",
        "SF Express",
        "SF123",
    )
    delivered = await mutate(api, MARK_INVOICE_APPLICATION_DELIVERED, {"id": second["id"]}, finance)
    assert delivered["invoiceApplication"]["status"] == "DELIVERED"
    assert month_statuses(await console_account(api, customer))["2024-01"] == "INVOICED"

    # when the customer mails it back and finance confirms the return
    back = {"id": second["id"], "reason": "wrong title", "courier": "EMS", "trackingNumber": "E1"}
    requested = await mutate(api, REQUEST_INVOICE_RETURN, {"input": back}, customer)
    assert requested["invoiceApplication"]["returnReason"] == "wrong title"
    returned = (await mutate(api, CONFIRM_INVOICE_RETURN, {"id": second["id"]}, finance))[
        "invoiceApplication"
    ]

    # then every step is an event, and the months can be applied for once more
    assert [(e["status"], e["actorRole"]) for e in returned["events"]] == [
        ("PENDING", "CUSTOMER"),
        ("ISSUED", "FINANCE"),
        ("SHIPPED", "FINANCE"),
        ("DELIVERED", "FINANCE"),
        ("RETURN_REQUESTED", "CUSTOMER"),
        ("RETURNED", "FINANCE"),
    ]
    third = await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer)
    assert third["invoiceApplication"]["status"] == "PENDING"

    # and finance's queue and the account list all three, newest first
    queue = (await query_data(api, INVOICE_APPLICATION_QUEUE, {}, finance))["invoiceApplications"]
    assert queue["totalCount"] == 3
    assert [e["node"]["status"] for e in queue["edges"]] == ["PENDING", "RETURNED", "CANCELLED"]
    pending = await query_data(
        api, INVOICE_APPLICATION_QUEUE, {"status": ["PENDING"], "overdue": False}, customer
    )
    assert pending["invoiceApplications"]["totalCount"] == 1
    node = await query_data(api, INVOICE_APPLICATION_NODE, {"id": second["id"]}, customer)
    assert node["node"] == {"id": second["id"], "status": "RETURNED"}
