"""Requests that are not GraphQL requests get a 4xx with a GraphQL-shaped body (SPEC 14), and the
connection they came on keeps working."""

import json

import pytest

from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token
from tests.http.conftest import KeepAliveClient, LiveServer

VIEWER = json.dumps({"query": "{ viewer { role } }"}).encode()


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


NOT_GRAPHQL_REQUESTS = {
    "null": b"null",
    "a number": b"123",
    "a string": b'"str"',
    "true": b"true",
    "not UTF-8": b'{"query": "{ viewer { role } }", "x": "\xff\xfe"}',
    "UTF-16": '{"query": "{ viewer { role } }"}'.encode("utf-16"),
    "variables nested 5000 deep": b'{"query": "{ viewer { role } }", "variables": ' + _nested(5000) + b"}",
    "variables nested 100 deep": b'{"query": "{ viewer { role } }", "variables": ' + _nested(100) + b"}",
    "lists nested 100000 deep": b'{"query": "{ viewer { role } }", "variables": {"a": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}}",
    "an integer of 5000 digits": b'{"query": "query($n: Int) { viewer { role } }", "variables": {"n": '
    + b"9" * 5000
    + b"}}",
    "NaN": b'{"query": "query($n: Int) { viewer { role } }", "variables": {"n": NaN}}',
    "operationName a number": b'{"query": "{ viewer { role } }", "operationName": 5}',
    "query a number": b'{"query": 5}',
    "operationName a lone surrogate": b'{"query": "query A { viewer { role } }", "operationName": "\\ud800"}',
    "operationName unknown, quoted back": b'{"query": "query A { viewer { role } }", "operationName": "B"}',
    "truncated JSON": b'{"query": "{ viewer { ro',
}


@pytest.fixture
async def client(live: LiveServer) -> KeepAliveClient:
    return await live.connect()


@pytest.fixture
async def token(live: LiveServer) -> str:
    return (await create_token(live.database, role=Role.FINANCE)).secret


@pytest.mark.parametrize("body", NOT_GRAPHQL_REQUESTS.values(), ids=NOT_GRAPHQL_REQUESTS.keys())
async def test_a_body_that_is_not_a_graphql_request_gets_400_and_the_connection_stays_usable(
    client: KeepAliveClient, token: str, body: bytes
) -> None:
    # when a body that is no GraphQL request is posted
    refused = await client.post(body, token=token)
    # then it gets 400 with a GraphQL-shaped JSON body that says what is wrong
    assert refused.status == 400, refused.body
    assert refused.headers["content-type"] == "application/json"
    error = json.loads(refused.body)["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["requestId"]
    assert error["message"]
    # and the next request on the same connection is answered
    answered = await client.post(VIEWER, token=token)
    assert answered.status == 200
    assert json.loads(answered.body)["data"] == {"viewer": {"role": "FINANCE"}}
    await client.close()


async def test_another_content_type_gets_a_graphql_shaped_400(client: KeepAliveClient, token: str) -> None:
    refused = await client.post(b"{ viewer { role } }", token=token, content_type="text/plain")
    assert refused.status == 400
    assert json.loads(refused.body)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert (await client.post(VIEWER, token=token)).status == 200
    await client.close()


async def test_a_body_nested_within_reason_still_runs(client: KeepAliveClient, token: str) -> None:
    body = json.dumps(
        {"query": "{ viewer { role } }", "variables": {"unused": [[{"a": [1, 2]}]]}, "extensions": {}}
    ).encode()
    answered = await client.post(body, token=token)
    assert answered.status == 200
    assert json.loads(answered.body)["data"] == {"viewer": {"role": "FINANCE"}}
    await client.close()
