"""Query.invoiceApplications, the work queue, and the applications under it."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title
from tests.graphql.conftest import Api
from tests.graphql.documents import APPLY_FOR_INVOICE
from tests.graphql.helpers import apply_input, mutate, query_data, user_error_codes

PARTNER_VIEW = """
{ invoiceApplications(first: 50) { totalCount edges { node { number account { name }
    statements { month } events { status } } } }
  viewer { accounts(first: 100) { edges { node {
    invoiceEligibility { canApply problems }
    invoiceApplications(first: 5) { totalCount edges { node { id status events { status } } } }
    statements(first: 12) { edges { node { month application { id number events { status } } } } }
} } } } }
"""


async def _count_for(api: Api, tmp_path: Path, accounts: int) -> int:
    async with api.database.transaction() as connection:
        await connection.exec_driver_sql(
            "TRUNCATE invoice_application_events, invoice_application_months, invoice_applications,"
            " invoice_titles, invoice_addresses, billing_lines, statements, statement_runs,"
            " access_tokens, accounts, partners CASCADE"
        )
    rows = [
        line(account_number=f"A-{n:03d}", partner="P-1", billed_on=f"2024-0{m}-10")
        for n in range(accounts)
        for m in (1, 2)
    ]
    await make_statements(api.database, tmp_path, rows)
    partner = await api.token(Role.PARTNER, partner="P-1")
    for n in range(accounts):
        number = f"A-{n:03d}"
        account_id = await account_id_of(api.database, number)
        title, address = await add_title(api.database, number), await add_address(api.database, number)
        values = apply_input(
            encode_id("Account", account_id),
            encode_id("InvoiceTitle", account_id, title),
            encode_id("InvoiceAddress", account_id, address),
            ["2024-01"],
            "100.00",
        )
        assert user_error_codes(await mutate(api, APPLY_FOR_INVOICE, {"input": values}, partner)) == []
    with api.counting() as seen:
        data = await query_data(api, PARTNER_VIEW, {}, partner)
    assert data["invoiceApplications"]["totalCount"] == accounts
    return len(seen)


async def test_sql_statements_stay_constant_for_1_and_10_accounts(api: Api, tmp_path: Path) -> None:
    assert await _count_for(api, tmp_path, 1) == await _count_for(api, tmp_path, 10)
