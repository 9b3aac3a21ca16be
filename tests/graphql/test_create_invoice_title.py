"""createInvoiceTitle."""

import asyncio
from pathlib import Path

import pytest
from stdnum.cn import uscc

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.graphql.conftest import Api
from tests.graphql.documents import CREATE_INVOICE_TITLE, INVOICE_TITLE_NODE
from tests.graphql.helpers import (
    LITERAL_ESCAPES,
    USCC,
    account_id,
    company_title,
    create_title,
    error_codes,
    titles_of,
)

# A valid code registered by authority Y, which stdnum's is_valid wrongly rejects.
USCC_Y = "Y1110108MA01ABCDE" + uscc.calc_check_digit("Y1110108MA01ABCDE")

VIEWER_ACCOUNT = "{ viewer { account { id } } }"
VIEWER_INVOICE_TITLES = "{ viewer { account { invoiceTitles { id } } } }"


async def test_a_customer_creates_its_first_title_as_the_default(api: Api, customer: str) -> None:
    # given an account without titles
    account = await account_id(api, "A-1")
    # when the customer creates a company title, without asking for the default
    payload = await create_title(api, customer, company_title(account, name="  北京示例科技有限公司  "))
    # then it is saved trimmed and is the default
    assert payload["userErrors"] == []
    title = payload["invoiceTitle"]
    assert title["name"] == "北京示例科技有限公司"
    assert title["isDefault"] is True
    assert title["kind"] == "COMPANY"
    assert await titles_of(api, "A-1") == [
        {"id": title["id"], "name": title["name"], "taxpayerId": USCC, "isDefault": True}
    ]
    body = await api.query(INVOICE_TITLE_NODE, {"id": title["id"]}, token=customer)
    assert body["data"]["node"] == {"id": title["id"], "name": title["name"]}


async def test_a_code_starting_with_y_is_accepted(api: Api, customer: str) -> None:
    payload = await create_title(
        api, customer, company_title(await account_id(api, "A-1"), taxpayerId=USCC_Y)
    )
    assert payload["userErrors"] == []
    assert payload["invoiceTitle"]["taxpayerId"] == USCC_Y


async def test_invalid_titles_are_refused_with_every_error_and_nothing_saved(api: Api, customer: str) -> None:
    # given a VAT special title for an individual with a bad name and code
    values = company_title(
        await account_id(api, "A-1"),
        kind="INDIVIDUAL",
        invoiceType="VAT_SPECIAL",
        name="😀",
        taxpayerId=USCC[:-1] + ("0" if USCC[-1] != "0" else "1"),
        bankName="中国银行",
    )
    # when it is created
    payload = await create_title(api, customer, values)
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
        assert (await create_title(api, customer, company_title(account, name=f"Title {number}")))[
            "userErrors"
        ] == []
    # when a 21st is created
    payload = await create_title(api, customer, company_title(account, name="One too many"))
    # then it is refused and not saved
    assert payload["invoiceTitle"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["LIMIT_REACHED"]
    titles = await titles_of(api, "A-1")
    assert len(titles) == 20
    assert "One too many" not in {title["name"] for title in titles}


async def test_a_partner_manages_the_titles_of_its_customers(api: Api, tmp_path: Path) -> None:
    await make_statements(api.database, tmp_path, [line(account_number="P-A", partner="P-1")])
    partner = await api.token(Role.PARTNER, partner="P-1")
    payload = await create_title(api, partner, company_title(await account_id(api, "P-A")))
    assert payload["userErrors"] == []


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceTitle", 1, 1)])
async def test_a_malformed_account_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    body = await api.query(CREATE_INVOICE_TITLE, {"input": company_title(value)}, token=customer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await titles_of(api, "A-1") == []


async def test_concurrent_creates_keep_the_limit_and_one_default(api: Api, customer: str) -> None:
    # given an account without titles
    account = await account_id(api, "A-1")
    # when 25 titles are created at once
    payloads = await asyncio.gather(
        *(
            create_title(api, customer, company_title(account, name=f"Title {n}", isDefault=True))
            for n in range(25)
        )
    )
    # then 20 are saved, the rest refused, and exactly one is the default
    codes = [e["code"] for payload in payloads for e in payload["userErrors"]]
    assert codes == ["LIMIT_REACHED"] * 5
    titles = await titles_of(api, "A-1")
    assert len(titles) == 20
    assert sum(title["isDefault"] for title in titles) == 1


@pytest.mark.parametrize("escape", LITERAL_ESCAPES)
async def test_control_characters_in_a_literal_mutation_input_store_nothing(
    api: Api, token: str, escape: str
) -> None:
    # given the customer's account
    account = (await api.query(VIEWER_ACCOUNT, token=token))["data"]["viewer"]["account"]
    # when a title is created with a control character written into the document's input literal
    body = await api.query(
        f'mutation {{ createInvoiceTitle(input: {{accountId: "{account["id"]}", kind: INDIVIDUAL, '
        f'invoiceType: VAT_GENERAL, name: "Zhang{escape}San"}}) {{ invoiceTitle {{ id }} }} }}',
        token=token,
    )
    # then it is refused before anything runs, and nothing is stored
    assert error_codes(body) == ["BAD_USER_INPUT"]
    titles = await api.query(VIEWER_INVOICE_TITLES, token=token)
    assert titles["data"]["viewer"]["account"]["invoiceTitles"] == []
