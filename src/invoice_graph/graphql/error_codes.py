"""The code of every GraphQL error, and where each is logged: clients' mistakes at INFO, faults at ERROR."""

import logging
from typing import Any

from graphql import GraphQLError

from invoice_graph.graphql.errors import BadUserInputError, RequestErrorCode
from invoice_graph.services import is_database_unavailable

logger = logging.getLogger("invoice_graph.graphql")

# graphql-core reports bad argument and variable values with these words.
_BAD_VALUE_MARKERS = ("Variable '$", "Expected value of type", "cannot represent")
# The server's own faults; every other code names something the client must change.
SERVER_FAULTS = frozenset({RequestErrorCode.INTERNAL_SERVER_ERROR, RequestErrorCode.SERVICE_UNAVAILABLE})


def error_code(error: GraphQLError) -> RequestErrorCode:
    """The code a client sees for an error."""
    given = (error.extensions or {}).get("code")
    return (
        RequestErrorCode(given)
        if isinstance(given, str) and given in RequestErrorCode.__members__
        else _derived_code(error)
    )


def _derived_code(error: GraphQLError) -> RequestErrorCode:
    """The code of an error raised without one, from its original exception or its message."""
    original = error.original_error
    if isinstance(original, BadUserInputError):
        return RequestErrorCode.BAD_USER_INPUT
    if original is not None and not isinstance(original, GraphQLError):
        unavailable = is_database_unavailable(original)
        return RequestErrorCode.SERVICE_UNAVAILABLE if unavailable else RequestErrorCode.INTERNAL_SERVER_ERROR
    if error.message.startswith("Syntax Error"):
        aborted = error.message.endswith("Parsing aborted.")  # the parser's token limit
        return RequestErrorCode.TOO_MANY_TOKENS if aborted else RequestErrorCode.GRAPHQL_PARSE_FAILED
    # Before execution (no path) such words are about the client's values; with a path, a field's
    # own result could not be serialized: the server's fault.
    if error.path is not None:
        return RequestErrorCode.INTERNAL_SERVER_ERROR
    bad_value = any(marker in error.message for marker in _BAD_VALUE_MARKERS)
    return RequestErrorCode.BAD_USER_INPUT if bad_value else RequestErrorCode.GRAPHQL_VALIDATION_FAILED


def log_client_errors(errors: list[GraphQLError], request_id: Any) -> None:
    """Log the client's mistakes among `errors` at INFO (the view logs server faults at ERROR)."""
    for error in errors:
        code = error_code(error)
        if code not in SERVER_FAULTS:
            logger.info(
                "request %s: %s: %s",
                request_id,
                code.value,
                error.message,
                extra={"fields": {"request_id": request_id, "code": code.value}},
            )
