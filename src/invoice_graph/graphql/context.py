"""The typed context of a GraphQL request."""

from dataclasses import dataclass

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from invoice_graph.config import Settings
from invoice_graph.domain.viewer import Viewer
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.services import Database
from invoice_graph.services.rate_limits import RateLimiter


@dataclass(slots=True)
class Context:
    """What every resolver may use: the viewer, the per-request loaders and the settings."""

    request: Request | WebSocket
    database: Database
    settings: Settings
    viewer: Viewer
    loaders: Loaders
    # None when no rate limit applies (e.g. a schema executed outside the HTTP view).
    rate_limiter: RateLimiter | None = None


Info = strawberry.Info[Context, None]
