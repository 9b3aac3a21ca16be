"""createWebhookEndpoint, deleteWebhookEndpoint and redeliverWebhookDelivery."""

import strawberry

from invoice_graph.domain.errors import DomainError, InvalidInputError
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.exports.types import ExportJobPayload, start_export_field
from invoice_graph.graphql.ids import decode_id
from invoice_graph.graphql.invoice_titles.types import DeletePayload
from invoice_graph.graphql.payloads import payload_of
from invoice_graph.graphql.user_errors import user_errors
from invoice_graph.graphql.webhooks.types import (
    CreateWebhookEndpointInput,
    CreateWebhookEndpointPayload,
    WebhookDelivery,
    WebhookDeliveryPayload,
    WebhookEndpoint,
)
from invoice_graph.services import webhook_endpoints


@strawberry.type(description="Mutations of what a viewer owns: its webhook endpoints and its exports.")
class WebhookMutations:
    @strawberry.mutation(
        description="Makes a webhook endpoint for the viewer (at most 10): it receives the chosen events "
        "of the accounts the viewer may see. The signing secret is in the payload, this once."
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        context = info.context
        try:
            created = await webhook_endpoints.create_endpoint(
                context.database, context.settings, viewer=context.viewer, url=input.url, events=input.events
            )
        except (DomainError, InvalidInputError) as error:
            return CreateWebhookEndpointPayload(
                webhook_endpoint=None, secret=None, user_errors=user_errors(error)
            )
        return CreateWebhookEndpointPayload(
            webhook_endpoint=WebhookEndpoint.from_record(created.endpoint),
            secret=created.secret,
            user_errors=[],
        )

    @strawberry.mutation(description="Deletes one of the viewer's webhook endpoints and its delivery log.")
    async def delete_webhook_endpoint(self, info: Info, id: strawberry.ID) -> DeletePayload:
        row_id = decode_id(id, expected="WebhookEndpoint").row_id
        deleting = webhook_endpoints.delete_endpoint(
            info.context.database, viewer=info.context.viewer, endpoint_id=row_id
        )
        return await payload_of(DeletePayload, "deleted_id", lambda _: id, deleting)

    start_export: ExportJobPayload = strawberry.mutation(
        resolver=start_export_field,
        description="Queues a CSV of the applications or statements the viewer may see (at most 3 "
        "queued or running per viewer); its link is on the export once it SUCCEEDED, and EXPORT_FINISHED "
        "goes to the viewer's webhooks.",
    )

    @strawberry.mutation(description="Sends a delivery again, with the same webhook-id, whatever its status.")
    async def redeliver_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDeliveryPayload:
        row_id = decode_id(id, expected="WebhookDelivery").row_id
        queuing = webhook_endpoints.redeliver(
            info.context.database, viewer=info.context.viewer, delivery_id=row_id
        )
        return await payload_of(
            WebhookDeliveryPayload, "webhook_delivery", WebhookDelivery.from_record, queuing
        )
