"""graphql-cop's checks against the API in production mode: each test shows the API's answer.

graphql-cop (dolevf/graphql-cop) flags a server for each of these; in production this API refuses
or neutralises every one.
"""

import json

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api


def _codes(body: dict[str, object]) -> list[object]:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    return [error["extensions"]["code"] for error in errors]


async def test_alias_overloading_is_refused(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    aliases = " ".join(f"alias{n}: __typename" for n in range(101))
    body = await production_api.query(f"query cop {{ {aliases} }}", token=token)
    assert body["data"] is None
    assert _codes(body) == ["TOO_MANY_ALIASES"]


async def test_batching_an_array_of_operations_is_refused(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    batch = [{"query": "query cop { __typename }"}] * 10
    response = await production_api.client.post(
        "/graphql", json=batch, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert "__typename" not in response.text


async def test_field_duplication_is_refused(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    body = await production_api.query("query cop { " + "__typename " * 500 + "}", token=token)
    assert body["data"] is None
    assert _codes(body) == ["TOO_MANY_DUPLICATES"]


async def test_directive_overloading_gets_one_error_not_one_per_directive(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    body = await production_api.query("query cop { __typename " + "@aa" * 10 + " }", token=token)
    assert body["data"] is None
    assert _codes(body) == ["TOO_MANY_DIRECTIVES"]


CIRCULAR_INTROSPECTION = (
    "query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name }"
    " } } } } } } } } } }"
)


async def test_circular_introspection_is_refused_because_introspection_is_off(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    circular = await production_api.query(CIRCULAR_INTROSPECTION, token=token)
    assert circular["data"] is None
    assert _codes(circular)[0] == "GRAPHQL_VALIDATION_FAILED"
    for document in ("{ __schema { queryType { name } } }", '{ __type(name: "Account") { name } }'):
        body = await production_api.query(document, token=token)
        assert body["data"] is None
        assert "introspection has been disabled" in body["errors"][0]["message"]


async def test_field_suggestions_are_not_given(production_api: Api, api: Api) -> None:
    document = "query cop { viewer { rol accounts(frist: 1) { totalCount } } }"
    production = await production_api.query(document, token=await production_api.token(Role.FINANCE))
    assert len(production["errors"]) == 2
    assert "Did you mean" not in json.dumps(production)
    development = await api.query(document, token=await api.token(Role.FINANCE))
    assert "Did you mean" in json.dumps(development)  # what production hides


async def test_a_mutation_over_get_is_refused(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    mutation = 'mutation cop { deleteInvoiceTitle(id: "x") { deletedId } }'
    response = await production_api.client.get(
        "/graphql", params={"query": mutation}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in {400, 405}
    assert "deletedId" not in response.text


async def test_a_query_over_get_is_refused_in_production(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    response = await production_api.client.get(
        "/graphql", params={"query": "{ viewer { role } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in {400, 405}
    assert "FINANCE" not in response.text


async def test_form_posts_a_browser_can_send_without_preflight_are_refused(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    query = "query cop { viewer { role } }"
    auth = {"Authorization": f"Bearer {token}"}
    attempts = [
        production_api.client.post("/graphql", data={"query": query}, headers=auth),
        production_api.client.post("/graphql", files={"query": (None, query)}, headers=auth),
        production_api.client.post("/graphql", content=query, headers={**auth, "Content-Type": "text/plain"}),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code in {400, 415}, response.text
        assert "FINANCE" not in response.text


async def test_cross_origin_requests_are_allowed_only_from_the_allow_list(production_api: Api) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = await production_api.client.options(
        "/graphql", headers={**preflight, "Origin": "https://portal.example.com"}
    )
    refused = await production_api.client.options(
        "/graphql", headers={**preflight, "Origin": "https://evil.example"}
    )
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.com"
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_unhandled_errors_leak_no_details(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    response = await production_api.post("query cop { __typename {}", token=token)
    body = response.json()
    assert _codes(body) == ["GRAPHQL_PARSE_FAILED"]
    for leak in ("Traceback", 'File "', "stacktrace", "exception"):
        assert leak not in response.text


async def test_no_tracing_is_sent(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    body = await production_api.query("query cop { __typename }", token=token)
    assert body["data"] == {"__typename": "Query"}
    assert set(body["extensions"]) == {"cost"}


async def test_graphiql_is_off_in_production(production_api: Api) -> None:
    response = await production_api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code in {401, 404}
    assert "graphiql" not in response.text.lower()


async def test_a_request_body_over_the_limit_gets_413(production_api: Api) -> None:
    token = await production_api.token(Role.FINANCE)
    padding = " " * 1_000_001
    response = await production_api.post("{ __typename }" + padding, token=token)
    assert response.status_code == 413
