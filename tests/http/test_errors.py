"""Every HTTP-level refusal has one GraphQL-shaped body, and its code's status (http/errors.py)."""

import json

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.errors import error_body, error_response


def test_a_refusal_carries_its_code_request_id_and_status() -> None:
    response = error_response(
        RequestErrorCode.UNAUTHENTICATED,
        "Send a token",
        request_id="req-1",
        headers={"WWW-Authenticate": "Bearer"},
    )

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert json.loads(bytes(response.body)) == {
        "errors": [
            {"message": "Send a token", "extensions": {"code": "UNAUTHENTICATED", "requestId": "req-1"}}
        ]
    }


def test_a_refusal_without_a_request_id_names_none() -> None:
    body = json.loads(error_body(RequestErrorCode.FORBIDDEN, "No"))

    assert body == {"errors": [{"message": "No", "extensions": {"code": "FORBIDDEN"}}]}


def test_a_message_quoting_a_lone_surrogate_is_still_json() -> None:
    body = error_body(RequestErrorCode.BAD_REQUEST, "unknown operation \ud800", "req-2")

    assert json.loads(body)["errors"][0]["message"] == "unknown operation \ud800"
