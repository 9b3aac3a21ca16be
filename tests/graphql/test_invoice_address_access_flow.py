"""Invoice address mutations on another customer's account."""

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_ADDRESS, UPDATE_INVOICE_ADDRESS
from tests.graphql.helpers import account_id, addresses_of, create_address, invoice_address, user_errors


async def test_another_customers_account_and_addresses_do_not_exist(api: Api, customer: str) -> None:
    # given an address of customer B-2
    other = await account_id(api, "B-2")
    saved = (
        await create_address(api, await api.token(Role.CUSTOMER, account="B-2"), invoice_address(other))
    )["invoiceAddress"]
    # when customer A-1 creates, changes or deletes addresses of B-2
    created = await create_address(api, customer, invoice_address(other))
    updated = await api.query(
        UPDATE_INVOICE_ADDRESS, {"input": {"id": saved["id"], "recipient": "X"}}, token=customer
    )
    deleted = await api.query(DELETE_INVOICE_ADDRESS, {"id": saved["id"]}, token=customer)
    # then each is NOT_FOUND and B-2's addresses are unchanged
    assert user_errors(created) == [("NOT_FOUND", ["input", "accountId"])]
    assert user_errors(updated["data"]["updateInvoiceAddress"]) == [("NOT_FOUND", ["input", "id"])]
    assert user_errors(deleted["data"]["deleteInvoiceAddress"]) == [("NOT_FOUND", ["id"])]
    assert await addresses_of(api, "B-2") == [
        {"id": saved["id"], "recipient": "张三", "phone": "13812345678", "isDefault": True}
    ]
