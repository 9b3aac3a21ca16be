"""The number of SQL statements per request does not grow with the number of accounts or statements."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import import_rows, line, make_statements
from tests.graphql.conftest import Api

PARTNER_VIEW = """
{ viewer { accounts(first: 100) { totalCount edges { node {
  accountNumber name invoiceDeficit { amount }
  invoiceDeficitEntries(first: 5) { totalCount edges { node { kind balance { amount } application { id } } } }
  invoiceableTotals { total { amount } months }
  statement(month: "2024-02") { month }
  statements(first: 12) { totalCount edges { node {
    id month totalExpense { amount } invoiceableTotal { amount } exclusions { reason amount { amount } }
    invoiceStatus lines(first: 5) { totalCount edges { node { lineId invoiceableAmount { amount } } } }
  } } }
} } } } }
"""


async def _statements_for(api: Api, tmp_path: Path, accounts: int) -> int:
    rows = [
        line(account_number=f"A-{number:03d}", partner="P-1", billed_on=f"2024-{month:02d}-10")
        for number in range(accounts)
        for month in (1, 2, 3)
    ]
    await make_statements(api.database, tmp_path, rows)
    # every account's January is refunded after its statement: a deficit entry each
    refunds = [
        {**row, "line_id": f"{row['line_id']}-R", "refund_of": row["line_id"], "billed_on": "2024-04-01"}
        for row in rows[::3]
    ]
    await import_rows(
        api.database, tmp_path, [{**row, "amount": "1.00", "cash_amount": "1.00"} for row in refunds]
    )
    token = await api.token(Role.PARTNER, partner="P-1")
    with api.counting() as seen:
        body = await api.query(PARTNER_VIEW, token=token)
    assert "errors" not in body
    edges = body["data"]["viewer"]["accounts"]["edges"]
    assert len(edges) == accounts
    assert all(len(e["node"]["statements"]["edges"]) == 3 for e in edges)
    assert all(e["node"]["invoiceDeficitEntries"]["totalCount"] == 1 for e in edges)
    return len(seen)


async def test_statement_count_is_the_same_for_1_10_and_50_accounts(api: Api, tmp_path: Path) -> None:
    counts = []
    for accounts in (1, 10, 50):
        async with api.database.transaction() as connection:
            await connection.exec_driver_sql(
                "TRUNCATE billing_lines, statements, statement_runs, access_tokens, accounts, partners,"
                " invoice_deficit_entries"
                " CASCADE"
            )
        counts.append(await _statements_for(api, tmp_path, accounts))
    assert counts[0] == counts[1] == counts[2], counts
