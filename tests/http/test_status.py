"""One place decides the HTTP status of an answer from its outcome (http/status.py)."""

import pytest

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.status import code_of_status, status_of

REFUSALS = {
    RequestErrorCode.BAD_REQUEST: 400,
    RequestErrorCode.UNAUTHENTICATED: 401,
    RequestErrorCode.FORBIDDEN: 403,
    RequestErrorCode.NOT_FOUND: 404,
    RequestErrorCode.METHOD_NOT_ALLOWED: 405,
    RequestErrorCode.PAYLOAD_TOO_LARGE: 413,
    RequestErrorCode.SERVICE_UNAVAILABLE: 503,
}


@pytest.mark.parametrize(("code", "status"), REFUSALS.items(), ids=[code.value for code in REFUSALS])
def test_a_refusal_has_the_status_of_its_code_both_ways(code: RequestErrorCode, status: int) -> None:
    assert status_of(code) == status
    assert status_of(code.value, sent=200) == status  # an outcome is the code's text
    assert code_of_status(status) is code


def test_a_graphql_result_whose_database_was_unavailable_goes_out_as_503() -> None:
    assert status_of("SERVICE_UNAVAILABLE", sent=200) == 503


@pytest.mark.parametrize(
    "outcome", [None, "ok", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "THROTTLED", "ERROR"]
)
def test_any_other_answer_keeps_the_status_it_was_sent_with(outcome: str | None) -> None:
    assert status_of(outcome, sent=200) == 200
    assert status_of(outcome, sent=401) == 401


def test_no_refusal_has_a_success_status() -> None:
    assert code_of_status(200) is None
    assert code_of_status(500) is None
