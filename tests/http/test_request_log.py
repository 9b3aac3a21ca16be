"""One log line per request (http/request_log.py), and client mistakes logged at INFO, faults at ERROR."""

import logging

import pytest

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.accounts.types import Viewer
from tests.graphql.conftest import Api

ACCOUNTS = "query AccountList { viewer { role accounts(first: 5) { totalCount } } }"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "invoice_graph.requests"]


async def test_each_request_logs_one_line_with_its_id_operation_role_time_and_sql(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    # given a finance token
    token = await api.token(Role.FINANCE)
    caplog.set_level(logging.INFO, logger="invoice_graph.requests")

    # when a named query is sent with a request id of the client's
    response = await api.client.post(
        "/graphql",
        json={"query": ACCOUNTS},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-42"},
    )

    # then the response carries the request id, and one line tells what happened
    assert response.headers["x-request-id"] == "trace-42"
    [record] = _request_lines(caplog)
    fields = record.__dict__["fields"]
    assert fields["request_id"] == "trace-42"
    assert fields["operation"] == "AccountList"
    assert fields["role"] == "FINANCE"
    assert fields["outcome"] == "ok"
    assert fields["status"] == 200
    assert fields["duration_ms"] > 0
    assert fields["sql_statements"] >= 2  # the token check and the accounts


async def test_a_request_id_that_is_not_plain_is_replaced(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="invoice_graph.requests")

    response = await api.client.post(
        "/graphql", json={"query": ACCOUNTS}, headers={"X-Request-Id": "forged id; level=error"}
    )

    assert response.status_code == 401
    assert response.headers["x-request-id"] != "forged id; level=error"
    [record] = _request_lines(caplog)
    assert record.__dict__["fields"]["outcome"] == "UNAUTHENTICATED"
    assert response.json()["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ viewer { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
        ("{ viewer {", {}, "GRAPHQL_PARSE_FAILED"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": "not-an-id"}, "BAD_USER_INPUT"),
        (
            "query($m: Month) { viewer { account { statement(month: $m) { id } } } }",
            {"m": 5},
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_client_mistakes_are_logged_at_info_with_the_request_id(
    api: Api, caplog: pytest.LogCaptureFixture, query: str, variables: dict[str, object], code: str
) -> None:
    # given a customer
    token = await api.token(Role.FINANCE)
    caplog.set_level(logging.DEBUG)
    # when it sends a request the client must correct
    response = await api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}", "X-Request-Id": "client-mistake-1"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == code
    # then nothing is logged at ERROR or above, and the mistake is logged at INFO with the request id
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
    [mistake] = [record for record in caplog.records if record.name == "invoice_graph.graphql"]
    assert mistake.levelno == logging.INFO
    assert mistake.__dict__["fields"] == {"request_id": "client-mistake-1", "code": code}


async def test_server_faults_are_still_logged_at_error(
    api: Api, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a resolver that fails with a bug of the server's
    token = await api.token(Role.FINANCE)

    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Viewer, "__init__", broken)
    caplog.set_level(logging.INFO)
    # when a request reaches it
    response = await api.client.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": f"Bearer {token}"}
    )
    # then the client sees a masked error and the log has it at ERROR with the traceback
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    [fault] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert fault.exc_info is not None
