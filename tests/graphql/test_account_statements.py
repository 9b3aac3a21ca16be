"""Account.statements: the rules, paging, and malformed arguments and cursors."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api
from tests.graphql.helpers import error_codes

STATEMENTS = """
query Statements($number: String!, $first: Int, $after: String, $from: Month, $to: Month) {
  account(accountNumber: $number) {
    statements(first: $first, after: $after, from: $from, to: $to) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { node {
        month cloudExpense { amount currency } marketExpense { amount } totalExpense { amount }
        invoiceableCloud { amount } invoiceableMarket { amount } invoiceableTotal { amount }
        exclusions { reason amount { amount } } invoiceStatus ineligibleNotice
      } }
    }
  }
}
"""

VIEWER_STATEMENTS = """
query($after: String, $first: Int, $from: Month) { viewer { account {
  statements(after: $after, first: $first, from: $from) { totalCount } } } }
"""

ACCOUNTS_AFTER = "query($after: String) { viewer { accounts(after: $after) { totalCount } } }"
INVOICE_APPLICATIONS_AFTER = "query($after: String) { invoiceApplications(after: $after) { totalCount } }"


async def test_statement_follows_the_rules(api: Api, tmp_path: Path) -> None:
    # given a month with every kind of line
    await make_statements(
        api.database,
        tmp_path,
        [
            line(
                line_id="ok",
                amount="100.00",
                voucher_amount="10.00",
                coupon_amount="5.00",
                gift_balance_amount="2.50",
                cash_amount="82.50",
            ),
            line(
                line_id="payg",
                billing_mode="PAY_AS_YOU_GO",
                delivered_on="",
                amount="30.00",
                cash_amount="30.00",
            ),
            line(line_id="old", delivered_on="2018-01-31", amount="20.00", cash_amount="20.00"),
            line(line_id="mkt", channel="MARKET", seller="ISV", amount="40.00", cash_amount="40.00"),
            line(
                line_id="self",
                channel="MARKET",
                seller="Market",
                self_operated="true",
                amount="7.00",
                cash_amount="7.00",
            ),
        ],
    )
    token = await api.token(Role.CUSTOMER, account="A-1")
    # when the customer reads its statements
    body = await api.query(STATEMENTS, {"number": "A-1"}, token=token)
    # then the totals follow R2-R5 to the fen
    connection = body["data"]["account"]["statements"]
    assert connection["totalCount"] == 1
    statement = connection["edges"][0]["node"]
    assert statement["month"] == "2024-03"
    assert statement["cloudExpense"] == {"amount": "150.00", "currency": "CNY"}
    assert statement["marketExpense"]["amount"] == "47.00"
    assert statement["totalExpense"]["amount"] == "197.00"
    assert statement["invoiceableCloud"]["amount"] == "82.50"
    assert statement["invoiceableMarket"]["amount"] == "7.00"
    assert statement["invoiceableTotal"]["amount"] == "89.50"
    assert {e["reason"]: e["amount"]["amount"] for e in statement["exclusions"]} == {
        "VOUCHER": "10.00",
        "COUPON": "5.00",
        "GIFT_BALANCE": "2.50",
        "NOT_SUBSCRIPTION": "30.00",
        "DELIVERED_BEFORE_CUTOFF": "20.00",
        "ISSUED_BY_MARKET_PROVIDER": "40.00",
    }
    assert statement["invoiceStatus"] == "NOT_INVOICED"
    # and the customer is told where to invoice the pay-as-you-go and early-delivered lines
    assert statement["ineligibleNotice"].endswith("hotline at 400-028-9900.")


async def test_statements_page_newest_first_with_cursors(api: Api, tmp_path: Path) -> None:
    months = [f"2024-{m:02d}-05" for m in range(1, 8)]
    await make_statements(api.database, tmp_path, [line(billed_on=day) for day in months])
    token = await api.token(Role.CUSTOMER, account="A-1")
    seen: list[str] = []
    after = None
    while True:
        body = await api.query(STATEMENTS, {"number": "A-1", "first": 3, "after": after}, token=token)
        connection = body["data"]["account"]["statements"]
        assert connection["totalCount"] == 7
        seen += [edge["node"]["month"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [f"2024-{m:02d}" for m in range(7, 0, -1)]
    filtered = await api.query(STATEMENTS, {"number": "A-1", "from": "2024-02", "to": "2024-04"}, token=token)
    months_seen = [e["node"]["month"] for e in filtered["data"]["account"]["statements"]["edges"]]
    assert months_seen == ["2024-04", "2024-03", "2024-02"]


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
    body = await api.query(VIEWER_STATEMENTS, variables, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("document", "cursor"),
    [
        (VIEWER_STATEMENTS, _cursor("statement", "2024-01-01x")),
        (VIEWER_STATEMENTS, _cursor("statement", 20240101)),
        (
            ACCOUNTS_AFTER,
            _cursor("account", "A-\u0000"),
        ),
        (
            'query($after: String) { viewer { account { statement(month: "2024-03") {'
            " lines(after: $after) { totalCount } } } } }",
            _cursor("line", "2024-03-01", 10**30),
        ),
        (
            INVOICE_APPLICATIONS_AFTER,
            _cursor("application", "2024-03-01T10:00:00", 1),
        ),
    ],
)
async def test_hand_made_cursors_with_values_no_row_has(
    api: Api, token: str, document: str, cursor: str
) -> None:
    body = await api.query(document, {"after": cursor}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_a_hand_made_cursor_of_deeply_nested_json(api: Api, token: str) -> None:
    for depth in (800, 5000):
        cursor = base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).decode()
        body = await api.query(VIEWER_STATEMENTS, {"after": cursor}, token=token)
        assert error_codes(body) == ["BAD_USER_INPUT"]
        assert len(body["errors"][0]["message"]) < 200
