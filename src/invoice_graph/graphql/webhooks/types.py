"""Webhook endpoints, their delivery logs, and the inputs and payloads of their mutations."""

from datetime import datetime

import strawberry

from invoice_graph.domain.events import DeliveryStatus, EventType
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.records import DeliveryLogRecord, EndpointRecord
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.pagination import Connection, Paged, connection
from invoice_graph.graphql.payloads import Payload

strawberry.enum(EventType, name="WebhookEventType", description="What an event tells.")
strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus", description="Where a delivery stands.")


@strawberry.type(description="One event's delivery to an endpoint, and how its attempts went.")
class WebhookDelivery(Node):
    event_id: str = strawberry.field(
        description="The event's id, sent as the webhook-id header; the same on every retry."
    )
    event_type: EventType = strawberry.field(description="What the event tells.")
    status: DeliveryStatus = strawberry.field(description="PENDING until a 2xx answer, or FAILED.")
    attempts: int = strawberry.field(description="How many times it was sent.")
    last_response_status: int | None = strawberry.field(
        description="HTTP status of the last attempt, if it got one."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed, if it did.")
    next_attempt_at: datetime | None = strawberry.field(description="When it is sent again, if it is.")
    created_at: datetime = strawberry.field(description="When the event happened.")
    delivered_at: datetime | None = strawberry.field(description="When the endpoint answered 2xx.")

    @classmethod
    def from_record(cls, row: DeliveryLogRecord) -> "WebhookDelivery":
        """The delivery as shown to its owner."""
        return cls(
            id=strawberry.ID(encode_id("WebhookDelivery", row.id)),
            event_id=row.event_key,
            event_type=EventType(row.event_type),
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            last_response_status=row.last_response_status,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )


@strawberry.type(
    description="An HTTPS URL that receives signed event deliveries (Standard Webhooks headers) for the "
    "accounts its owner may see."
)
class WebhookEndpoint(Node):
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    events: list[EventType] = strawberry.field(description="The event types it receives.")
    enabled: bool = strawberry.field(description="Whether it receives deliveries.")
    created_at: datetime = strawberry.field(description="When it was made.")
    row_id: strawberry.Private[int]

    @classmethod
    def from_record(cls, row: EndpointRecord) -> "WebhookEndpoint":
        """The endpoint as shown to its owner (never its secret)."""
        return cls(
            id=strawberry.ID(encode_id("WebhookEndpoint", row.id)),
            url=row.url,
            events=[EventType(event) for event in row.events],
            enabled=row.enabled,
            created_at=row.created_at,
            row_id=row.id,
        )

    @strawberry.field(
        description="Deliveries to this endpoint, newest first.", extensions=[Paged("delivery")]
    )
    async def deliveries(self, info: Info, page: PageRequest) -> Connection[WebhookDelivery]:
        loaders = info.context.loaders
        rows = await loaders.delivery_pages_by_endpoint.load((self.row_id, page))
        return connection(
            "delivery",
            rows,
            WebhookDelivery.from_record,
            lambda: loaders.delivery_counts_by_endpoint.load(self.row_id),
        )


@strawberry.input(description="A webhook endpoint to make for the viewer.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="An https URL that does not resolve to a private, loopback or link-local address."
    )
    events: list[EventType] = strawberry.field(description="The event types to receive.")


@strawberry.type(description="The result of createWebhookEndpoint.")
class CreateWebhookEndpointPayload(Payload):
    webhook_endpoint: WebhookEndpoint | None = strawberry.field(
        description="The endpoint; null when the mutation was refused."
    )
    secret: str | None = strawberry.field(description="The signing secret (whsec_...), shown only here.")


@strawberry.type(description="The result of redeliverWebhookDelivery.")
class WebhookDeliveryPayload(Payload):
    webhook_delivery: WebhookDelivery | None = strawberry.field(
        description="The delivery, queued again; null when the mutation was refused."
    )
