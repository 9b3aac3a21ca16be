"""The job that delivers one webhook (SPEC section 12), by the Standard Webhooks spec.

Every attempt sends the same bytes under the same `webhook-id` (the event's id), signed afresh
with its own `webhook-timestamp`, so a receiver that saw an attempt whose answer was lost can tell
the repeat. A 2xx answer succeeds; any other answer (redirects are not followed), a timeout or a
connection error is retried on RETRY_SCHEDULE_SECONDS (about a day), then the delivery is FAILED.
The host is resolved and checked before every attempt, and the request goes to the address that
was checked (with the URL's Host header, and its name for TLS's SNI and certificate check), so a
name re-pointed at a private address after the check is never connected to.
"""

import asyncio
import contextlib
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks import Webhook

from invoice_graph import __version__
from invoice_graph.db.queries.webhook_deliveries import (
    DeliveryToSend,
    get_delivery_to_send,
    record_delivery_attempt,
)
from invoice_graph.domain.events import RETRY_SCHEDULE_SECONDS, DeliveryStatus
from invoice_graph.http import metrics
from invoice_graph.jobs.runner import JobContext, PermanentJobError, RetryJobError, error_summary
from invoice_graph.webhooks.secrets import SealedSecretError, unseal
from invoice_graph.webhooks.urls import (
    Target,
    UnsafeUrlError,
    check_url,
    pinned_url,
    resolve_public,
    target_of,
)

logger = logging.getLogger(__name__)

USER_AGENT = f"invoice_graph-webhooks/{__version__}"
# Each retry waits its scheduled delay give or take this share, so deliveries that failed
# together (an endpoint's outage) do not all come back at the same second.
JITTER = 0.1
_rng = random.Random()  # noqa: S311 (jitter, not a secret)


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one attempt went: succeeded, failed or refused; the answer's status; what went wrong."""

    outcome: str
    response_status: int | None = None
    error: str | None = None


def webhook_body(delivery: DeliveryToSend) -> bytes:
    """The JSON body `{type, timestamp, data}`, written deterministically: each attempt sends these bytes."""
    timestamp = delivery.event_created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    body = {"type": delivery.event_type, "timestamp": timestamp, "data": delivery.event_data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signed_headers(secret: str, message_id: str, body: bytes, now: float) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt at Unix time `now`, with its content type and agent."""
    moment = datetime.fromtimestamp(int(now), UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now)),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body.decode("utf-8")),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def retry_delay(attempt: int) -> float | None:
    """How long to wait after failed attempt `attempt` (1, 2, ...), jittered; None after the last."""
    if attempt > len(RETRY_SCHEDULE_SECONDS):
        return None
    return RETRY_SCHEDULE_SECONDS[attempt - 1] * _rng.uniform(1 - JITTER, 1 + JITTER)


async def post_webhook(
    url: str, headers: dict[str, str], body: bytes, *, allow_private: bool, timeout_seconds: float
) -> Attempt:
    """POST once to `url`, at an address checked just now; never raises for what the far end does."""
    if (problem := check_url(url, allow_private=allow_private)) is not None:
        return Attempt("refused", error=problem)
    target = target_of(url)
    try:
        async with asyncio.timeout(timeout_seconds):  # the whole attempt, the lookup included
            addresses = await resolve_public(target.host, target.port, allow_private=allow_private)
            status = await _post_to_first(url, target, addresses, headers, body, timeout_seconds)
    except UnsafeUrlError as error:
        return Attempt("refused", error=str(error))
    except (TimeoutError, httpx.TimeoutException):
        return Attempt("failed", error=f"no answer within {timeout_seconds:g} s")
    except (OSError, httpx.HTTPError) as error:
        return Attempt("failed", error=error_summary(error))
    return _judged(status)


def _judged(status: int) -> Attempt:
    """An answer's status as an attempt's outcome: only 2xx succeeds (a redirect is not followed)."""
    if 200 <= status < 300:
        return Attempt("succeeded", status)
    if 300 <= status < 400:
        return Attempt(
            "failed", status, f"answered {status}, a redirect, which is not followed; use its target"
        )
    return Attempt("failed", status, f"answered {status}; a 2xx answer is needed")


async def _post_to_first(
    url: str,
    target: Target,
    addresses: list[str],
    headers: dict[str, str],
    body: bytes,
    timeout_seconds: float,
) -> int:
    """POST to the first checked address that takes the connection; the answer's status."""
    # trust_env=False: a proxy from the environment would look the name up again, unchecked.
    async with httpx.AsyncClient(follow_redirects=False, timeout=timeout_seconds, trust_env=False) as client:
        for address in addresses[:-1]:
            with contextlib.suppress(httpx.ConnectError):
                return await _post_to(client, url, target, address, headers, body)
        return await _post_to(client, url, target, addresses[-1], headers, body)


async def _post_to(
    client: httpx.AsyncClient, url: str, target: Target, address: str, headers: dict[str, str], body: bytes
) -> int:
    """POST to one address, with the URL's Host header and TLS name; the answer's status (body unread)."""
    pinned = address != target.host
    request = client.build_request(
        "POST",
        pinned_url(url, address) if pinned else url,
        content=body,
        headers={**headers, "host": target.host_header},
        extensions={"sni_hostname": target.host} if pinned and target.scheme == "https" else {},
    )
    response = await client.send(request, stream=True)
    await response.aclose()
    return response.status_code


def _why_not_sent(delivery: DeliveryToSend | None) -> str | None:
    """Why a delivery is left alone, or None when it is to be sent."""
    if delivery is None:
        return "it is gone (its endpoint was deleted)"
    if not delivery.enabled:
        return "its endpoint is disabled"
    if delivery.status != DeliveryStatus.PENDING:
        return f"it is {delivery.status} already"
    return None


async def deliver_webhook(context: JobContext, payload: dict[str, Any]) -> None:
    """Make one attempt at a delivery, and record it on the delivery.

    A delivery that is gone (its endpoint was deleted), already SUCCEEDED or FAILED, or whose
    endpoint is disabled, is left alone. The schedule counts this job's attempts, so a delivery
    queued again (`redeliverWebhookDelivery`) gets the whole schedule again.

    Raises:
        RetryJobError: the attempt failed; the next is due after its scheduled delay.
        PermanentJobError: the last attempt failed, or the signing secret does not open.
    """
    delivery_id = int(payload["delivery_id"])
    async with context.database.read() as connection:
        delivery = await get_delivery_to_send(connection=connection, delivery_id=delivery_id)
    fields: dict[str, Any] = {"delivery_id": delivery_id, "job_attempt": context.attempt}
    if (why := _why_not_sent(delivery)) is not None or delivery is None:  # (the second test is mypy's)
        logger.info("webhook delivery %d not sent: %s", delivery_id, why, extra={"fields": fields})
        return
    fields |= {
        "event_id": delivery.event_key,
        "endpoint_id": delivery.endpoint_id,
        "attempt": delivery.attempts + 1,
    }
    try:
        secret = unseal(context.settings.secret_box_key(), delivery.secret_encrypted)
    except SealedSecretError as error:
        await _record(context, delivery, Attempt("failed", error=str(error)), None, fields)
        raise PermanentJobError(str(error)) from error
    body = webhook_body(delivery)
    attempt = await post_webhook(
        delivery.url,
        signed_headers(secret, delivery.event_key, body, time.time()),
        body,
        allow_private=context.settings.webhook_allow_private_urls,
        timeout_seconds=context.settings.webhook_timeout_seconds,
    )
    if attempt.outcome == "succeeded":
        await _record(context, delivery, attempt, None, fields)
        return
    delay = None if context.is_last_attempt else retry_delay(context.attempt)
    await _record(context, delivery, attempt, delay, fields)
    if delay is None:
        raise PermanentJobError(f"webhook delivery {delivery_id} failed for good: {attempt.error}")
    raise RetryJobError(f"webhook delivery {delivery_id}: {attempt.error}", delay_seconds=delay)


async def _record(
    context: JobContext,
    delivery: DeliveryToSend,
    attempt: Attempt,
    delay: float | None,
    fields: dict[str, Any],
) -> None:
    """Count the attempt on the delivery, in the metrics and in the log."""
    if attempt.outcome == "succeeded":
        status = DeliveryStatus.SUCCEEDED
    else:
        status = DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING
    async with context.database.transaction() as connection:
        await record_delivery_attempt(
            connection=connection,
            delivery_id=delivery.id,
            status=status,
            response_status=attempt.response_status,
            error=attempt.error,
            retry_in_seconds=delay,
        )
    metrics.record_webhook_attempt(attempt.outcome)
    fields = {
        **fields,
        "outcome": attempt.outcome,
        "status_code": attempt.response_status,
        "delivery_status": status.value,
        **({"error": attempt.error} if attempt.error else {}),
        **({"retry_in_seconds": round(delay, 3)} if delay is not None else {}),
    }
    logger.log(
        logging.INFO if status is DeliveryStatus.SUCCEEDED else logging.WARNING,
        "webhook delivery %d of event %s attempt %d: %s%s",
        delivery.id,
        delivery.event_key,
        fields["attempt"],
        attempt.outcome,
        f" ({attempt.error})" if attempt.error else "",
        extra={"fields": fields},
    )
