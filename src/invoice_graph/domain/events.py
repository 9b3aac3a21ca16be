"""Events out (SPEC sections 12 and 13): what happened, sent to webhooks and subscribers.

An event is written in the transaction of the change that causes it (a transactional outbox), with
one delivery per webhook endpoint that chose its type and whose owner may see its account.
"""

import enum


class EventType(enum.StrEnum):
    """What an event tells."""

    INVOICE_APPLICATION_SUBMITTED = "INVOICE_APPLICATION_SUBMITTED"
    INVOICE_APPLICATION_STATUS_CHANGED = "INVOICE_APPLICATION_STATUS_CHANGED"
    INVOICE_DOCUMENTS_ISSUED = "INVOICE_DOCUMENTS_ISSUED"
    STATEMENTS_GENERATED = "STATEMENTS_GENERATED"
    EXPORT_FINISHED = "EXPORT_FINISHED"


class DeliveryStatus(enum.StrEnum):
    """Where a webhook delivery stands."""

    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class ExportKind(enum.StrEnum):
    """What an export lists, one row each."""

    INVOICE_APPLICATIONS = "INVOICE_APPLICATIONS"
    STATEMENTS = "STATEMENTS"


class ExportStatus(enum.StrEnum):
    """Where an export stands."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


# At most this many endpoints per owner, and exports queued or running per viewer (SPEC 12, 13).
MAX_ENDPOINTS_PER_OWNER = 10
MAX_ACTIVE_EXPORTS = 3
# A delivery's retries after its first attempt, in seconds: about a day in all, then FAILED.
RETRY_SCHEDULE_SECONDS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
