"""GraphQL-shaped answers for requests refused before (or instead of) GraphQL execution.

Every refusal at the HTTP level (no token, a body too large or not a GraphQL request, the
database down, the deadline passed, a scrape of /metrics without its token) answers
`{"errors": [{"message", "extensions": {"code", "requestId"}}]}`, so a client reads one shape
whatever went wrong; the status comes from the code (status.py).
"""

import json
from collections.abc import Mapping

from starlette.responses import Response

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.status import status_of


def error_body(code: RequestErrorCode, message: str, request_id: str | None = None) -> bytes:
    """The JSON body of a refusal: one error with its code (and the request id when known)."""
    extensions: dict[str, str] = {"code": code.value}
    if request_id:
        extensions["requestId"] = request_id
    # json, not orjson: a message quoting the client's text may hold a lone surrogate, which
    # json escapes and orjson refuses.
    return json.dumps({"errors": [{"message": message, "extensions": extensions}]}).encode()


def error_response(
    code: RequestErrorCode,
    message: str,
    *,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A refusal as a Starlette response: a GraphQL-shaped JSON body, and its code's status."""
    return Response(
        error_body(code, message, request_id),
        status_code=status_of(code),
        headers=dict(headers or {}),
        media_type="application/json",
    )
