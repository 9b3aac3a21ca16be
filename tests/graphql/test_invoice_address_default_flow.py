"""The default invoice address moves with updateInvoiceAddress and follows deleteInvoiceAddress."""

from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_ADDRESS, UPDATE_INVOICE_ADDRESS
from tests.graphql.helpers import account_id, addresses_of, create_address, invoice_address


async def test_the_default_moves_and_follows_deletes(api: Api, customer: str) -> None:
    # given three addresses, the first the default
    account = await account_id(api, "A-1")
    first = (await create_address(api, customer, invoice_address(account, recipient="First")))[
        "invoiceAddress"
    ]
    second = (await create_address(api, customer, invoice_address(account, recipient="Second")))[
        "invoiceAddress"
    ]
    await create_address(api, customer, invoice_address(account, recipient="Third"))
    # when the second is made the default
    body = await api.query(
        UPDATE_INVOICE_ADDRESS, {"input": {"id": second["id"], "isDefault": True}}, token=customer
    )
    assert body["data"]["updateInvoiceAddress"]["invoiceAddress"]["isDefault"] is True
    # then it is the only default, listed first, the rest newest first
    assert [(a["recipient"], a["isDefault"]) for a in await addresses_of(api, "A-1")] == [
        ("Second", True),
        ("Third", False),
        ("First", False),
    ]
    # when the default is deleted
    body = await api.query(DELETE_INVOICE_ADDRESS, {"id": second["id"]}, token=customer)
    # then the newest remaining address becomes the default
    assert body["data"]["deleteInvoiceAddress"] == {"deletedId": second["id"], "userErrors": []}
    assert [(a["recipient"], a["isDefault"]) for a in await addresses_of(api, "A-1")] == [
        ("Third", True),
        ("First", False),
    ]
    assert first["isDefault"] is True
