"""updateInvoiceAddress."""

from tests.graphql.conftest import Api
from tests.graphql.documents import UPDATE_INVOICE_ADDRESS
from tests.graphql.helpers import account_id, addresses_of, create_address, invoice_address, user_errors


async def test_an_update_changes_only_the_given_fields_and_checks_them(api: Api, customer: str) -> None:
    saved = (await create_address(api, customer, invoice_address(await account_id(api, "A-1"))))[
        "invoiceAddress"
    ]
    body = await api.query(
        UPDATE_INVOICE_ADDRESS, {"input": {"id": saved["id"], "phone": "010-12345678"}}, token=customer
    )
    changed = body["data"]["updateInvoiceAddress"]["invoiceAddress"]
    assert (changed["recipient"], changed["phone"], changed["postalCode"]) == (
        "张三",
        "010-12345678",
        "100080",
    )
    body = await api.query(
        UPDATE_INVOICE_ADDRESS, {"input": {"id": saved["id"], "postalCode": "ABCDEF"}}, token=customer
    )
    assert user_errors(body["data"]["updateInvoiceAddress"]) == [
        ("INVALID_POSTAL_CODE", ["input", "postalCode"])
    ]
    assert (await addresses_of(api, "A-1"))[0]["phone"] == "010-12345678"
