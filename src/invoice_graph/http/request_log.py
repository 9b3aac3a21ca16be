"""One log line and one metrics sample per GraphQL request, and 503 when the database is down.

`ObserveRequests` wraps /graphql. It gives each request an id (the client's X-Request-Id when it
is sane) and a `RequestRecord` in a context variable, which the view fills with the operation
name and outcome and an engine listener with the number of SQL statements. The answer goes out
with the status `status.status_of` gives its outcome (503 when the database was unavailable).
"""

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http import metrics
from invoice_graph.http.errors import error_response
from invoice_graph.http.middleware import HttpMiddleware
from invoice_graph.http.status import code_of_status, status_of
from invoice_graph.services import is_database_unavailable

logger = logging.getLogger("invoice_graph.requests")

UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again in a few seconds"
DEADLINE_MESSAGE = (
    "The request could not be answered in time (the database is slow or unreachable); try again"
)
RETRY_AFTER_SECONDS = 5
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A cheap look at the document's start for `query Name`, without parsing it a second time.
_COMMENTS = re.compile(r"#[^\n]*")
_FIRST_OPERATION = re.compile(r"\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
_NAME_SCAN_CHARS = 2000


@dataclass(slots=True)
class RequestRecord:
    """What is known about the request being answered."""

    request_id: str
    operation: str | None = None
    outcome: str | None = None
    sql_statements: int = 0
    # Answered 503 at the deadline: whatever the cancelled work still sends is dropped.
    late: bool = False


_current: ContextVar[RequestRecord | None] = ContextVar("invoice_graph_request", default=None)


def current_request() -> RequestRecord | None:
    """The record of the request this code runs for, if any."""
    return _current.get()


def note_operation(name: str | None) -> None:
    """Record the GraphQL operation name of the current request ("" for an anonymous operation)."""
    if (record := _current.get()) is not None:
        record.operation = name or ""


def note_outcome(outcome: str) -> None:
    """Record how the current request ended: "ok" or the first error's code."""
    if (record := _current.get()) is not None:
        record.outcome = outcome


def operation_name(query: str | None, given: str | None) -> str | None:
    """The operation's name: the one the client gave, else the document's first operation's."""
    if given or not query:
        return given
    match = _FIRST_OPERATION.match(_COMMENTS.sub("", query[:_NAME_SCAN_CHARS]))
    return match.group(1) if match else None


def outcome_of(errors: Sequence[object] | None) -> str:
    """A response's outcome: "ok", SERVICE_UNAVAILABLE when any error says so, else the first code."""
    if not errors:
        return "ok"
    codes = [_code(error) for error in errors]
    unavailable = RequestErrorCode.SERVICE_UNAVAILABLE.value
    return unavailable if unavailable in codes else codes[0]


def _code(error: object) -> str:
    """The `extensions.code` of a formatted error."""
    extensions = error.get("extensions") if isinstance(error, dict) else None
    return str(extensions.get("code", "ERROR")) if isinstance(extensions, dict) else "ERROR"


def _count_statement(*_: Any) -> None:
    """Engine listener: one more SQL statement for the current request."""
    if (record := _current.get()) is not None:
        record.sql_statements += 1


def count_statements(engine: AsyncEngine) -> None:
    """Count every SQL statement the engine runs into the current request's record (once per engine)."""
    sync_engine = engine.sync_engine
    if not event.contains(sync_engine, "before_cursor_execute", _count_statement):
        event.listen(sync_engine, "before_cursor_execute", _count_statement)


def _request_id(scope: Scope) -> str:
    """The client's X-Request-Id when it is short and plain, else a new random id."""
    for key, value in scope.get("headers", []):
        if key == b"x-request-id":
            given = str(value.decode("latin-1"))
            if _CLIENT_REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class ObserveRequests(HttpMiddleware):
    """ASGI middleware: request id, timing, SQL count, metrics, a log line, 503 on database outage
    or when the request's deadline passes."""

    def __init__(self, app: ASGIApp, *, deadline_seconds: float | None = None) -> None:
        super().__init__(app)
        self.deadline_seconds = deadline_seconds

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        record = RequestRecord(request_id=_request_id(scope))
        state["request_id"] = record.request_id
        token = _current.set(record)
        started = time.perf_counter()
        status = 500
        answered = False

        async def send_observed(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                answered = True
                status = status_of(record.outcome, sent=message["status"])
                headers = [*message.get("headers", []), (b"x-request-id", record.request_id.encode())]
                if record.outcome == RequestErrorCode.SERVICE_UNAVAILABLE:
                    headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
                message = {**message, "status": status, "headers": headers}
            await send(message)

        async def send_from_work(message: Message) -> None:
            if not record.late:  # once the deadline's 503 is being sent, the late answer is dropped
                await send_observed(message)

        try:
            await self._answer_by_deadline(
                scope, receive, send_from_work, send_observed, record, started=lambda: answered
            )
        except Exception as error:
            if answered or not is_database_unavailable(error):
                raise
            # Failed before the view answered (e.g. authenticating the token): answer it here.
            record.outcome = RequestErrorCode.SERVICE_UNAVAILABLE.value
            await _send_unavailable(scope, send_observed, record.request_id, UNAVAILABLE_MESSAGE)
        finally:
            _current.reset(token)
            _finish(scope, record, status, time.perf_counter() - started)

    async def _answer_by_deadline(
        self,
        scope: Scope,
        receive: Receive,
        send_from_work: Send,
        send: Send,
        record: RequestRecord,
        *,
        started: Callable[[], bool],
    ) -> None:
        """Run the request; past the deadline answer 503 at once and cancel the work behind it.

        The cancelled work may take a little longer to end: SQLAlchemy gives a connection stuck on
        a hung server two seconds to close before it discards it. That happens after the answer,
        in the background, so the deadline holds to the moment.
        """
        work = asyncio.ensure_future(self.app(scope, receive, send_from_work))
        try:
            await asyncio.wait_for(asyncio.shield(work), self.deadline_seconds)
        except TimeoutError:
            if work.done():  # the timeout was the work's own
                raise
            _cancel(work)
            record.late = True
            logger.warning("request %s: no answer within its deadline", record.request_id)
            if started():  # half an answer is out: nothing clean can follow; the server closes it
                raise
            record.outcome = RequestErrorCode.SERVICE_UNAVAILABLE.value
            await _send_unavailable(scope, send, record.request_id, DEADLINE_MESSAGE)
        except asyncio.CancelledError:  # the client went away or the server is stopping
            _cancel(work)
            raise


def _cancel(work: "asyncio.Future[None]") -> None:
    """Cancel a request's work and keep it referenced until it has wound down."""
    work.cancel()
    _cancelled_work.add(work)
    work.add_done_callback(_forget)


# Requests cancelled at their deadline, kept referenced until they have wound down.
_cancelled_work: set["asyncio.Future[None]"] = set()


def _forget(work: "asyncio.Future[None]") -> None:
    """Drop a cancelled request once it has ended, consuming its error so none is reported."""
    _cancelled_work.discard(work)
    if not work.cancelled() and work.exception() is not None:
        logger.warning("a cancelled request ended with %r", work.exception())


def _outcome_of_status(status: int) -> str:
    """The outcome of an answer nothing noted one for (e.g. BearerAuth's 401): its refusal's code."""
    if (code := code_of_status(status)) is not None:
        return code.value
    return "ok" if status < 400 else f"HTTP_{status}"


def _finish(scope: Scope, record: RequestRecord, status: int, seconds: float) -> None:
    """Count the request and write its log line."""
    outcome = record.outcome or _outcome_of_status(status)
    metrics.observe_request(record.operation, outcome, seconds)
    viewer = scope.get("state", {}).get("viewer")
    logger.info(
        "%s %s %s",
        scope["method"],
        scope["path"],
        status,
        extra={
            "fields": {
                "request_id": record.request_id,
                "operation": record.operation,
                "outcome": outcome,
                "status": status,
                "role": viewer.role.value if viewer is not None else None,
                "duration_ms": round(seconds * 1000, 1),
                "sql_statements": record.sql_statements,
            }
        },
    )


async def _send_unavailable(scope: Scope, send: Send, request_id: str, message: str) -> None:
    """A GraphQL-shaped 503 answer (`send_observed` adds Retry-After)."""
    response = error_response(RequestErrorCode.SERVICE_UNAVAILABLE, message, request_id=request_id)
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    """A response sent from middleware reads nothing more of the request."""
    return {"type": "http.disconnect"}
