"""The HTTP status of every refusal and every GraphQL answer, decided here and nowhere else.

A request refused before GraphQL runs (no token, a body too large or not a GraphQL request,
another method, the database down, the deadline passed) answers with the status of its code. A
GraphQL result answers with the status it was sent with (200, whatever errors it holds), except
one whose database was unavailable: that one answers 503, so that clients and proxies retry it.
"""

from collections.abc import Mapping
from typing import Final

from invoice_graph.graphql.errors import RequestErrorCode

# Every code a request can be refused with before GraphQL runs, and its status.
_REFUSALS: Final = (
    (RequestErrorCode.BAD_REQUEST, 400),
    (RequestErrorCode.UNAUTHENTICATED, 401),
    (RequestErrorCode.FORBIDDEN, 403),
    (RequestErrorCode.NOT_FOUND, 404),
    (RequestErrorCode.METHOD_NOT_ALLOWED, 405),
    (RequestErrorCode.PAYLOAD_TOO_LARGE, 413),
    (RequestErrorCode.SERVICE_UNAVAILABLE, 503),
)
# Keyed by the code's text: an outcome is the `extensions.code` string of a formatted error.
_STATUS_OF_CODE: Final[Mapping[str, int]] = dict(_REFUSALS)
_CODE_OF_STATUS: Final = {status: code for code, status in _REFUSALS}


def status_of(outcome: str | None, *, sent: int = 200) -> int:
    """The status of an answer whose outcome is `outcome` (a code, "ok" or None): the status of a
    refusal's code, else `sent`, the status the answer was sent with."""
    return sent if outcome is None else _STATUS_OF_CODE.get(outcome, sent)


def code_of_status(status: int) -> RequestErrorCode | None:
    """The code of a refusal sent with `status`, or None when no refusal has that status."""
    return _CODE_OF_STATUS.get(status)
