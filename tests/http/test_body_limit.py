"""A body over MAX_REQUEST_BYTES gets 413 before anything parses it, declared or streamed."""

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token

LIMIT = 1024
VIEWER = json.dumps({"query": "{ viewer { role } }"}).encode()


@pytest.fixture
async def client(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 1 KiB body limit, as a finance token."""
    app = create_app(Settings(environment="test", max_request_bytes=LIMIT), database)
    token = (await create_token(database, role=Role.FINANCE)).secret
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as client:
        yield client


def _padded(size: int) -> bytes:
    """A GraphQL request body of `size` bytes."""
    return VIEWER[:-1] + b" " * (size - len(VIEWER)) + b"}"


async def _chunks(body: bytes, size: int = 256) -> AsyncIterator[bytes]:
    """The body as a stream: httpx then sends no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _assert_refused(response: httpx.Response) -> None:
    """413 with a GraphQL-shaped body naming the limit and the request."""
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "requestId": response.headers["x-request-id"]}
    assert error["message"] == f"The request body is over {LIMIT} bytes: send less"


async def test_a_body_declared_over_the_limit_gets_413_with_its_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=_padded(LIMIT + 1), headers={"X-Request-Id": "big-1"})

    _assert_refused(response)
    assert response.json()["errors"][0]["extensions"]["requestId"] == "big-1"


async def test_a_streamed_body_over_the_limit_gets_413_with_its_request_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="invoice_graph.requests")

    # when a body with no Content-Length grows past the limit as it is read
    request = client.build_request("POST", "/graphql", content=_chunks(_padded(4 * LIMIT)))
    assert "content-length" not in request.headers
    response = await client.send(request)

    # then it is refused the same way, and the log line's outcome is the body's code
    _assert_refused(response)
    [line] = [record for record in caplog.records if record.name == "invoice_graph.requests"]
    assert line.__dict__["fields"]["outcome"] == "PAYLOAD_TOO_LARGE"
    assert line.__dict__["fields"]["status"] == 413


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
async def test_a_body_at_the_limit_is_answered(client: httpx.AsyncClient, streamed: bool) -> None:
    body = _padded(LIMIT)
    response = await client.post("/graphql", content=_chunks(body) if streamed else body)

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"viewer": {"role": "FINANCE"}}
