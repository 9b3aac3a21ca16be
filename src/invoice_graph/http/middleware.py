"""The base of the project's ASGI middleware: HTTP requests are handled, anything else passes."""

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    """Wraps an ASGI app; `handle` sees HTTP requests, lifespan and WebSocket scopes pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.handle(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer an HTTP request, usually by calling `self.app`."""
        raise NotImplementedError
