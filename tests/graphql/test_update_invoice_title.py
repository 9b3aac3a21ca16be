"""updateInvoiceTitle."""

import pytest

from invoice_graph.graphql.ids import encode_id
from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_TITLE, UPDATE_INVOICE_TITLE
from tests.graphql.helpers import USCC, account_id, company_title, create_title, error_codes, titles_of


async def test_the_default_moves_and_is_listed_first(api: Api, customer: str) -> None:
    # given three titles, the first being the default
    account = await account_id(api, "A-1")
    first = (await create_title(api, customer, company_title(account, name="First")))["invoiceTitle"]
    second = (await create_title(api, customer, company_title(account, name="Second")))["invoiceTitle"]
    third = (await create_title(api, customer, company_title(account, name="Third", isDefault=True)))[
        "invoiceTitle"
    ]
    assert third["isDefault"] is True
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("Third", True),
        ("Second", False),
        ("First", False),
    ]
    # when the customer makes the first one the default again
    body = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": first["id"], "isDefault": True}}, token=customer
    )
    # then it is the only default, listed first, and the rest newest first
    assert body["data"]["updateInvoiceTitle"]["invoiceTitle"]["isDefault"] is True
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("First", True),
        ("Third", False),
        ("Second", False),
    ]
    assert second["isDefault"] is False


async def test_the_only_default_cannot_be_unset(api: Api, customer: str) -> None:
    title = (await create_title(api, customer, company_title(await account_id(api, "A-1"))))["invoiceTitle"]
    body = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": title["id"], "isDefault": False}}, token=customer
    )
    errors = body["data"]["updateInvoiceTitle"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "isDefault"])]
    assert (await titles_of(api, "A-1"))[0]["isDefault"] is True


async def test_an_update_changes_only_the_given_fields_and_checks_the_result(api: Api, customer: str) -> None:
    # given a company title
    title = (await create_title(api, customer, company_title(await account_id(api, "A-1"))))["invoiceTitle"]
    # when it is renamed
    body = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": title["id"], "name": "新名称"}}, token=customer
    )
    # then only the name changed
    changed = body["data"]["updateInvoiceTitle"]["invoiceTitle"]
    assert (changed["name"], changed["taxpayerId"], changed["kind"]) == ("新名称", USCC, "COMPANY")
    # when it is made VAT special without the bank fields
    body = await api.query(
        UPDATE_INVOICE_TITLE, {"input": {"id": title["id"], "invoiceType": "VAT_SPECIAL"}}, token=customer
    )
    # then it is refused and unchanged
    payload = body["data"]["updateInvoiceTitle"]
    assert payload["invoiceTitle"] is None
    assert {e["code"] for e in payload["userErrors"]} == {"MISSING_VAT_SPECIAL_FIELDS"}
    assert len(payload["userErrors"]) == 4


@pytest.mark.parametrize("value", ["nonsense", encode_id("Account", 1), encode_id("InvoiceAddress", 1, 1)])
async def test_a_malformed_title_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    updated = await api.query(UPDATE_INVOICE_TITLE, {"input": {"id": value, "name": "X"}}, token=customer)
    deleted = await api.query(DELETE_INVOICE_TITLE, {"id": value}, token=customer)
    assert error_codes(updated) == ["BAD_USER_INPUT"]
    assert error_codes(deleted) == ["BAD_USER_INPUT"]
