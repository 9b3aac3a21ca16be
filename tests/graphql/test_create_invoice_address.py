"""createInvoiceAddress."""

import pytest

from invoice_graph.graphql.ids import encode_id
from tests.graphql.conftest import Api
from tests.graphql.documents import CREATE_INVOICE_ADDRESS
from tests.graphql.helpers import (
    account_id,
    addresses_of,
    create_address,
    error_codes,
    invoice_address,
    user_errors,
)

NODE = "query($id: ID!) { node(id: $id) { id ... on InvoiceAddress { recipient } } }"


async def test_a_customer_creates_its_first_address_as_the_default(api: Api, customer: str) -> None:
    # given an account without addresses
    account = await account_id(api, "A-1")
    # when the customer creates one with a landline and extension
    payload = await create_address(
        api, customer, invoice_address(account, phone="0755-1234567-89", recipient=" 李四 ")
    )
    # then it is saved trimmed and is the default, and node finds it
    assert payload["userErrors"] == []
    saved = payload["invoiceAddress"]
    assert (saved["recipient"], saved["phone"], saved["isDefault"]) == ("李四", "0755-1234567-89", True)
    body = await api.query(NODE, {"id": saved["id"]}, token=customer)
    assert body["data"]["node"] == {"id": saved["id"], "recipient": "李四"}


async def test_invalid_addresses_are_refused_with_every_error_and_nothing_saved(
    api: Api, customer: str
) -> None:
    values = invoice_address(
        await account_id(api, "A-1"), phone="12345", postalCode="1000", street="서울", district=" "
    )
    payload = await create_address(api, customer, values)
    assert payload["invoiceAddress"] is None
    assert user_errors(payload) == [
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
        assert (await create_address(api, customer, invoice_address(account, recipient=f"R{number}")))[
            "userErrors"
        ] == []
    # when a 21st is created
    payload = await create_address(api, customer, invoice_address(account, recipient="One too many"))
    # then it is refused and not saved
    assert [code for code, _ in user_errors(payload)] == ["LIMIT_REACHED"]
    addresses = await addresses_of(api, "A-1")
    assert len(addresses) == 20
    assert "One too many" not in {item["recipient"] for item in addresses}


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceAddress", 1, 1)])
async def test_a_malformed_account_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    body = await api.query(CREATE_INVOICE_ADDRESS, {"input": invoice_address(value)}, token=customer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await addresses_of(api, "A-1") == []
