"""Structured logs: one JSON object a line in production, readable lines on a terminal.

Records carry their fields in `extra={"fields": {...}}`; both formatters print them. Every message,
field value and traceback passes through `invoice_graph.logs.redact` (tokens, taxpayer IDs, bank
accounts and phones never reach a log).
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from invoice_graph.config import Settings
from invoice_graph.logs import redact

# Loggers of libraries that would otherwise print a second, unstructured line per request.
_QUIET = {
    "uvicorn.access": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
    # The readiness check asks Alembic for the schema version at every probe.
    "alembic.runtime.migration": logging.WARNING,
}


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's structured fields, with string values redacted."""
    fields: dict[str, Any] = getattr(record, "fields", None) or {}
    return {key: redact(value) if isinstance(value, str) else value for key, value in fields.items()}


def _traceback(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    if record.exc_info:
        return redact(formatter.formatException(record.exc_info))
    return redact(record.exc_text) if record.exc_text else None


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as a single line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            **_fields(record),
        }
        if (trace := _traceback(self, record)) is not None:
            entry["exception"] = trace
        return json.dumps(entry, ensure_ascii=False, default=str)


class ConsoleFormatter(logging.Formatter):
    """`HH:MM:SS level logger: message key=value ...`, for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as a readable line (and its traceback, if any, below it)."""
        clock = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        pairs = " ".join(f"{key}={value}" for key, value in _fields(record).items())
        line = f"{clock} {record.levelname:<7} {record.name}: {redact(record.getMessage())}"
        line = f"{line} {pairs}" if pairs else line
        trace = _traceback(self, record)
        return f"{line}\n{trace}" if trace else line


def configure_logging(settings: Settings) -> None:
    """Send every log record to stderr in the configured format (JSON in production by default).

    Args:
        settings: `log_format` ("json" or "console"; unset means JSON in production only) and
            `log_level`.
    """
    use_json = settings.log_format == "json" or (
        settings.log_format is None and settings.environment == "production"
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else ConsoleFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(level)
    # uvicorn's own loggers propagate to the root handler instead of printing their own format.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
