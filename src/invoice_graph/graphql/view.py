"""The /graphql endpoint: builds each request's context and gives every error a code.

Over HTTP, BearerAuth (http/auth.py) has put the viewer in the scope. Over websockets
(graphql-transport-ws only, for subscriptions) no middleware sees the token: the connection
carries it in `connection_init`'s payload, checked here by `on_ws_connect` exactly as BearerAuth
checks a header. Every operation of the connection then passes the same limits as a request
(graphql/limits.py: depth, aliases, cost, and the rate limit charged once per subscribe; the
events a subscription receives later are not charged, they are not the client's requests).
"""

import json
import logging
import math
import uuid
from datetime import timedelta
from typing import Any, cast

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from invoice_graph.config import Settings
from invoice_graph.domain.text import has_unstorable
from invoice_graph.domain.viewer import NOBODY
from invoice_graph.graphql.context import Context
from invoice_graph.graphql.error_format import format_error
from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.graphql.input_text import MAX_INTEGER_DIGITS
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.graphql.websocket import CodedErrorsHandler
from invoice_graph.http.auth import UNAUTHENTICATED_MESSAGE
from invoice_graph.http.errors import error_response
from invoice_graph.http.graphiql import graphiql_page
from invoice_graph.http.request_log import (
    note_operation,
    note_outcome,
    operation_name,
    outcome_of,
)
from invoice_graph.http.status import code_of_status
from invoice_graph.services import Database
from invoice_graph.services.application_feed import ApplicationFeed
from invoice_graph.services.rate_limits import RateLimiter
from invoice_graph.services.reader import Reader
from invoice_graph.services.tokens import authenticate

logger = logging.getLogger("invoice_graph.graphql")

# A request body nests objects and lists a few levels deep; variables of this schema, at most four.
MAX_JSON_DEPTH = 32
_NOT_AN_OBJECT = 'The body must be a JSON object such as {"query": "{ viewer { role } }", "variables": {}}'
_OVER_WEBSOCKETS = (
    "Subscriptions are served over websockets (graphql-transport-ws) on /graphql, not over HTTP"
)
# How long a websocket may stay open before its `connection_init` (graphql-ws' own default is 3 s).
CONNECTION_INIT_SECONDS = 10


def _parse_integer(text: str) -> int:
    """A JSON integer, refused past MAX_INTEGER_DIGITS before Python converts it."""
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"a number in the body has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _refuse_constant(name: str) -> float:
    """NaN and Infinity are not JSON."""
    raise ValueError(f"{name} is not a JSON value")


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and lists nest more than `limit` levels (walked without recursion)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def decode_request_json(data: str | bytes) -> object:
    """A request body or a `variables` parameter, decoded strictly.

    Raises:
        HTTPException: 400 for text that is not UTF-8 JSON, NaN or Infinity, integers of more than
            MAX_INTEGER_DIGITS digits, or nesting past MAX_JSON_DEPTH levels.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_int=_parse_integer, parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise HTTPException(400, "The body is not UTF-8 text: send JSON encoded as UTF-8") from error
    except RecursionError as error:
        raise HTTPException(400, f"The body nests deeper than {MAX_JSON_DEPTH} levels") from error
    except ValueError as error:  # json.JSONDecodeError included
        raise HTTPException(400, f"The body is not valid JSON ({error}); send a JSON object") from error
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise HTTPException(400, f"The body nests deeper than {MAX_JSON_DEPTH} levels")
    return value


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with the project's context and error codes."""

    graphql_transport_ws_handler_class = CodedErrorsHandler

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
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=CONNECTION_INIT_SECONDS),
            # Pages on other origins may connect as they may fetch (the token is no cookie anyway).
            allowed_origins=settings.cors_allow_origins,
        )
        self.settings = settings
        self.database = database
        self.rate_limiter = rate_limiter
        # The process's one LISTEN connection for subscriptions (create_app makes one view per process).
        self.feed = ApplicationFeed(database, connect_timeout=settings.database_connect_timeout)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with its plain-text HTTP refusals answered as GraphQL-shaped JSON."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as refusal:
            # Strawberry refuses with 400, 404 or 405; the code's status is the refusal's (status.py).
            code = code_of_status(refusal.status_code) or RequestErrorCode.BAD_REQUEST
            note_outcome(code.value)
            request_id = scope.get("state", {}).get("request_id")
            response = error_response(code, refusal.reason, request_id=request_id)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> object:
        """A JSON body (or GET `variables`), strictly: an object, or a list (a batch, refused later)."""
        value = decode_request_json(data)
        if not isinstance(value, dict | list):
            raise HTTPException(400, _NOT_AN_OBJECT)
        return value

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the package's own assets (works with no internet)."""
        return HTMLResponse(graphiql_page(request))

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Run one operation, noting its name for the request's log line and metrics."""
        data: GraphQLRequestData = kwargs["request_data"]
        if not isinstance(data.operation_name, str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null")
        if data.operation_name is not None and has_unstorable(data.operation_name):
            raise HTTPException(400, "The `operationName` holds control characters or unpaired surrogates")
        note_operation(operation_name(data.query, data.operation_name))
        method = kwargs["request_adapter"].method
        # Strawberry's own, minus subscriptions: they are served over websockets only (over HTTP
        # Strawberry would run one as a query, which cannot answer).
        allowed = OperationType.from_http(method) - {OperationType.SUBSCRIPTION}
        if not self.allow_queries_via_get and method == "GET":
            allowed -= {OperationType.QUERY}
        try:
            return await self.schema.execute(
                data.query,
                root_value=kwargs["root_value"],
                variable_values=data.variables,
                context_value=kwargs["context"],
                operation_name=data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=data.extensions,
            )
        except InvalidOperationTypeError as error:
            subscription = error.operation_type is OperationType.SUBSCRIPTION
            reason = _OVER_WEBSOCKETS if subscription else error.as_http_error_reason(method)
            raise HTTPException(400, reason) from error
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error

    def decode_json(self, data: str | bytes) -> object:
        """A websocket message, as strictly as a request body and no larger; Strawberry closes the
        connection (4400) on a refused one."""
        if len(data) > self.settings.max_request_bytes:
            raise json.JSONDecodeError(f"the message is over {self.settings.max_request_bytes} bytes", "", 0)
        try:
            return decode_request_json(data)
        except HTTPException as refusal:
            raise json.JSONDecodeError(refusal.reason, "", 0) from refusal

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        """The request's context; a websocket's is NOBODY's until `on_ws_connect` has checked its token."""
        if isinstance(request, WebSocket):  # no middleware gave it an id: one for the connection
            request.state.request_id = uuid.uuid4().hex
        viewer = getattr(request.state, "viewer", NOBODY)
        return Context(
            request=request,
            database=self.database,
            settings=self.settings,
            viewer=viewer,
            loaders=Loaders(Reader(self.database, viewer)),
            rate_limiter=self.rate_limiter,
            feed=self.feed,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Authenticate a websocket by the token in `connection_init`'s payload, as BearerAuth does.

        Raises:
            ConnectionRejectionError: for a missing, unknown, revoked or expired token (closed 4403).
        """
        token = context.connection_token()
        viewer = await authenticate(self.database, token) if token else None
        if viewer is None:
            raise ConnectionRejectionError({"message": UNAUTHENTICATED_MESSAGE})
        context.viewer = viewer
        context.loaders = Loaders(Reader(self.database, viewer))
        acknowledged: UnsetType = UNSET  # a plain connection_ack, with no payload
        return acknowledged

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
