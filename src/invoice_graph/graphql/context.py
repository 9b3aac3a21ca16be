"""The typed context of a GraphQL request, or of a websocket connection's operations."""

from dataclasses import dataclass
from datetime import UTC, datetime

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from invoice_graph.config import Settings
from invoice_graph.domain.links import SignedLink, document_path, sign
from invoice_graph.domain.records import DocumentRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.services import Database
from invoice_graph.services.application_feed import ApplicationFeed
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
    # What subscriptions listen to; None outside the view (no subscription can run there).
    feed: ApplicationFeed | None = None
    # A websocket's `connection_init` payload, which carries its token (Strawberry sets it).
    connection_params: dict[str, object] | None = None

    def connection_token(self) -> str | None:
        """The bearer token of `connection_init`'s payload: `{"Authorization": "Bearer <token>"}`."""
        params = self.connection_params or {}
        authorization = params.get("Authorization", params.get("authorization"))
        if not isinstance(authorization, str):
            return None
        scheme, _, secret = authorization.partition(" ")
        return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None

    def base_url(self) -> str:
        """Where links this request hands out point: PUBLIC_BASE_URL, or this request's own host
        (the HTTP twin of a subscription's websocket, which serves the files)."""
        base = self.settings.public_base_url or str(self.request.base_url)
        return "http" + base[2:] if base.startswith("ws") else base

    def download_link(self, document: DocumentRecord) -> SignedLink:
        """A signed link to an issued file, on `base_url()`."""
        return sign(
            self.settings.download_link_key(),
            base_url=self.base_url(),
            path=document_path(document.account_id, document.id, document.file_name),
            now=datetime.now(UTC),
            ttl_seconds=self.settings.download_link_ttl_seconds,
        )


Info = strawberry.Info[Context, None]
