"""Account.statements, Account.statement and MonthlyStatement.lines."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

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

LINES = """
query Lines($number: String!, $month: Month!, $first: Int, $after: String) {
  account(accountNumber: $number) {
    statement(month: $month) {
      lines(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { lineId invoiceableAmount { amount } ineligibleReason } }
      }
    }
  }
}
"""


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


async def test_lines_are_paged_in_billing_order(api: Api, tmp_path: Path) -> None:
    await make_statements(
        api.database,
        tmp_path,
        [line(line_id=f"L{day:02d}", billed_on=f"2024-03-{day:02d}") for day in (9, 3, 27, 14, 1)],
    )
    token = await api.token(Role.CUSTOMER, account="A-1")
    first = await api.query(LINES, {"number": "A-1", "month": "2024-03", "first": 2}, token=token)
    page = first["data"]["account"]["statement"]["lines"]
    assert page["totalCount"] == 5
    assert [e["node"]["lineId"] for e in page["edges"]] == ["L01", "L03"]
    rest = await api.query(
        LINES,
        {"number": "A-1", "month": "2024-03", "first": 10, "after": page["pageInfo"]["endCursor"]},
        token=token,
    )
    assert [e["node"]["lineId"] for e in rest["data"]["account"]["statement"]["lines"]["edges"]] == [
        "L09",
        "L14",
        "L27",
    ]


async def test_a_month_without_statement_is_null(api: Api, tmp_path: Path) -> None:
    await make_statements(api.database, tmp_path, [line()])
    token = await api.token(Role.CUSTOMER, account="A-1")
    body = await api.query(LINES, {"number": "A-1", "month": "2024-05"}, token=token)
    assert body["data"]["account"]["statement"] is None
