"""Query.viewer: each role's accounts, tokens, and malformed viewer documents."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api
from tests.graphql.helpers import error_codes, make_three_accounts

VIEWER_ACCOUNTS = """
{ viewer { role account { accountNumber }
  accounts(first: 50) { totalCount edges { node { accountNumber } } } } }
"""


async def test_each_role_lists_exactly_its_accounts(api: Api, tmp_path: Path) -> None:
    await make_three_accounts(api, tmp_path)
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


async def test_requests_without_a_live_token_get_401(api: Api, tmp_path: Path) -> None:
    await make_three_accounts(api, tmp_path)
    for token in (None, "igt_not-a-token", "garbage"):
        response = await api.post(VIEWER_ACCOUNTS, token=token)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unknown_fields_are_validation_errors(api: Api, token: str) -> None:
    body = await api.query("{ viewer { nope } }", token=token)
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_an_integer_literal_of_thousands_of_digits(api: Api, token: str) -> None:
    body = await api.query("{ viewer { accounts(first: " + "9" * 5000 + ") { totalCount } } }", token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
