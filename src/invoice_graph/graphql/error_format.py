"""How an error leaves the API, over HTTP and websockets alike: with its code and request id,
unexpected ones masked and logged."""

import logging
import re
from typing import Any

from graphql import GraphQLError

from invoice_graph.graphql.error_codes import error_code
from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.request_log import UNAVAILABLE_MESSAGE

logger = logging.getLogger("invoice_graph.graphql")

# graphql-core's hints at names of the schema ("Did you mean 'x'?"), stripped when suggestions are off.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def format_error(error: GraphQLError, request_id: str, *, hide_suggestions: bool = False) -> dict[str, Any]:
    """The error as sent; unexpected errors are masked and logged with the request id."""
    code = error_code(error)
    formatted: dict[str, Any] = dict(error.formatted)
    if hide_suggestions:
        formatted["message"] = _SUGGESTION.sub("", formatted["message"])
    if code is RequestErrorCode.INTERNAL_SERVER_ERROR:
        logger.error("request %s failed", request_id, exc_info=error.original_error)
        formatted["message"] = f"Internal server error; quote request id {request_id} to support"
    elif code is RequestErrorCode.SERVICE_UNAVAILABLE:
        logger.warning("request %s: database unavailable: %r", request_id, error.original_error)
        formatted["message"] = UNAVAILABLE_MESSAGE
    formatted["extensions"] = {**formatted.get("extensions", {}), "code": code.value, "requestId": request_id}
    return formatted
