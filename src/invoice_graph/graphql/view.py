"""The HTTP endpoint: builds each request's context and gives every error a code."""

import logging
import math
import re
from typing import Any, cast

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from invoice_graph.config import Settings
from invoice_graph.db.availability import is_database_unavailable
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import NOBODY
from invoice_graph.graphiql import graphiql_page
from invoice_graph.graphql.context import Context
from invoice_graph.graphql.errors import BadUserInputError, ErrorCode, ForbiddenError
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.request_log import (
    UNAVAILABLE_MESSAGE,
    note_operation,
    note_outcome,
    operation_name,
    outcome_of,
)
from invoice_graph.services.rate_limits import RateLimiter

logger = logging.getLogger("invoice_graph.graphql")

# graphql-core's hints at names of the schema ("Did you mean 'x'?"), stripped when suggestions are off.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
# graphql-core reports bad argument and variable values with these words.
_BAD_VALUE_MARKERS = ("Variable '$", "Expected value of type", "cannot represent")


def error_code(error: GraphQLError) -> ErrorCode:
    """The code a client sees for an error."""
    given = (error.extensions or {}).get("code")
    return (
        ErrorCode(given)
        if isinstance(given, str) and given in ErrorCode.__members__
        else _derived_code(error)
    )


def _derived_code(error: GraphQLError) -> ErrorCode:
    """The code of an error raised without one, from its original exception or its message."""
    original = error.original_error
    if isinstance(original, BadUserInputError):
        return ErrorCode.BAD_USER_INPUT
    if isinstance(original, ForbiddenError):
        return ErrorCode.FORBIDDEN
    if original is not None and not isinstance(original, GraphQLError):
        unavailable = is_database_unavailable(original)
        return ErrorCode.SERVICE_UNAVAILABLE if unavailable else ErrorCode.INTERNAL_SERVER_ERROR
    if error.message.startswith("Syntax Error"):
        aborted = error.message.endswith("Parsing aborted.")  # the parser's token limit
        return ErrorCode.TOO_MANY_TOKENS if aborted else ErrorCode.GRAPHQL_PARSE_FAILED
    if any(marker in error.message for marker in _BAD_VALUE_MARKERS):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def format_error(error: GraphQLError, request_id: str, *, hide_suggestions: bool = False) -> dict[str, Any]:
    """The error as sent; unexpected errors are masked and logged with the request id."""
    code = error_code(error)
    formatted: dict[str, Any] = dict(error.formatted)
    if hide_suggestions:
        formatted["message"] = _SUGGESTION.sub("", formatted["message"])
    if code is ErrorCode.INTERNAL_SERVER_ERROR:
        logger.error("request %s failed", request_id, exc_info=error.original_error)
        formatted["message"] = f"Internal server error; quote request id {request_id} to support"
    elif code is ErrorCode.SERVICE_UNAVAILABLE:
        logger.warning("request %s: database unavailable: %r", request_id, error.original_error)
        formatted["message"] = UNAVAILABLE_MESSAGE
    formatted["extensions"] = {**formatted.get("extensions", {}), "code": code.value, "requestId": request_id}
    return formatted


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with the project's context and error codes."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        settings: Settings,
        database: Database,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=bool(settings.allow_get_queries),
        )
        self.settings = settings
        self.database = database
        self.rate_limiter = rate_limiter

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the package's own assets (works with no internet)."""
        return HTMLResponse(graphiql_page(request))

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run one operation, noting its name for the request's log line and metrics."""
        data: GraphQLRequestData = kwargs["request_data"]
        note_operation(operation_name(data.query, data.operation_name))
        return await super().execute_single(*args, **kwargs)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            request=request,
            database=self.database,
            settings=self.settings,
            viewer=getattr(request.state, "viewer", NOBODY),
            loaders=Loaders(self.database),
            rate_limiter=self.rate_limiter,
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = str(request.state.request_id)
            hide = not self.settings.field_suggestions
            response["errors"] = [format_error(e, request_id, hide_suggestions=hide) for e in result.errors]
        note_outcome(outcome_of(response.get("errors")))
        if result.extensions:
            response["extensions"] = result.extensions
        return response

    def encode_json(self, data: object) -> str:
        """orjson, several times faster than json.dumps on large answers (bench/RESULTS.md); text,
        as websocket protocols send it."""
        return orjson.dumps(data).decode()

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """The JSON response; a throttled request also gets `Retry-After` in whole seconds."""
        response = super().create_response(response_data, sub_response)
        for result in response_data if isinstance(response_data, list) else [response_data]:
            errors = cast("list[dict[str, Any]]", result.get("errors") or [])
            for error in errors:
                wait = (error.get("extensions") or {}).get("retryAfterSeconds")
                if isinstance(wait, int | float):
                    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
