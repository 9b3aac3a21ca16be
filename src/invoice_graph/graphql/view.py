"""The HTTP endpoint: builds each request's context and gives every error a code."""

import logging
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import NOBODY
from invoice_graph.graphql.context import Context
from invoice_graph.graphql.errors import BadUserInputError, ErrorCode, ForbiddenError
from invoice_graph.graphql.loaders import Loaders

logger = logging.getLogger("invoice_graph.graphql")

# graphql-core reports bad argument and variable values with these words.
_BAD_VALUE_MARKERS = ("Variable '$", "Expected value of type", "cannot represent")


def error_code(error: GraphQLError) -> ErrorCode:
    """The code a client sees for an error."""
    original = error.original_error
    if isinstance(original, BadUserInputError):
        return ErrorCode.BAD_USER_INPUT
    if isinstance(original, ForbiddenError):
        return ErrorCode.FORBIDDEN
    if original is not None and not isinstance(original, GraphQLError):
        return ErrorCode.INTERNAL_SERVER_ERROR
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if any(marker in error.message for marker in _BAD_VALUE_MARKERS):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    """The error as sent; unexpected errors are masked and logged with the request id."""
    code = error_code(error)
    formatted: dict[str, Any] = dict(error.formatted)
    if code is ErrorCode.INTERNAL_SERVER_ERROR:
        logger.error("request %s failed", request_id, exc_info=error.original_error)
        formatted["message"] = f"Internal server error; quote request id {request_id} to support"
    formatted["extensions"] = {**formatted.get("extensions", {}), "code": code.value, "requestId": request_id}
    return formatted


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with the project's context and error codes."""

    def __init__(self, schema: BaseSchema, *, settings: Settings, database: Database) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.graphiql else None)
        self.settings = settings
        self.database = database

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            request=request,
            database=self.database,
            settings=self.settings,
            viewer=getattr(request.state, "viewer", NOBODY),
            loaders=Loaders(self.database),
        )

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = str(request.state.request_id)
            response["errors"] = [format_error(error, request_id) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response
