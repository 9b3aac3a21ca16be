"""Logs never hold full taxpayer IDs, bank accounts, phone numbers or tokens."""

import logging

import pytest

from invoice_graph.logs import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        ("token igt_abcDEF-_123xyz used", "igt_abcDEF-_123xyz", "igt_[REDACTED]"),
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi", "Bearer [REDACTED]"),
        ("taxpayerId=91350100M000100Y43", "91350100M000100Y43", "****0Y43"),
        ("bankAccount: 6222 0212 3456 7890 123", "6222 0212 3456 7890 123", "****0123"),
        ("bank 6222021234567890123", "6222021234567890123", "****0123"),
        ("phone 13812345678", "13812345678", "****5678"),
        ("tel +86 138-1234-5678".replace("-", ""), "1381234 5678".replace(" ", ""), "****5678"),
        ("office 010-12345678-123", "010-12345678", "****8123"),
    ],
)
def test_redact_masks_secrets_and_keeps_a_short_tail(text: str, secret: str, kept: str) -> None:
    redacted = redact(text)
    assert secret not in redacted
    assert kept in redacted


def test_redact_leaves_ordinary_values_alone() -> None:
    text = "request 3f2a9b8c1d0e4f5a6b7c8d9e0f1a2b3c amount 12345.67 month 2024-01-15 account A-1"
    assert redact(text) == text


def test_the_filter_redacts_messages_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redaction")
    caplog.handler.addFilter(RedactingFilter())
    try:
        raise ValueError("bad title 91350100M000100Y43")
    except ValueError:
        logger.exception("token %s failed for phone %s", "igt_secretvalue", "13812345678")
    record = caplog.records[-1]
    shown = caplog.handler.format(record)
    for secret in ("igt_secretvalue", "13812345678", "91350100M000100Y43"):
        assert secret not in shown
