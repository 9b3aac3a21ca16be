"""deleteInvoiceTitle."""

from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_TITLE
from tests.graphql.helpers import account_id, company_title, create_title, titles_of


async def test_deleting_the_default_makes_the_newest_remaining_title_the_default(
    api: Api, customer: str
) -> None:
    # given three titles, the first the default
    account = await account_id(api, "A-1")
    first = (await create_title(api, customer, company_title(account, name="First")))["invoiceTitle"]
    await create_title(api, customer, company_title(account, name="Second"))
    await create_title(api, customer, company_title(account, name="Third"))
    # when the default is deleted
    body = await api.query(DELETE_INVOICE_TITLE, {"id": first["id"]}, token=customer)
    # then it is gone and the newest remaining title is the default
    assert body["data"]["deleteInvoiceTitle"] == {"deletedId": first["id"], "userErrors": []}
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("Third", True),
        ("Second", False),
    ]
    # and deleting it again finds nothing
    body = await api.query(DELETE_INVOICE_TITLE, {"id": first["id"]}, token=customer)
    assert body["data"]["deleteInvoiceTitle"]["deletedId"] is None
    assert [e["code"] for e in body["data"]["deleteInvoiceTitle"]["userErrors"]] == ["NOT_FOUND"]
