"""Query limits and cost: refused before anything runs, with a code; the cost in every response."""

from pathlib import Path

import httpx
import pytest

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api

STATEMENTS = """
query($first: Int) { viewer { accounts { edges { node {
  statements(first: $first) { edges { node { month lines { edges { node { lineId } } } } } } } } } } }
"""


def _code(body: dict[str, object]) -> object:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    assert len(errors) == 1, body
    return errors[0]["extensions"]["code"]


async def _ran_sql(api: Api, document: str, token: str, variables: dict[str, object] | None = None) -> bool:
    with api.counting() as seen:
        await api.query(document, variables, token=token)
    return bool(seen)


async def test_the_cost_multiplies_connections_by_their_page_size_and_is_reported(api: Api) -> None:
    token = await api.token(Role.FINANCE)
    # viewer 1 + accounts (2 + 20 x (account 1 + statements (2 + n x (statement 1 + lines (2 + 20 x 1)))))
    for first, expected in ((1, 1 + 2 + 20 * (1 + 2 + 1 * 23)), (10, 1 + 2 + 20 * (1 + 2 + 10 * 23))):
        body = await api.query(STATEMENTS, {"first": first}, token=token)
        assert "errors" not in body
        assert body["extensions"]["cost"]["requestedQueryCost"] == expected
        assert body["extensions"]["cost"]["maximumAvailable"] == 20_000


async def test_an_invalid_document_reports_a_zero_cost(api: Api) -> None:
    body = await api.query("{ nope }", token=await api.token(Role.FINANCE))
    assert _code(body) == "GRAPHQL_VALIDATION_FAILED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 0


async def _limited_api(database: Database, **limits: object) -> httpx.AsyncClient:
    app = create_app(Settings(environment="test", **limits), database)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


DEEP = (
    "{ viewer { accounts { edges { node { statements { edges { node {"
    " lines { edges { node { lineId } } } } } } } } } } }"
)
ALIASES_IN_FRAGMENT = "{ viewer { ...F } } fragment F on Viewer { a: role b: role c: role }"
DUPLICATES = "{ viewer { role role role role } }"
DIRECTIVES = "{ viewer { role @include(if: true) @skip(if: false) } }"


@pytest.mark.parametrize(
    ("limits", "document", "variables", "code"),
    [
        ({"max_query_depth": 5}, DEEP, None, "QUERY_TOO_DEEP"),
        ({"max_aliases": 2}, ALIASES_IN_FRAGMENT, None, "TOO_MANY_ALIASES"),
        ({"max_duplicate_fields": 2}, DUPLICATES, None, "TOO_MANY_DUPLICATES"),
        ({"max_directives": 1}, DIRECTIVES, None, "TOO_MANY_DIRECTIVES"),
        ({"max_query_tokens": 20}, DEEP, None, "TOO_MANY_TOKENS"),
        ({"max_query_cost": 500}, STATEMENTS, {"first": 20}, "QUERY_TOO_COSTLY"),
    ],
)
async def test_an_operation_over_a_limit_is_refused_with_its_code_and_runs_nothing(
    api: Api,
    tmp_path: Path,
    limits: dict[str, object],
    document: str,
    variables: dict[str, object] | None,
    code: str,
) -> None:
    await make_statements(api.database, tmp_path, [line()])
    token = await api.token(Role.FINANCE)
    async with await _limited_api(api.database, **limits) as client:
        limited = Api(client=client, database=api.database)
        with limited.counting() as seen:
            body = await limited.query(document, variables, token=token)
        assert body["data"] is None
        assert _code(body) == code
        assert seen == [] or all("access_tokens" in s for s in seen), seen  # only the token lookup ran
    # the same operation passes under the default limits
    assert "errors" not in await api.query(document, variables, token=token)


async def test_page_size_is_at_most_100_and_defaults_to_20(api: Api, tmp_path: Path) -> None:
    await make_statements(api.database, tmp_path, [line(account_number=f"A-{n:02d}") for n in range(25)])
    token = await api.token(Role.FINANCE)
    accounts = "query($first: Int) { viewer { accounts(first: $first) { edges { cursor } } } }"
    assert len((await api.query(accounts, token=token))["data"]["viewer"]["accounts"]["edges"]) == 20
    assert _code(await api.query(accounts, {"first": 101}, token=token)) == "BAD_USER_INPUT"
