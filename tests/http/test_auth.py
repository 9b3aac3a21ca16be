"""/graphql answers 401 to a request without a live token, with a challenge and the request id."""

import json

import pytest

from invoice_graph.domain.viewer import Role
from tests.graphql.conftest import Api

VIEWER = {"query": "{ viewer { role } }"}


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer igt_not-a-token", "Basic dXNlcjpwYXNz", "Bearer", "igt_no-scheme"],
    ids=["none", "unknown token", "basic", "empty bearer", "no scheme"],
)
async def test_a_request_without_a_live_token_gets_401_with_a_challenge_and_its_request_id(
    api: Api, authorization: str | None
) -> None:
    # when a GraphQL request comes without a token the server knows
    headers = {"Authorization": authorization} if authorization else {}
    response = await api.client.post("/graphql", json=VIEWER, headers=headers)

    # then it gets 401, the Bearer challenge, and a GraphQL-shaped body naming the request
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="invoice_graph"'
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "requestId": response.headers["x-request-id"]}
    assert "Authorization: Bearer <token>" in error["message"]
    assert "data" not in response.json()


async def test_the_401_names_the_clients_own_request_id(api: Api) -> None:
    response = await api.client.post("/graphql", json=VIEWER, headers={"X-Request-Id": "trace-401"})

    assert response.status_code == 401
    assert json.loads(response.content)["errors"][0]["extensions"]["requestId"] == "trace-401"


async def test_a_live_token_passes_and_the_viewer_is_its_role(api: Api) -> None:
    token = await api.token(Role.FINANCE)

    body = await api.query("{ viewer { role } }", token=token)

    assert body["data"] == {"viewer": {"role": "FINANCE"}}
