"""createInvoiceAddress, updateInvoiceAddress, deleteInvoiceAddress and Account.invoiceAddresses."""

from pathlib import Path
from typing import Any

import pytest

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

CREATE = """
mutation($input: CreateInvoiceAddressInput!) {
  createInvoiceAddress(input: $input) {
    invoiceAddress { id recipient phone province city district street postalCode isDefault createdAt }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation($input: UpdateInvoiceAddressInput!) {
  updateInvoiceAddress(input: $input) {
    invoiceAddress { id recipient phone postalCode isDefault }
    userErrors { field code message }
  }
}
"""
DELETE = """
mutation($id: ID!) { deleteInvoiceAddress(id: $id) { deletedId userErrors { field code message } } }
"""
ADDRESSES = """
query($number: String!) {
  account(accountNumber: $number) { id invoiceAddresses { id recipient phone isDefault } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on InvoiceAddress { recipient } } }"


@pytest.fixture
async def customer(api: Api, tmp_path: Path) -> str:
    """A token of customer A-1; customer B-2 exists too."""
    await make_statements(api.database, tmp_path, [line(), line(account_number="B-2", account_name="Beta")])
    return await api.token(Role.CUSTOMER, account="A-1")


async def account_id(api: Api, number: str) -> str:
    body = await api.query(ADDRESSES, {"number": number}, token=await api.token(Role.FINANCE))
    value: str = body["data"]["account"]["id"]
    return value


async def addresses_of(api: Api, number: str) -> list[dict[str, Any]]:
    body = await api.query(ADDRESSES, {"number": number}, token=await api.token(Role.FINANCE))
    addresses: list[dict[str, Any]] = body["data"]["account"]["invoiceAddresses"]
    return addresses


def address(account: str, **overrides: Any) -> dict[str, Any]:
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


async def create(api: Api, token: str, values: dict[str, Any]) -> dict[str, Any]:
    body = await api.query(CREATE, {"input": values}, token=token)
    payload: dict[str, Any] = body["data"]["createInvoiceAddress"]
    return payload


def _errors(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["userErrors"]]


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_a_customer_creates_its_first_address_as_the_default(api: Api, customer: str) -> None:
    # given an account without addresses
    account = await account_id(api, "A-1")
    # when the customer creates one with a landline and extension
    payload = await create(api, customer, address(account, phone="0755-1234567-89", recipient=" 李四 "))
    # then it is saved trimmed and is the default, and node finds it
    assert payload["userErrors"] == []
    saved = payload["invoiceAddress"]
    assert (saved["recipient"], saved["phone"], saved["isDefault"]) == ("李四", "0755-1234567-89", True)
    body = await api.query(NODE, {"id": saved["id"]}, token=customer)
    assert body["data"]["node"] == {"id": saved["id"], "recipient": "李四"}


async def test_invalid_addresses_are_refused_with_every_error_and_nothing_saved(
    api: Api, customer: str
) -> None:
    values = address(
        await account_id(api, "A-1"), phone="12345", postalCode="1000", street="서울", district=" "
    )
    payload = await create(api, customer, values)
    assert payload["invoiceAddress"] is None
    assert _errors(payload) == [
        ("INVALID_PHONE", ["input", "phone"]),
        ("INVALID", ["input", "district"]),
        ("UNPRINTABLE_CHARACTERS", ["input", "street"]),
        ("INVALID_POSTAL_CODE", ["input", "postalCode"]),
    ]
    assert await addresses_of(api, "A-1") == []


async def test_an_account_holds_at_most_20_addresses(api: Api, customer: str) -> None:
    # given an account with 20 addresses
    account = await account_id(api, "A-1")
    for number in range(20):
        assert (await create(api, customer, address(account, recipient=f"R{number}")))["userErrors"] == []
    # when a 21st is created
    payload = await create(api, customer, address(account, recipient="One too many"))
    # then it is refused and not saved
    assert [code for code, _ in _errors(payload)] == ["LIMIT_REACHED"]
    addresses = await addresses_of(api, "A-1")
    assert len(addresses) == 20
    assert "One too many" not in {item["recipient"] for item in addresses}


async def test_the_default_moves_and_follows_deletes(api: Api, customer: str) -> None:
    # given three addresses, the first the default
    account = await account_id(api, "A-1")
    first = (await create(api, customer, address(account, recipient="First")))["invoiceAddress"]
    second = (await create(api, customer, address(account, recipient="Second")))["invoiceAddress"]
    await create(api, customer, address(account, recipient="Third"))
    # when the second is made the default
    body = await api.query(UPDATE, {"input": {"id": second["id"], "isDefault": True}}, token=customer)
    assert body["data"]["updateInvoiceAddress"]["invoiceAddress"]["isDefault"] is True
    # then it is the only default, listed first, the rest newest first
    assert [(a["recipient"], a["isDefault"]) for a in await addresses_of(api, "A-1")] == [
        ("Second", True),
        ("Third", False),
        ("First", False),
    ]
    # when the default is deleted
    body = await api.query(DELETE, {"id": second["id"]}, token=customer)
    # then the newest remaining address becomes the default
    assert body["data"]["deleteInvoiceAddress"] == {"deletedId": second["id"], "userErrors": []}
    assert [(a["recipient"], a["isDefault"]) for a in await addresses_of(api, "A-1")] == [
        ("Third", True),
        ("First", False),
    ]
    assert first["isDefault"] is True


async def test_an_update_changes_only_the_given_fields_and_checks_them(api: Api, customer: str) -> None:
    saved = (await create(api, customer, address(await account_id(api, "A-1"))))["invoiceAddress"]
    body = await api.query(UPDATE, {"input": {"id": saved["id"], "phone": "010-12345678"}}, token=customer)
    changed = body["data"]["updateInvoiceAddress"]["invoiceAddress"]
    assert (changed["recipient"], changed["phone"], changed["postalCode"]) == (
        "张三",
        "010-12345678",
        "100080",
    )
    body = await api.query(UPDATE, {"input": {"id": saved["id"], "postalCode": "ABCDEF"}}, token=customer)
    assert _errors(body["data"]["updateInvoiceAddress"]) == [("INVALID_POSTAL_CODE", ["input", "postalCode"])]
    assert (await addresses_of(api, "A-1"))[0]["phone"] == "010-12345678"


async def test_another_customers_account_and_addresses_do_not_exist(api: Api, customer: str) -> None:
    # given an address of customer B-2
    other = await account_id(api, "B-2")
    saved = (await create(api, await api.token(Role.CUSTOMER, account="B-2"), address(other)))[
        "invoiceAddress"
    ]
    # when customer A-1 creates, changes or deletes addresses of B-2
    created = await create(api, customer, address(other))
    updated = await api.query(UPDATE, {"input": {"id": saved["id"], "recipient": "X"}}, token=customer)
    deleted = await api.query(DELETE, {"id": saved["id"]}, token=customer)
    # then each is NOT_FOUND and B-2's addresses are unchanged
    assert _errors(created) == [("NOT_FOUND", ["input", "accountId"])]
    assert _errors(updated["data"]["updateInvoiceAddress"]) == [("NOT_FOUND", ["input", "id"])]
    assert _errors(deleted["data"]["deleteInvoiceAddress"]) == [("NOT_FOUND", ["id"])]
    assert await addresses_of(api, "B-2") == [
        {"id": saved["id"], "recipient": "张三", "phone": "13812345678", "isDefault": True}
    ]


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceAddress", 1, 1)])
async def test_a_malformed_account_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    body = await api.query(CREATE, {"input": address(value)}, token=customer)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert await addresses_of(api, "A-1") == []


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceTitle", 1, 1)])
async def test_a_malformed_address_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    assert _codes(await api.query(DELETE, {"id": value}, token=customer)) == ["BAD_USER_INPUT"]
    body = await api.query(UPDATE, {"input": {"id": value, "city": "X"}}, token=customer)
    assert _codes(body) == ["BAD_USER_INPUT"]
