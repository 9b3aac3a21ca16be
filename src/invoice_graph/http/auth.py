"""Bearer-token authentication in front of /graphql (SPEC section 6)."""

import uuid

from starlette.types import ASGIApp, Receive, Scope, Send

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.errors import error_response
from invoice_graph.http.middleware import HttpMiddleware
from invoice_graph.services import Database
from invoice_graph.services.tokens import authenticate

UNAUTHENTICATED_MESSAGE = (
    "Send a valid token: Authorization: Bearer <token> (see `invoice-graph tokens create`)"
)
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="invoice_graph"'}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_ide_page(scope: Scope) -> bool:
    # GraphiQL's page itself loads without a token; the queries it sends carry one.
    accept = _header(scope, b"accept") or ""
    return (
        scope["method"] == "GET" and b"query=" not in scope.get("query_string", b"") and "text/html" in accept
    )


class BearerAuth(HttpMiddleware):
    """Answers 401 to requests without a live token; puts the viewer and a request id in the scope."""

    def __init__(self, app: ASGIApp, database: Database) -> None:
        super().__init__(app)
        self.database = database

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        # ObserveRequests (request_log.py) usually assigned it already.
        state.setdefault("request_id", _header(scope, b"x-request-id") or uuid.uuid4().hex)
        if _is_ide_page(scope):
            await self.app(scope, receive, send)
            return
        authorization = _header(scope, b"authorization") or ""
        scheme, _, secret = authorization.partition(" ")
        viewer = await authenticate(self.database, secret.strip()) if scheme.lower() == "bearer" else None
        if viewer is None:
            response = error_response(
                RequestErrorCode.UNAUTHENTICATED,
                UNAUTHENTICATED_MESSAGE,
                request_id=state["request_id"],
                headers=_CHALLENGE,
            )
            await response(scope, receive, send)
            return
        state["viewer"] = viewer
        await self.app(scope, receive, send)
