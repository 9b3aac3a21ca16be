"""Malformed IDs, cursors, page sizes and scalars answer BAD_USER_INPUT, never an internal error."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

NODE = "query($id: ID!) { node(id: $id) { id } }"
STATEMENTS = """
query($after: String, $first: Int, $from: Month) { viewer { account {
  statements(after: $after, first: $first, from: $from) { totalCount } } } }
"""
TOTALS = """
query($months: [Month!]) { viewer { account { invoiceableTotals(months: $months) { total { amount } } } } }
"""


@pytest.fixture
async def token(api: Api, tmp_path: Path) -> str:
    await make_statements(api.database, tmp_path, [line()])
    return await api.token(Role.CUSTOMER, account="A-1")


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize(
    "value", ["", "nonsense", "QWNjb3VudDp4", encode_id("Statement", 1, 1), "!!!", "TW9udGhseVN0YXRlbWVudDox"]
)
async def test_malformed_ids(api: Api, token: str, value: str) -> None:
    body = await api.query(NODE, {"id": value}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "variables",
    [
        {"after": "not-a-cursor"},
        {"after": "WyJsaW5lIiwiMjAyNC0wMy0wMSIsMV0"},  # a line cursor given to statements
        {"first": -1},
        {"first": 101},
        {"from": "2024-13"},
        {"from": "March"},
        {"from": 202403},
    ],
)
async def test_malformed_connection_arguments(api: Api, token: str, variables: dict[str, Any]) -> None:
    body = await api.query(STATEMENTS, variables, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_malformed_literal_in_the_document(api: Api, token: str) -> None:
    body = await api.query('{ viewer { account { statement(month: "24-3") { id } } } }', token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_unknown_fields_are_validation_errors(api: Api, token: str) -> None:
    body = await api.query("{ viewer { nope } }", token=token)
    assert _codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_invoiceable_totals_of_chosen_months(api: Api, token: str) -> None:
    body = await api.query(TOTALS, {"months": ["2024-03", "2024-04"]}, token=token)
    assert body["data"]["viewer"]["account"]["invoiceableTotals"]["total"]["amount"] == "100.00"
    body = await api.query(TOTALS, {"months": ["2024-04"]}, token=token)
    assert body["data"]["viewer"]["account"]["invoiceableTotals"]["total"]["amount"] == "0.00"


@pytest.mark.parametrize(
    "raw",
    ["Account:99999999999999999999999", "MonthlyStatement:1:9223372036854775808", "Account:0", "Account:²"],
)
async def test_ids_whose_numbers_no_row_can_have(api: Api, token: str, raw: str) -> None:
    body = await api.query(NODE, {"id": base64.urlsafe_b64encode(raw.encode()).decode()}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


UNSTORABLE = ["A-\x001", "A-\ud8001", "bell\x07"]


@pytest.mark.parametrize("value", UNSTORABLE)
async def test_text_with_control_characters_or_lone_surrogates(api: Api, token: str, value: str) -> None:
    # json.dumps escapes them as \\uXXXX, as a client's JSON encoder would.
    document = {
        "query": "query($n: String!) { account(accountNumber: $n) { id } }",
        "variables": {"n": value},
    }
    response = await api.client.post(
        "/graphql",
        content=json.dumps(document),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    body = response.json()
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


async def test_long_lists_are_refused_before_any_work(api: Api, token: str) -> None:
    ids = [encode_id("Account", n) for n in range(1, 102)]
    body = await api.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]
    months = [f"{year}-{month:02d}" for year in range(2000, 2011) for month in range(1, 13)]
    body = await api.query(TOTALS, {"months": months}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("document", "cursor"),
    [
        (STATEMENTS, _cursor("statement", "2024-01-01x")),
        (STATEMENTS, _cursor("statement", 20240101)),
        (
            "query($after: String) { viewer { accounts(after: $after) { totalCount } } }",
            _cursor("account", "A-\u0000"),
        ),
        (
            'query($after: String) { viewer { account { statement(month: "2024-03") {'
            " lines(after: $after) { totalCount } } } } }",
            _cursor("line", "2024-03-01", 10**30),
        ),
        (
            "query($after: String) { invoiceApplications(after: $after) { totalCount } }",
            _cursor("application", "2024-03-01T10:00:00", 1),
        ),
    ],
)
async def test_hand_made_cursors_with_values_no_row_has(
    api: Api, token: str, document: str, cursor: str
) -> None:
    body = await api.query(document, {"after": cursor}, token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


# GraphQL escapes in the document's own string literals: the text holds a backslash, the value a control.
LITERAL_ESCAPES = ["\\u0000", "\\u001b[31m", "\\u0001", "\\u007f"]


@pytest.mark.parametrize("escape", LITERAL_ESCAPES)
async def test_control_characters_written_as_literals_in_the_document(
    api: Api, token: str, escape: str
) -> None:
    body = await api.query(f'{{ account(accountNumber: "A-{escape}1") {{ id }} }}', token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


@pytest.mark.parametrize("escape", LITERAL_ESCAPES)
async def test_control_characters_in_a_literal_mutation_input_store_nothing(
    api: Api, token: str, escape: str
) -> None:
    # given the customer's account
    account = (await api.query("{ viewer { account { id } } }", token=token))["data"]["viewer"]["account"]
    # when a title is created with a control character written into the document's input literal
    body = await api.query(
        f'mutation {{ createInvoiceTitle(input: {{accountId: "{account["id"]}", kind: INDIVIDUAL, '
        f'invoiceType: VAT_GENERAL, name: "Zhang{escape}San"}}) {{ invoiceTitle {{ id }} }} }}',
        token=token,
    )
    # then it is refused before anything runs, and nothing is stored
    assert _codes(body) == ["BAD_USER_INPUT"]
    titles = await api.query("{ viewer { account { invoiceTitles { id } } } }", token=token)
    assert titles["data"]["viewer"]["account"]["invoiceTitles"] == []


async def test_block_strings_are_checked_too(api: Api, token: str) -> None:
    body = await api.query('{ account(accountNumber: """A-\x011""") { id } }', token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_an_integer_literal_of_thousands_of_digits(api: Api, token: str) -> None:
    body = await api.query("{ viewer { accounts(first: " + "9" * 5000 + ") { totalCount } } }", token=token)
    assert _codes(body) == ["BAD_USER_INPUT"]


async def test_a_hand_made_cursor_of_deeply_nested_json(api: Api, token: str) -> None:
    for depth in (800, 5000):
        cursor = base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).decode()
        body = await api.query(STATEMENTS, {"after": cursor}, token=token)
        assert _codes(body) == ["BAD_USER_INPUT"]
        assert len(body["errors"][0]["message"]) < 200
