"""Applying for an invoice and the life of an application, as the console and finance use them."""

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from invoice_graph.db.tables import invoice_application_events, invoice_applications
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title
from tests.graphql.conftest import Api

ACCOUNT = """
query($number: String!, $months: [Month!]!) { account(accountNumber: $number) {
  id
  invoiceEligibility { canApply problems invoiceableTotal { amount } }
  invoicePreview(months: $months) { totals { months total { amount } } problems { field code message } }
  statements(first: 12) { edges { node { month invoiceStatus application { id status } } } }
  invoiceApplications(first: 10) { totalCount edges { node { id status } } }
} }
"""
CREATE_TITLE = """
mutation($input: CreateInvoiceTitleInput!) { createInvoiceTitle(input: $input) {
  invoiceTitle { id } userErrors { code field } } }
"""
CREATE_ADDRESS = """
mutation($input: CreateInvoiceAddressInput!) { createInvoiceAddress(input: $input) {
  invoiceAddress { id } userErrors { code field } } }
"""
FIELDS = """
invoiceApplication {
  id number status medium months amount { amount } cloudAmount { amount } marketAmount { amount }
  title { kind name } address { recipient postalCode } submittedAt dueBy overdue invoiceNumbers
  courier trackingNumber remark rejectionReason returnReason
  account { accountNumber } statements { month invoiceStatus }
  events { status actorRole note }
}
userErrors { field code message }
"""
APPLY = "mutation($input: ApplyForInvoiceInput!) { applyForInvoice(input: $input) {" + FIELDS + "} }"
CANCEL = "mutation($id: ID!) { cancelInvoiceApplication(id: $id) {" + FIELDS + "} }"
ISSUE = (
    "mutation($input: IssueInvoiceApplicationInput!) { issueInvoiceApplication(input: $input) {"
    + FIELDS
    + "} }"
)
SHIP = (
    "mutation($input: ShipInvoiceApplicationInput!) { shipInvoiceApplication(input: $input) {"
    + FIELDS
    + "} }"
)
DELIVER = "mutation($id: ID!) { markInvoiceApplicationDelivered(id: $id) {" + FIELDS + "} }"
REJECT = (
    "mutation($input: RejectInvoiceApplicationInput!) { rejectInvoiceApplication(input: $input) {"
    + FIELDS
    + "} }"
)
REQUEST_RETURN = (
    "mutation($input: RequestInvoiceReturnInput!) { requestInvoiceReturn(input: $input) {" + FIELDS + "} }"
)
CONFIRM_RETURN = "mutation($id: ID!) { confirmInvoiceReturn(id: $id) {" + FIELDS + "} }"
REJECT_RETURN = (
    "mutation($input: RejectInvoiceReturnInput!) { rejectInvoiceReturn(input: $input) {" + FIELDS + "} }"
)
QUEUE = """
query($status: [InvoiceApplicationStatus!], $overdue: Boolean) {
  invoiceApplications(first: 50, status: $status, overdue: $overdue) {
    totalCount edges { node { id number status account { accountNumber } } } } }
"""
NODE = "query($id: ID!) { node(id: $id) { ... on InvoiceApplication { id status } } }"


async def _billing(api: Api, tmp_path: Path) -> None:
    """A-1 (partner P-1): Jan-Mar 2024 at 100.00 invoiceable each, Apr with nothing invoiceable; B-1 too."""
    rows = [line(partner="P-1", billed_on=f"2024-0{month}-10") for month in (1, 2, 3)]
    rows.append(line(partner="P-1", billed_on="2024-04-10", billing_mode="PAY_AS_YOU_GO"))
    rows.append(line(account_number="B-1", account_name="Beta", billed_on="2024-01-10"))
    await make_statements(api.database, tmp_path, rows)


async def _data(api: Api, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    body = await api.query(document, variables, token=token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _mutate(api: Api, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    data = await _data(api, document, variables, token)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


def _codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def _account(api: Api, token: str, months: list[str] | None = None) -> dict[str, Any]:
    variables = {"number": "A-1", "months": months or ["2024-01"]}
    account: dict[str, Any] = (await _data(api, ACCOUNT, variables, token))["account"]
    return account


def _statuses(account: dict[str, Any]) -> dict[str, str]:
    return {e["node"]["month"]: e["node"]["invoiceStatus"] for e in account["statements"]["edges"]}


def _apply_input(account_id: str, title: str, address: str, months: list[str], amount: str) -> dict[str, Any]:
    return {
        "accountId": account_id,
        "months": months,
        "titleId": title,
        "addressId": address,
        "confirmedAmount": amount,
        "acceptTerms": True,
    }


async def _saved(api: Api) -> tuple[int, int]:
    async with api.database.read() as connection:
        apps = (await connection.execute(select(func.count()).select_from(invoice_applications))).scalar_one()
        events = (
            await connection.execute(select(func.count()).select_from(invoice_application_events))
        ).scalar_one()
    return int(apps), int(events)


async def test_the_consoles_whole_path_from_title_to_a_returned_invoice(api: Api, tmp_path: Path) -> None:
    # given an account with three invoiceable months and no title or address yet
    await _billing(api, tmp_path)
    customer = await api.token(Role.CUSTOMER, account="A-1")
    finance = await api.token(Role.FINANCE)
    account = await _account(api, customer)
    assert account["invoiceEligibility"] == {
        "canApply": False,
        "problems": ["TITLE_REQUIRED", "ADDRESS_REQUIRED"],
        "invoiceableTotal": {"amount": "300.00"},
    }

    # when the customer adds a title and an address
    title = await _mutate(
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
    address = await _mutate(
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
    account = await _account(api, customer, ["2024-01", "2024-02"])
    assert account["invoiceEligibility"]["canApply"] is True
    assert account["invoicePreview"] == {
        "totals": {"months": ["2024-01", "2024-02"], "total": {"amount": "200.00"}},
        "problems": [],
    }

    # when it applies for them
    values = _apply_input(account["id"], title_id, address_id, ["2024-02", "2024-01"], "200.00")
    first = await _mutate(api, APPLY, {"input": {**values, "remark": "项目A"}}, customer)

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
    account = await _account(api, customer)
    assert _statuses(account) == {
        "2024-04": "NOT_INVOICED",
        "2024-03": "NOT_INVOICED",
        "2024-02": "IN_APPLICATION",
        "2024-01": "IN_APPLICATION",
    }

    # when it cancels, the months are free again, and it applies again
    cancelled = await _mutate(api, CANCEL, {"id": application["id"]}, customer)
    assert cancelled["invoiceApplication"]["status"] == "CANCELLED"
    assert _statuses(await _account(api, customer))["2024-01"] == "NOT_INVOICED"
    second = (await _mutate(api, APPLY, {"input": values}, customer))["invoiceApplication"]
    assert second["id"] != application["id"]

    # then finance issues, ships and marks it delivered
    issued = await _mutate(
        api, ISSUE, {"input": {"id": second["id"], "invoiceNumbers": ["0001", "0002"]}}, finance
    )
    assert issued["invoiceApplication"]["invoiceNumbers"] == ["0001", "0002"]
    ship = {"id": second["id"], "courier": "SF Express", "trackingNumber": "SF123"}
    shipped = (await _mutate(api, SHIP, {"input": ship}, finance))["invoiceApplication"]
    assert (shipped["status"], shipped["courier"], shipped["trackingNumber"]) == (
        "SHIPPED",
        "SF Express",
        "SF123",
    )
    delivered = await _mutate(api, DELIVER, {"id": second["id"]}, finance)
    assert delivered["invoiceApplication"]["status"] == "DELIVERED"
    assert _statuses(await _account(api, customer))["2024-01"] == "INVOICED"

    # when the customer mails it back and finance confirms the return
    back = {"id": second["id"], "reason": "wrong title", "courier": "EMS", "trackingNumber": "E1"}
    requested = await _mutate(api, REQUEST_RETURN, {"input": back}, customer)
    assert requested["invoiceApplication"]["returnReason"] == "wrong title"
    returned = (await _mutate(api, CONFIRM_RETURN, {"id": second["id"]}, finance))["invoiceApplication"]

    # then every step is an event, and the months can be applied for once more
    assert [(e["status"], e["actorRole"]) for e in returned["events"]] == [
        ("PENDING", "CUSTOMER"),
        ("ISSUED", "FINANCE"),
        ("SHIPPED", "FINANCE"),
        ("DELIVERED", "FINANCE"),
        ("RETURN_REQUESTED", "CUSTOMER"),
        ("RETURNED", "FINANCE"),
    ]
    third = await _mutate(api, APPLY, {"input": values}, customer)
    assert third["invoiceApplication"]["status"] == "PENDING"

    # and finance's queue and the account list all three, newest first
    queue = (await _data(api, QUEUE, {}, finance))["invoiceApplications"]
    assert queue["totalCount"] == 3
    assert [e["node"]["status"] for e in queue["edges"]] == ["PENDING", "RETURNED", "CANCELLED"]
    pending = await _data(api, QUEUE, {"status": ["PENDING"], "overdue": False}, customer)
    assert pending["invoiceApplications"]["totalCount"] == 1
    node = await _data(api, NODE, {"id": second["id"]}, customer)
    assert node["node"] == {"id": second["id"], "status": "RETURNED"}


async def _ready(api: Api, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """A customer token and an applyForInvoice input for 2024-01 (100.00)."""
    await _billing(api, tmp_path)
    title, address = await add_title(api.database), await add_address(api.database)
    account_id = await account_id_of(api.database, "A-1")
    values = _apply_input(
        encode_id("Account", account_id),
        encode_id("InvoiceTitle", account_id, title),
        encode_id("InvoiceAddress", account_id, address),
        ["2024-01"],
        "100.00",
    )
    return await api.token(Role.CUSTOMER, account="A-1"), values


async def test_each_refusal_returns_its_code_and_saves_nothing(api: Api, tmp_path: Path) -> None:
    # given a customer ready to apply, and another account's title
    customer, values = await _ready(api, tmp_path)
    other_title = encode_id(
        "InvoiceTitle", await account_id_of(api.database, "B-1"), await add_title(api.database, "B-1")
    )
    refusals: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"months": ["2024-09"]}, "STATEMENT_NOT_GENERATED", ["input", "months", "0"]),
        (
            {"months": ["2030-01"], "confirmedAmount": "0.00"},
            "STATEMENT_NOT_GENERATED",
            ["input", "months", "0"],
        ),
        ({"months": ["2024-04"], "confirmedAmount": "0.00"}, "NOTHING_TO_INVOICE", ["input", "months", "0"]),
        ({"confirmedAmount": "99.99"}, "AMOUNT_MISMATCH", ["input", "confirmedAmount"]),
        ({"acceptTerms": False}, "TERMS_NOT_ACCEPTED", ["input", "acceptTerms"]),
        ({"titleId": other_title}, "NOT_FOUND", ["input", "titleId"]),
        ({"remark": "x" * 129}, "INVALID", ["input", "remark"]),
        ({"remark": "发票🧾"}, "UNPRINTABLE_CHARACTERS", ["input", "remark"]),
    ]
    for change, code, field in refusals:
        # when it applies with one thing wrong
        payload = await _mutate(api, APPLY, {"input": {**values, **change}}, customer)
        # then it is told what, and nothing is saved
        assert payload["invoiceApplication"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], change
    assert await _saved(api) == (0, 0)
    mismatch = await _mutate(api, APPLY, {"input": {**values, "confirmedAmount": "1.00"}}, customer)
    assert "100.00" in mismatch["userErrors"][0]["message"]

    # and a month already applied for, or a reused key with other input, is refused too
    first = await _mutate(api, APPLY, {"input": {**values, "idempotencyKey": "k-1"}}, customer)
    again = await _mutate(api, APPLY, {"input": {**values, "idempotencyKey": "k-1"}}, customer)
    assert again["invoiceApplication"]["id"] == first["invoiceApplication"]["id"]
    taken = await _mutate(api, APPLY, {"input": values}, customer)
    assert [(e["code"], e["field"]) for e in taken["userErrors"]] == [
        ("MONTH_ALREADY_INVOICED", ["input", "months", "0"])
    ]
    reused = await _mutate(
        api, APPLY, {"input": {**values, "months": ["2024-02"], "idempotencyKey": "k-1"}}, customer
    )
    assert _codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]
    assert await _saved(api) == (1, 1)


async def test_wrong_statuses_are_invalid_transitions(api: Api, tmp_path: Path) -> None:
    # given a pending application
    customer, values = await _ready(api, tmp_path)
    finance = await api.token(Role.FINANCE)
    application = (await _mutate(api, APPLY, {"input": values}, customer))["invoiceApplication"]
    ref = {"id": application["id"]}

    # when finance ships or marks it delivered before issuing, or a customer asks to return it
    # then each is an invalid transition
    assert _codes(
        await _mutate(api, SHIP, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}, finance)
    ) == ["INVALID_STATUS_TRANSITION"]
    assert _codes(await _mutate(api, DELIVER, ref, finance)) == ["INVALID_STATUS_TRANSITION"]
    back = {**ref, "reason": "r", "courier": "EMS", "trackingNumber": "E1"}
    assert _codes(await _mutate(api, REQUEST_RETURN, {"input": back}, customer)) == [
        "INVALID_STATUS_TRANSITION"
    ]

    # when finance rejects it, the month is free and nothing more can happen to it
    rejected = await _mutate(api, REJECT, {"input": {**ref, "reason": "title mismatch"}}, finance)
    assert rejected["invoiceApplication"]["rejectionReason"] == "title mismatch"
    assert _codes(await _mutate(api, CANCEL, ref, customer)) == ["INVALID_STATUS_TRANSITION"]
    assert _statuses(await _account(api, customer))["2024-01"] == "NOT_INVOICED"

    # and a refused return goes back to where the application was
    second = (await _mutate(api, APPLY, {"input": values}, customer))["invoiceApplication"]
    ref = {"id": second["id"]}
    await _mutate(api, ISSUE, {"input": {**ref, "invoiceNumbers": ["9"]}}, finance)
    await _mutate(api, SHIP, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}, finance)
    await _mutate(api, REQUEST_RETURN, {"input": {**back, **ref}}, customer)
    kept = await _mutate(api, REJECT_RETURN, {"input": {**ref, "reason": "not received"}}, finance)
    assert kept["invoiceApplication"]["status"] == "SHIPPED"
    assert kept["invoiceApplication"]["events"][-1] == {
        "status": "SHIPPED",
        "actorRole": "FINANCE",
        "note": "not received",
    }


async def test_customers_and_partners_may_not_do_finances_work(api: Api, tmp_path: Path) -> None:
    # given a pending application, and a customer and its partner
    customer, values = await _ready(api, tmp_path)
    partner = await api.token(Role.PARTNER, partner="P-1")
    finance = await api.token(Role.FINANCE)
    application = (await _mutate(api, APPLY, {"input": values}, partner))["invoiceApplication"]
    assert application["events"][0]["actorRole"] == "PARTNER"
    ref = {"id": application["id"]}
    finance_only = [
        (ISSUE, {"input": {**ref, "invoiceNumbers": ["1"]}}),
        (SHIP, {"input": {**ref, "courier": "SF", "trackingNumber": "1"}}),
        (DELIVER, ref),
        (REJECT, {"input": {**ref, "reason": "no"}}),
        (CONFIRM_RETURN, ref),
        (REJECT_RETURN, {"input": {**ref, "reason": "no"}}),
    ]
    # when either calls a finance mutation, then it is forbidden and nothing changes
    for token in (customer, partner):
        for document, variables in finance_only:
            assert _codes(await _mutate(api, document, variables, token)) == ["FORBIDDEN"]
    # and finance neither applies nor cancels for the customer
    assert _codes(await _mutate(api, CANCEL, ref, finance)) == ["FORBIDDEN"]
    assert _codes(await _mutate(api, APPLY, {"input": {**values, "months": ["2024-02"]}}, finance)) == [
        "FORBIDDEN"
    ]
    node = await _data(api, NODE, ref, customer)
    assert node["node"]["status"] == "PENDING"
    assert await _saved(api) == (1, 1)


async def test_another_customers_application_does_not_exist_for_a_customer(api: Api, tmp_path: Path) -> None:
    # given A-1's pending application and B-1's customer
    customer, values = await _ready(api, tmp_path)
    application = (await _mutate(api, APPLY, {"input": values}, customer))["invoiceApplication"]
    stranger = await api.token(Role.CUSTOMER, account="B-1")

    # when B-1 tries to read, cancel or apply on A-1's behalf
    cancel = await _mutate(api, CANCEL, {"id": application["id"]}, stranger)
    applied = await _mutate(api, APPLY, {"input": values}, stranger)
    node = await _data(api, NODE, {"id": application["id"]}, stranger)
    queue = await _data(api, QUEUE, {}, stranger)

    # then it does not exist for B-1, and nothing changed
    assert [(e["code"], e["field"]) for e in cancel["userErrors"]] == [("NOT_FOUND", ["id"])]
    assert [(e["code"], e["field"]) for e in applied["userErrors"]] == [("NOT_FOUND", ["input", "accountId"])]
    assert node["node"] is None
    assert queue["invoiceApplications"]["totalCount"] == 0
    assert (await _data(api, NODE, {"id": application["id"]}, customer))["node"]["status"] == "PENDING"


PARTNER_VIEW = """
{ invoiceApplications(first: 50) { totalCount edges { node { number account { name }
    statements { month } events { status } } } }
  viewer { accounts(first: 100) { edges { node {
    invoiceEligibility { canApply problems }
    invoiceApplications(first: 5) { totalCount edges { node { id status events { status } } } }
    statements(first: 12) { edges { node { month application { id number events { status } } } } }
} } } } }
"""


async def _count_for(api: Api, tmp_path: Path, accounts: int) -> int:
    async with api.database.transaction() as connection:
        await connection.exec_driver_sql(
            "TRUNCATE invoice_application_events, invoice_application_months, invoice_applications,"
            " invoice_titles, invoice_addresses, billing_lines, statements, statement_runs,"
            " access_tokens, accounts, partners CASCADE"
        )
    rows = [
        line(account_number=f"A-{n:03d}", partner="P-1", billed_on=f"2024-0{m}-10")
        for n in range(accounts)
        for m in (1, 2)
    ]
    await make_statements(api.database, tmp_path, rows)
    partner = await api.token(Role.PARTNER, partner="P-1")
    for n in range(accounts):
        number = f"A-{n:03d}"
        account_id = await account_id_of(api.database, number)
        title, address = await add_title(api.database, number), await add_address(api.database, number)
        values = _apply_input(
            encode_id("Account", account_id),
            encode_id("InvoiceTitle", account_id, title),
            encode_id("InvoiceAddress", account_id, address),
            ["2024-01"],
            "100.00",
        )
        assert _codes(await _mutate(api, APPLY, {"input": values}, partner)) == []
    with api.counting() as seen:
        data = await _data(api, PARTNER_VIEW, {}, partner)
    assert data["invoiceApplications"]["totalCount"] == accounts
    return len(seen)


async def test_sql_statements_stay_constant_for_1_and_10_accounts(api: Api, tmp_path: Path) -> None:
    assert await _count_for(api, tmp_path, 1) == await _count_for(api, tmp_path, 10)
