"""One log line and one metrics sample per GraphQL request, and 503 when the database is down.

`ObserveRequests` wraps /graphql. It gives each request an id (the client's X-Request-Id when it
is sane) and a `RequestRecord` in a context variable, which the view fills with the operation
name and outcome and an engine listener with the number of SQL statements. An answer whose
outcome is SERVICE_UNAVAILABLE goes out as HTTP 503.
"""

import json
import logging
import re
import time
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoice_graph import metrics
from invoice_graph.db.availability import is_database_unavailable

logger = logging.getLogger("invoice_graph.requests")

UNAVAILABLE = "SERVICE_UNAVAILABLE"
UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again in a few seconds"
RETRY_AFTER_SECONDS = 5
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_OUTCOME_OF_STATUS = {401: "UNAUTHENTICATED", 503: UNAVAILABLE}
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
    return UNAVAILABLE if UNAVAILABLE in codes else codes[0]


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


class ObserveRequests:
    """ASGI middleware: request id, timing, SQL count, metrics, a log line, 503 on database outage."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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
                status = message["status"]
                headers = [*message.get("headers", []), (b"x-request-id", record.request_id.encode())]
                if record.outcome == UNAVAILABLE:
                    status = 503
                    headers.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
                message = {**message, "status": status, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        except Exception as error:
            if answered or not is_database_unavailable(error):
                raise
            # Failed before the view answered (e.g. authenticating the token): answer it here.
            record.outcome = UNAVAILABLE
            await _send_unavailable(send_observed, record.request_id)
        finally:
            _current.reset(token)
            _finish(scope, record, status, time.perf_counter() - started)


def _finish(scope: Scope, record: RequestRecord, status: int, seconds: float) -> None:
    """Count the request and write its log line."""
    outcome = record.outcome or _OUTCOME_OF_STATUS.get(status) or ("ok" if status < 400 else f"HTTP_{status}")
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


async def _send_unavailable(send: Send, request_id: str) -> None:
    """A GraphQL-shaped 503 answer."""
    error = {"message": UNAVAILABLE_MESSAGE, "extensions": {"code": UNAVAILABLE, "requestId": request_id}}
    body = json.dumps({"errors": [error]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
