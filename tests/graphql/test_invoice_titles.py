"""createInvoiceTitle, updateInvoiceTitle, deleteInvoiceTitle and Account.invoiceTitles."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from stdnum.cn import uscc

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

CREATE = """
mutation($input: CreateInvoiceTitleInput!) {
  createInvoiceTitle(input: $input) {
    invoiceTitle { id kind invoiceType name taxpayerId bankName isDefault createdAt updatedAt }
    userErrors { field code message }
  }
}
"""
UPDATE = """
mutation($input: UpdateInvoiceTitleInput!) {
  updateInvoiceTitle(input: $input) {
    invoiceTitle { id kind invoiceType name taxpayerId isDefault }
    userErrors { field code message }
  }
}
"""
DELETE = """
mutation($id: ID!) { deleteInvoiceTitle(id: $id) { deletedId userErrors { field code message } } }
"""
TITLES = """
query($number: String!) {
  account(accountNumber: $number) { id invoiceTitles { id name taxpayerId isDefault } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on InvoiceTitle { name } } }"

USCC = "91110108MA01ABCDE" + uscc.calc_check_digit("91110108MA01ABCDE")
# A valid code registered by authority Y, which stdnum's is_valid wrongly rejects.
USCC_Y = "Y1110108MA01ABCDE" + uscc.calc_check_digit("Y1110108MA01ABCDE")


@pytest.fixture
async def customer(api: Api, tmp_path: Path) -> str:
    """A token of customer A-1; customer B-2 exists too."""
    await make_statements(api.database, tmp_path, [line(), line(account_number="B-2", account_name="Beta")])
    return await api.token(Role.CUSTOMER, account="A-1")


async def account_id(api: Api, number: str) -> str:
    token = await api.token(Role.FINANCE)
    body = await api.query(TITLES, {"number": number}, token=token)
    value: str = body["data"]["account"]["id"]
    return value


async def titles_of(api: Api, number: str) -> list[dict[str, Any]]:
    token = await api.token(Role.FINANCE)
    body = await api.query(TITLES, {"number": number}, token=token)
    titles: list[dict[str, Any]] = body["data"]["account"]["invoiceTitles"]
    return titles


def company(account: str, **overrides: Any) -> dict[str, Any]:
    return {
        "accountId": account,
        "kind": "COMPANY",
        "invoiceType": "VAT_GENERAL",
        "name": "北京示例科技有限公司",
        "taxpayerId": USCC,
        **overrides,
    }


async def create(api: Api, token: str, values: dict[str, Any]) -> dict[str, Any]:
    body = await api.query(CREATE, {"input": values}, token=token)
    payload: dict[str, Any] = body["data"]["createInvoiceTitle"]
    return payload


async def test_a_customer_creates_its_first_title_as_the_default(api: Api, customer: str) -> None:
    # given an account without titles
    account = await account_id(api, "A-1")
    # when the customer creates a company title, without asking for the default
    payload = await create(api, customer, company(account, name="  北京示例科技有限公司  "))
    # then it is saved trimmed and is the default
    assert payload["userErrors"] == []
    title = payload["invoiceTitle"]
    assert title["name"] == "北京示例科技有限公司"
    assert title["isDefault"] is True
    assert title["kind"] == "COMPANY"
    assert await titles_of(api, "A-1") == [
        {"id": title["id"], "name": title["name"], "taxpayerId": USCC, "isDefault": True}
    ]
    body = await api.query(NODE, {"id": title["id"]}, token=customer)
    assert body["data"]["node"] == {"id": title["id"], "name": title["name"]}


async def test_a_code_starting_with_y_is_accepted(api: Api, customer: str) -> None:
    payload = await create(api, customer, company(await account_id(api, "A-1"), taxpayerId=USCC_Y))
    assert payload["userErrors"] == []
    assert payload["invoiceTitle"]["taxpayerId"] == USCC_Y


async def test_invalid_titles_are_refused_with_every_error_and_nothing_saved(api: Api, customer: str) -> None:
    # given a VAT special title for an individual with a bad name and code
    values = company(
        await account_id(api, "A-1"),
        kind="INDIVIDUAL",
        invoiceType="VAT_SPECIAL",
        name="😀",
        taxpayerId=USCC[:-1] + ("0" if USCC[-1] != "0" else "1"),
        bankName="中国银行",
    )
    # when it is created
    payload = await create(api, customer, values)
    # then every rule it breaks is reported on its field, and nothing is saved
    assert payload["invoiceTitle"] is None
    assert [(error["code"], error["field"]) for error in payload["userErrors"]] == [
        ("UNPRINTABLE_CHARACTERS", ["input", "name"]),
        ("INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL", ["input", "invoiceType"]),
        ("INVALID_TAXPAYER_ID", ["input", "taxpayerId"]),
        ("MISSING_VAT_SPECIAL_FIELDS", ["input", "registeredAddress"]),
        ("MISSING_VAT_SPECIAL_FIELDS", ["input", "registeredPhone"]),
        ("MISSING_VAT_SPECIAL_FIELDS", ["input", "bankAccount"]),
    ]
    assert all(error["message"] for error in payload["userErrors"])
    assert await titles_of(api, "A-1") == []


async def test_an_account_holds_at_most_20_titles(api: Api, customer: str) -> None:
    # given an account with 20 titles
    account = await account_id(api, "A-1")
    for number in range(20):
        assert (await create(api, customer, company(account, name=f"Title {number}")))["userErrors"] == []
    # when a 21st is created
    payload = await create(api, customer, company(account, name="One too many"))
    # then it is refused and not saved
    assert payload["invoiceTitle"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["LIMIT_REACHED"]
    titles = await titles_of(api, "A-1")
    assert len(titles) == 20
    assert "One too many" not in {title["name"] for title in titles}


async def test_the_default_moves_and_is_listed_first(api: Api, customer: str) -> None:
    # given three titles, the first being the default
    account = await account_id(api, "A-1")
    first = (await create(api, customer, company(account, name="First")))["invoiceTitle"]
    second = (await create(api, customer, company(account, name="Second")))["invoiceTitle"]
    third = (await create(api, customer, company(account, name="Third", isDefault=True)))["invoiceTitle"]
    assert third["isDefault"] is True
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("Third", True),
        ("Second", False),
        ("First", False),
    ]
    # when the customer makes the first one the default again
    body = await api.query(UPDATE, {"input": {"id": first["id"], "isDefault": True}}, token=customer)
    # then it is the only default, listed first, and the rest newest first
    assert body["data"]["updateInvoiceTitle"]["invoiceTitle"]["isDefault"] is True
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("First", True),
        ("Third", False),
        ("Second", False),
    ]
    assert second["isDefault"] is False


async def test_the_only_default_cannot_be_unset(api: Api, customer: str) -> None:
    title = (await create(api, customer, company(await account_id(api, "A-1"))))["invoiceTitle"]
    body = await api.query(UPDATE, {"input": {"id": title["id"], "isDefault": False}}, token=customer)
    errors = body["data"]["updateInvoiceTitle"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "isDefault"])]
    assert (await titles_of(api, "A-1"))[0]["isDefault"] is True


async def test_an_update_changes_only_the_given_fields_and_checks_the_result(api: Api, customer: str) -> None:
    # given a company title
    title = (await create(api, customer, company(await account_id(api, "A-1"))))["invoiceTitle"]
    # when it is renamed
    body = await api.query(UPDATE, {"input": {"id": title["id"], "name": "新名称"}}, token=customer)
    # then only the name changed
    changed = body["data"]["updateInvoiceTitle"]["invoiceTitle"]
    assert (changed["name"], changed["taxpayerId"], changed["kind"]) == ("新名称", USCC, "COMPANY")
    # when it is made VAT special without the bank fields
    body = await api.query(
        UPDATE, {"input": {"id": title["id"], "invoiceType": "VAT_SPECIAL"}}, token=customer
    )
    # then it is refused and unchanged
    payload = body["data"]["updateInvoiceTitle"]
    assert payload["invoiceTitle"] is None
    assert {e["code"] for e in payload["userErrors"]} == {"MISSING_VAT_SPECIAL_FIELDS"}
    assert len(payload["userErrors"]) == 4


async def test_deleting_the_default_makes_the_newest_remaining_title_the_default(
    api: Api, customer: str
) -> None:
    # given three titles, the first the default
    account = await account_id(api, "A-1")
    first = (await create(api, customer, company(account, name="First")))["invoiceTitle"]
    await create(api, customer, company(account, name="Second"))
    await create(api, customer, company(account, name="Third"))
    # when the default is deleted
    body = await api.query(DELETE, {"id": first["id"]}, token=customer)
    # then it is gone and the newest remaining title is the default
    assert body["data"]["deleteInvoiceTitle"] == {"deletedId": first["id"], "userErrors": []}
    assert [(t["name"], t["isDefault"]) for t in await titles_of(api, "A-1")] == [
        ("Third", True),
        ("Second", False),
    ]
    # and deleting it again finds nothing
    body = await api.query(DELETE, {"id": first["id"]}, token=customer)
    assert body["data"]["deleteInvoiceTitle"]["deletedId"] is None
    assert [e["code"] for e in body["data"]["deleteInvoiceTitle"]["userErrors"]] == ["NOT_FOUND"]


async def test_another_customers_account_and_titles_do_not_exist(api: Api, customer: str) -> None:
    # given a title of customer B-2
    other = await account_id(api, "B-2")
    owner = await api.token(Role.CUSTOMER, account="B-2")
    title = (await create(api, owner, company(other, name="Beta Ltd")))["invoiceTitle"]
    # when customer A-1 creates, changes or deletes titles of B-2
    created = await create(api, customer, company(other))
    updated = await api.query(UPDATE, {"input": {"id": title["id"], "name": "Hijacked"}}, token=customer)
    deleted = await api.query(DELETE, {"id": title["id"]}, token=customer)
    node = await api.query(NODE, {"id": title["id"]}, token=customer)
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


async def test_a_partner_manages_the_titles_of_its_customers(api: Api, tmp_path: Path) -> None:
    await make_statements(api.database, tmp_path, [line(account_number="P-A", partner="P-1")])
    partner = await api.token(Role.PARTNER, partner="P-1")
    payload = await create(api, partner, company(await account_id(api, "P-A")))
    assert payload["userErrors"] == []


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceTitle", 1, 1)])
async def test_a_malformed_account_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    body = await api.query(CREATE, {"input": company(value)}, token=customer)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert await titles_of(api, "A-1") == []


@pytest.mark.parametrize("value", ["nonsense", encode_id("Account", 1), encode_id("InvoiceAddress", 1, 1)])
async def test_a_malformed_title_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    updated = await api.query(UPDATE, {"input": {"id": value, "name": "X"}}, token=customer)
    deleted = await api.query(DELETE, {"id": value}, token=customer)
    assert _codes(updated) == ["BAD_USER_INPUT"]
    assert _codes(deleted) == ["BAD_USER_INPUT"]


async def test_concurrent_creates_keep_the_limit_and_one_default(api: Api, customer: str) -> None:
    # given an account without titles
    account = await account_id(api, "A-1")
    # when 25 titles are created at once
    payloads = await asyncio.gather(
        *(create(api, customer, company(account, name=f"Title {n}", isDefault=True)) for n in range(25))
    )
    # then 20 are saved, the rest refused, and exactly one is the default
    codes = [e["code"] for payload in payloads for e in payload["userErrors"]]
    assert codes == ["LIMIT_REACHED"] * 5
    titles = await titles_of(api, "A-1")
    assert len(titles) == 20
    assert sum(title["isDefault"] for title in titles) == 1


PARTNER_VIEW = """
{ viewer { accounts(first: 100) { edges { node {
  invoiceTitles { id name isDefault } invoiceAddresses { id recipient isDefault }
} } } } }
"""


async def test_sql_statement_count_does_not_grow_with_accounts(api: Api, tmp_path: Path) -> None:
    # given a partner with 1 account and another with 5, each account with a title
    partners = {"P-1": 1, "P-5": 5}
    rows = [
        line(account_number=f"{code}-{n}", partner=code)
        for code, size in partners.items()
        for n in range(size)
    ]
    await make_statements(api.database, tmp_path, rows)
    for row in rows:
        owner = await api.token(Role.PARTNER, partner=row["partner"])
        await create(api, owner, company(await account_id(api, row["account_number"])))
    counts = []
    for code, size in partners.items():
        token = await api.token(Role.PARTNER, partner=code)
        # when the partner lists every account's titles and addresses
        with api.counting() as seen:
            body = await api.query(PARTNER_VIEW, token=token)
        # then every title is there, and the number of SQL statements does not depend on the accounts
        edges = body["data"]["viewer"]["accounts"]["edges"]
        assert [len(edge["node"]["invoiceTitles"]) for edge in edges] == [1] * size
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


async def test_finance_sees_titles_but_does_not_change_them(api: Api, customer: str) -> None:
    # given a title of A-1
    own = await account_id(api, "A-1")
    title = (await create(api, customer, company(own)))["invoiceTitle"]
    finance = await api.token(Role.FINANCE)
    # when finance creates, changes or deletes A-1's titles
    created = await create(api, finance, company(own, name="Finance Ltd"))
    updated = await api.query(UPDATE, {"input": {"id": title["id"], "name": "Changed"}}, token=finance)
    deleted = await api.query(DELETE, {"id": title["id"]}, token=finance)
    # then each is FORBIDDEN and the title stands as it was
    assert [e["code"] for e in created["userErrors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in updated["data"]["updateInvoiceTitle"]["userErrors"]] == ["FORBIDDEN"]
    assert [e["code"] for e in deleted["data"]["deleteInvoiceTitle"]["userErrors"]] == ["FORBIDDEN"]
    node = await api.query(NODE, {"id": title["id"]}, token=finance)
    assert node["data"]["node"]["id"] == title["id"]
