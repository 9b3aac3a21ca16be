"""Refuses request bodies over the configured size with 413, before anything parses them."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.errors import error_response
from invoice_graph.http.middleware import HttpMiddleware


class BodyTooLargeError(Exception):
    """The body grew past the limit while it was being read."""


class BodySizeLimit(HttpMiddleware):
    """An ASGI wrapper answering 413 to bodies over `max_bytes` (declared or actually sent)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 413 with the request id (BearerAuth or ObserveRequests put it in the scope)."""
        response = error_response(
            RequestErrorCode.PAYLOAD_TOO_LARGE,
            f"The request body is over {self.max_bytes} bytes: send less",
            request_id=scope.get("state", {}).get("request_id"),
        )
        await response(scope, receive, send)
