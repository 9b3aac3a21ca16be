"""How a request's log line looks in production (JSON) and on a terminal (logging_setup.py)."""

import json
import logging

from invoice_graph.logging_setup import ConsoleFormatter, JsonFormatter


def _record(message: str, **fields: object) -> logging.LogRecord:
    record = logging.LogRecord("invoice_graph.requests", logging.INFO, __file__, 1, message, None, None)
    record.fields = fields
    return record


def test_json_lines_carry_every_field_and_no_secret() -> None:
    record = _record("POST /graphql 200", request_id="abc", note="token igt_SECRETSECRET", sql_statements=3)

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "info"
    assert entry["message"] == "POST /graphql 200"
    assert entry["request_id"] == "abc"
    assert entry["sql_statements"] == 3
    assert "SECRET" not in line


def test_console_lines_are_readable() -> None:
    record = _record("POST /graphql 200", operation="AccountList", duration_ms=12.5)

    line = ConsoleFormatter().format(record)

    assert line.endswith(
        "INFO    invoice_graph.requests: POST /graphql 200 operation=AccountList duration_ms=12.5"
    )
