"""Steps and input builders shared by the GraphQL operation tests."""

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from stdnum.cn import uscc

from invoice_graph.db.tables import invoice_application_events, invoice_applications
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title
from tests.graphql.conftest import Api
from tests.graphql.documents import (
    ACCOUNT_ID,
    ACCOUNT_OBJECTS,
    CONSOLE_ACCOUNT,
    CREATE_INVOICE_ADDRESS,
    CREATE_INVOICE_TITLE,
    INVOICE_ADDRESSES,
    INVOICE_TITLES,
)

USCC = "91110108MA01ABCDE" + uscc.calc_check_digit("91110108MA01ABCDE")

# GraphQL escapes in the document's own string literals: the text holds a backslash, the value a control.
LITERAL_ESCAPES = ["\\u0000", "\\u001b[31m", "\\u0001", "\\u007f"]


def error_codes(body: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each top-level GraphQL error."""
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def user_error_codes(payload: dict[str, Any]) -> list[str]:
    """The code of each `userErrors` entry of a mutation payload."""
    return [error["code"] for error in payload["userErrors"]]


def user_errors(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    """The (code, field) of each `userErrors` entry of a mutation payload."""
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


# Accounts and their objects


async def make_three_accounts(api: Api, tmp_path: Path) -> None:
    """A-1 on its own, B-1 and B-2 managed by partner P-1."""
    await make_statements(
        api.database,
        tmp_path,
        [
            line(account_number="A-1"),
            line(account_number="B-1", partner="P-1"),
            line(account_number="B-2", partner="P-1"),
        ],
    )


async def object_ids_of(api: Api, number: str) -> list[str]:
    """The IDs of an account, its first statement and that statement's first line."""
    finance = await api.token(Role.FINANCE)
    body = await api.query(ACCOUNT_OBJECTS, {"number": number}, token=finance)
    account = body["data"]["account"]
    statement = account["statements"]["edges"][0]["node"]
    return [account["id"], statement["id"], statement["lines"]["edges"][0]["node"]["id"]]


async def account_id(api: Api, number: str) -> str:
    """The global ID of an account, as finance reads it."""
    body = await api.query(ACCOUNT_ID, {"number": number}, token=await api.token(Role.FINANCE))
    value: str = body["data"]["account"]["id"]
    return value


# Invoice titles and addresses


async def titles_of(api: Api, number: str) -> list[dict[str, Any]]:
    """An account's invoice titles, as finance reads them."""
    token = await api.token(Role.FINANCE)
    body = await api.query(INVOICE_TITLES, {"number": number}, token=token)
    titles: list[dict[str, Any]] = body["data"]["account"]["invoiceTitles"]
    return titles


async def addresses_of(api: Api, number: str) -> list[dict[str, Any]]:
    """An account's invoice addresses, as finance reads them."""
    body = await api.query(INVOICE_ADDRESSES, {"number": number}, token=await api.token(Role.FINANCE))
    addresses: list[dict[str, Any]] = body["data"]["account"]["invoiceAddresses"]
    return addresses


def company_title(account: str, **overrides: Any) -> dict[str, Any]:
    """A valid createInvoiceTitle input for a company, with overrides."""
    return {
        "accountId": account,
        "kind": "COMPANY",
        "invoiceType": "VAT_GENERAL",
        "name": "北京示例科技有限公司",
        "taxpayerId": USCC,
        **overrides,
    }


def invoice_address(account: str, **overrides: Any) -> dict[str, Any]:
    """A valid createInvoiceAddress input, with overrides."""
    return {
        "accountId": account,
        "recipient": "张三",
        "phone": "13812345678",
        "province": "北京市",
        "city": "北京市",
        "district": "海淀区",
        "street": "中关村大街1号",
        "postalCode": "100080",
        **overrides,
    }


async def create_title(api: Api, token: str, values: dict[str, Any]) -> dict[str, Any]:
    """The createInvoiceTitle payload."""
    body = await api.query(CREATE_INVOICE_TITLE, {"input": values}, token=token)
    payload: dict[str, Any] = body["data"]["createInvoiceTitle"]
    return payload


async def create_address(api: Api, token: str, values: dict[str, Any]) -> dict[str, Any]:
    """The createInvoiceAddress payload."""
    body = await api.query(CREATE_INVOICE_ADDRESS, {"input": values}, token=token)
    payload: dict[str, Any] = body["data"]["createInvoiceAddress"]
    return payload


# Invoice applications


async def make_billing(api: Api, tmp_path: Path) -> None:
    """A-1 (partner P-1): Jan-Mar 2024 at 100.00 invoiceable each, Apr with nothing invoiceable; B-1 too."""
    rows = [line(partner="P-1", billed_on=f"2024-0{month}-10") for month in (1, 2, 3)]
    rows.append(line(partner="P-1", billed_on="2024-04-10", billing_mode="PAY_AS_YOU_GO"))
    rows.append(line(account_number="B-1", account_name="Beta", billed_on="2024-01-10"))
    await make_statements(api.database, tmp_path, rows)


async def query_data(api: Api, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The `data` of a request that must answer without errors."""
    body = await api.query(document, variables, token=token)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def mutate(api: Api, document: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a mutation that must answer without errors."""
    data = await query_data(api, document, variables, token)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


async def console_account(api: Api, token: str, months: list[str] | None = None) -> dict[str, Any]:
    """Account A-1 as the console shows it, previewing `months` (2024-01 by default)."""
    variables = {"number": "A-1", "months": months or ["2024-01"]}
    account: dict[str, Any] = (await query_data(api, CONSOLE_ACCOUNT, variables, token))["account"]
    return account


def month_statuses(account: dict[str, Any]) -> dict[str, str]:
    """Each statement month of a console account and its invoice status."""
    return {e["node"]["month"]: e["node"]["invoiceStatus"] for e in account["statements"]["edges"]}


def apply_input(account: str, title: str, address: str, months: list[str], amount: str) -> dict[str, Any]:
    """An applyForInvoice input that accepts the terms."""
    return {
        "accountId": account,
        "months": months,
        "titleId": title,
        "addressId": address,
        "confirmedAmount": amount,
        "acceptTerms": True,
    }


async def saved_applications(api: Api) -> tuple[int, int]:
    """How many applications and application events are stored."""
    async with api.database.read() as connection:
        apps = (await connection.execute(select(func.count()).select_from(invoice_applications))).scalar_one()
        events = (
            await connection.execute(select(func.count()).select_from(invoice_application_events))
        ).scalar_one()
    return int(apps), int(events)


async def ready_to_apply(api: Api, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """A customer token and an applyForInvoice input for 2024-01 (100.00)."""
    await make_billing(api, tmp_path)
    title, address = await add_title(api.database), await add_address(api.database)
    account = await account_id_of(api.database, "A-1")
    values = apply_input(
        encode_id("Account", account),
        encode_id("InvoiceTitle", account, title),
        encode_id("InvoiceAddress", account, address),
        ["2024-01"],
        "100.00",
    )
    return await api.token(Role.CUSTOMER, account="A-1"), values
