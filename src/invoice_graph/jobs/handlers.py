"""Every job kind's handler, registered here by kind; the runners run nothing else.

A handler is `async def handle(context: JobContext, payload: dict[str, Any]) -> None`. It may run
more than once for one job (at least once: a worker may die after the work but before recording
it), so it must be safe to repeat. Raising retries it with backoff (`RetryJobError`: after the
delay it names); raising `PermanentJobError` fails it for good. A job of a kind that has no handler
here fails at once.
"""

from invoice_graph.db.queries.events import WEBHOOK_DELIVERY_JOB
from invoice_graph.jobs.exports import EXPORT_JOB, run_export
from invoice_graph.jobs.invoice_email import send_invoice_email
from invoice_graph.jobs.runner import Handler
from invoice_graph.jobs.webhook_delivery import deliver_webhook
from invoice_graph.services.invoice_documents import INVOICE_EMAIL_JOB

HANDLERS: dict[str, Handler] = {
    INVOICE_EMAIL_JOB: send_invoice_email,
    WEBHOOK_DELIVERY_JOB: deliver_webhook,
    EXPORT_JOB: run_export,
}
