"""Webhook endpoints (SPEC section 12): made, listed and deleted by their owner, any role; and
the redelivery of one delivery."""

from collections.abc import Sequence
from dataclasses import dataclass

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import webhook_endpoints as queries
from invoice_graph.db.queries.events import WEBHOOK_DELIVERY_ATTEMPTS, WEBHOOK_DELIVERY_JOB
from invoice_graph.db.queries.jobs import enqueue_job
from invoice_graph.db.queries.scopes import lock_owner
from invoice_graph.db.tables import webhook_endpoints
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.events import MAX_ENDPOINTS_PER_OWNER, EventType
from invoice_graph.domain.records import DeliveryLogRecord, EndpointRecord
from invoice_graph.domain.viewer import Viewer
from invoice_graph.webhooks.secrets import new_secret, seal
from invoice_graph.webhooks.urls import check_url_resolves


@dataclass(frozen=True, slots=True)
class CreatedEndpoint:
    """A new endpoint and its signing secret, which is shown this once."""

    endpoint: EndpointRecord
    secret: str


def _events_problems(events: Sequence[EventType]) -> list[DomainError]:
    if not events:
        message = "Choose at least one event type to receive."
        return [DomainError(ErrorCode.INVALID, message, ["input", "events"])]
    if len(set(events)) != len(events):
        message = "An event type is listed twice; list each once."
        return [DomainError(ErrorCode.INVALID, message, ["input", "events"])]
    return []


async def create_endpoint(
    database: Database, settings: Settings, *, viewer: Viewer, url: str, events: Sequence[EventType]
) -> CreatedEndpoint:
    """Save an endpoint for the viewer's scope, with a new signing secret.

    Raises:
        InvalidInputError: INVALID_URL for a URL that is not https or reaches a private, loopback
            or link-local address (unless WEBHOOK_ALLOW_PRIVATE_URLS); INVALID for no or repeated
            event types; LIMIT_REACHED past MAX_ENDPOINTS_PER_OWNER endpoints.
    """
    url = url.strip()
    problems = _events_problems(events)
    url_problem = await check_url_resolves(url, allow_private=settings.webhook_allow_private_urls)
    if url_problem is not None:
        problems.insert(0, DomainError(ErrorCode.INVALID_URL, url_problem, ["input", "url"]))
    if problems:
        raise InvalidInputError(problems)
    secret = new_secret()
    async with database.transaction() as connection:
        await lock_owner(connection=connection, table=webhook_endpoints, viewer=viewer)
        if await queries.count_endpoints(connection=connection, viewer=viewer) >= MAX_ENDPOINTS_PER_OWNER:
            message = (
                f"You have {MAX_ENDPOINTS_PER_OWNER} webhook endpoints, the most there may be; "
                "delete one first."
            )
            raise DomainError(ErrorCode.LIMIT_REACHED, message)
        endpoint = await queries.insert_endpoint(
            connection=connection,
            viewer=viewer,
            url=url,
            events=[event.value for event in events],
            secret_encrypted=seal(settings.secret_box_key(), secret),
        )
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def _not_found(what: str) -> DomainError:
    return DomainError(
        ErrorCode.NOT_FOUND, f"No such {what}; use an ID from your own webhook endpoints.", ["id"]
    )


async def delete_endpoint(database: Database, *, viewer: Viewer, endpoint_id: int) -> int:
    """Delete one of the viewer's scope's endpoints and its deliveries; returns its id.

    Raises:
        DomainError: NOT_FOUND when it is not one of the scope's.
    """
    async with database.transaction() as connection:
        if not await queries.delete_endpoint(connection=connection, viewer=viewer, endpoint_id=endpoint_id):
            raise _not_found("webhook endpoint")
    return endpoint_id


async def redeliver(database: Database, *, viewer: Viewer, delivery_id: int) -> DeliveryLogRecord:
    """Queue a delivery again, with the same event id (the webhook-id header); attempts go on counting.

    Raises:
        DomainError: NOT_FOUND when it is not a delivery to one of the scope's endpoints.
    """
    async with database.transaction() as connection:
        found = await queries.get_owned_delivery(
            connection=connection, viewer=viewer, delivery_id=delivery_id, lock=True
        )
        if found is None:
            raise _not_found("webhook delivery")
        await queries.queue_again(connection=connection, delivery_id=delivery_id)
        # A delivery still waiting for a retry keeps its one job, made due now; otherwise a second
        # schedule of retries would run beside the first.
        if not await queries.hasten_queued_job(connection=connection, delivery_id=delivery_id):
            await enqueue_job(
                connection=connection,
                kind=WEBHOOK_DELIVERY_JOB,
                payload={"delivery_id": delivery_id},
                max_attempts=WEBHOOK_DELIVERY_ATTEMPTS,
            )
        updated = await queries.get_owned_delivery(
            connection=connection, viewer=viewer, delivery_id=delivery_id
        )
    assert updated is not None  # noqa: S101 (locked above, in this transaction)
    return updated
