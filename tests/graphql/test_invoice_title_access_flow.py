"""Invoice title mutations across accounts and roles: another customer's titles, finance's read-only view."""

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_TITLE, INVOICE_TITLE_NODE, UPDATE_INVOICE_TITLE
from tests.graphql.helpers import USCC, account_id, company_title, create_title, titles_of


async def test_another_customers_account_and_titles_do_not_exist(api: Api, customer: str) -> None:
    # given a title of customer B-2
    other = await account_id(api, "B-2")
    owner = await api.token(Role.CUSTOMER, account="B-2")
    title = (await create_title(api, owner, company_title(other, name="Beta Ltd")))["invoiceTitle"]
    # when customer A-1 creates, changes or deletes titles of B-2
    created = await create_title(api, customer, company_title(other))
    updated = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": title["id"], "name": "Hijacked"}}, token=customer
    )
    deleted = await api.query(DELETE_INVOICE_TITLE, {"id": title["id"]}, token=customer)
    node = await api.query(INVOICE_TITLE_NODE, {"id": title["id"]}, token=customer)
    # then each is NOT_FOUND, and B-2's titles are unchanged
    assert [(e["code"], e["field"]) for e in created["userErrors"]] == [("NOT_FOUND", ["input", "accountId"])]
    assert [(e["code"], e["field"]) for e in updated["data"]["updateInvoiceTitle"]["userErrors"]] == [
        ("NOT_FOUND", ["input", "id"])
    ]
    assert [(e["code"], e["field"]) for e in deleted["data"]["deleteInvoiceTitle"]["userErrors"]] == [
        ("NOT_FOUND", ["id"])
    ]
    assert node["data"]["node"] is None
    assert await titles_of(api, "B-2") == [
        {"id": title["id"], "name": "Beta Ltd", "taxpayerId": USCC, "isDefault": True}
    ]


async def test_finance_sees_titles_but_does_not_change_them(api: Api, customer: str) -> None:
    # given a title of A-1
    own = await account_id(api, "A-1")
    title = (await create_title(api, customer, company_title(own)))["invoiceTitle"]
    finance = await api.token(Role.FINANCE)
    # when finance creates, changes or deletes A-1's titles
    created = await create_title(api, finance, company_title(own, name="Finance Ltd"))
    updated = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": title["id"], "name": "Changed"}}, token=finance
    )
    deleted = await api.query(DELETE_INVOICE_TITLE, {"id": title["id"]}, token=finance)
    # then each is FORBIDDEN and the title stands as it was
    assert [e["code"] for e in created["userErrors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in updated["data"]["updateInvoiceTitle"]["userErrors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in deleted["data"]["deleteInvoiceTitle"]["userErrors"]] == ["FORBIDDEN"]
    node = await api.query(INVOICE_TITLE_NODE, {"id": title["id"]}, token=finance)
    assert node["data"]["node"]["id"] == title["id"]
