"""Who sees what: a customer its own account, a partner its customers, finance everything."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

VIEWER_ACCOUNTS = """
{ viewer { role account { accountNumber }
  accounts(first: 50) { totalCount edges { node { accountNumber } } } } }
"""
ACCOUNT = """
query($number: String!) { account(accountNumber: $number) {
  id statements { edges { node { id lines { edges { node { id } } } } } } } }
"""
NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


async def _three_accounts(api: Api, tmp_path: Path) -> None:
    await make_statements(
        api.database,
        tmp_path,
        [
            line(account_number="A-1"),
            line(account_number="B-1", partner="P-1"),
            line(account_number="B-2", partner="P-1"),
        ],
    )


async def _ids_of(api: Api, number: str) -> list[str]:
    finance = await api.token(Role.FINANCE)
    body = await api.query(ACCOUNT, {"number": number}, token=finance)
    account = body["data"]["account"]
    statement = account["statements"]["edges"][0]["node"]
    return [account["id"], statement["id"], statement["lines"]["edges"][0]["node"]["id"]]


async def test_each_role_lists_exactly_its_accounts(api: Api, tmp_path: Path) -> None:
    await _three_accounts(api, tmp_path)
    cases = {
        await api.token(Role.CUSTOMER, account="A-1"): ("CUSTOMER", "A-1", ["A-1"]),
        await api.token(Role.PARTNER, partner="P-1"): ("PARTNER", None, ["B-1", "B-2"]),
        await api.token(Role.FINANCE): ("FINANCE", None, ["A-1", "B-1", "B-2"]),
    }
    for token, (role, own, listed) in cases.items():
        viewer = (await api.query(VIEWER_ACCOUNTS, token=token))["data"]["viewer"]
        assert viewer["role"] == role
        assert (viewer["account"] or {}).get("accountNumber") == own
        assert viewer["accounts"]["totalCount"] == len(listed)
        assert [e["node"]["accountNumber"] for e in viewer["accounts"]["edges"]] == listed


async def test_another_customers_objects_do_not_exist_for_a_customer(api: Api, tmp_path: Path) -> None:
    await _three_accounts(api, tmp_path)
    foreign = await _ids_of(api, "B-1")
    token = await api.token(Role.CUSTOMER, account="A-1")
    assert (await api.query(ACCOUNT, {"number": "B-1"}, token=token))["data"]["account"] is None
    for object_id in foreign:
        assert (await api.query(NODE, {"id": object_id}, token=token))["data"]["node"] is None
    assert (await api.query(NODES, {"ids": foreign}, token=token))["data"]["nodes"] == [None, None, None]
    own = await _ids_of(api, "A-1")
    assert [n["id"] for n in (await api.query(NODES, {"ids": own}, token=token))["data"]["nodes"]] == own


async def test_a_partner_sees_its_customers_and_nothing_else(api: Api, tmp_path: Path) -> None:
    await _three_accounts(api, tmp_path)
    token = await api.token(Role.PARTNER, partner="P-1")
    managed = await _ids_of(api, "B-2")
    foreign = await _ids_of(api, "A-1")
    nodes = (await api.query(NODES, {"ids": managed + foreign}, token=token))["data"]["nodes"]
    assert [n["id"] if n else None for n in nodes] == [*managed, None, None, None]
    assert (await api.query(ACCOUNT, {"number": "A-1"}, token=token))["data"]["account"] is None


async def test_requests_without_a_live_token_get_401(api: Api, tmp_path: Path) -> None:
    await _three_accounts(api, tmp_path)
    for token in (None, "igt_not-a-token", "garbage"):
        response = await api.post(VIEWER_ACCOUNTS, token=token)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_graphiql_page_loads_without_a_token(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
