"""Account.invoiceTitles (and invoiceAddresses) across a partner's accounts."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api
from tests.graphql.helpers import account_id, company_title, create_title

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
        await create_title(api, owner, company_title(await account_id(api, row["account_number"])))
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
