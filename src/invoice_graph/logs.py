"""Redaction of personal data and secrets before anything reaches a log (SPEC section 8).

`redact` masks access tokens, taxpayer IDs (unified social credit codes), bank accounts and phone
numbers in any text; `RedactingFilter` applies it to every record a logging handler emits.
"""

import logging
import re
from collections.abc import Callable

MASK = "****"
# Tokens: ours (igt_ + url-safe base64) and any bearer credential in a header dump.
_TOKEN = re.compile(r"\bigt_[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9_\-.~+/=]+")
# GB 32100-2015: 18 digits and capital letters except I, O, S, V and Z.
_TAXPAYER_ID = re.compile(r"(?<![A-Za-z0-9])[0-9A-HJ-NPQRTUWXY]{18}(?![A-Za-z0-9])")
# Mainland mobiles (optionally +86) and landlines with an area code.
_PHONE = re.compile(r"(?<![\w+])(?:\+?86[ -]?)?(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8}(?:-\d{1,6})?)(?!\w)", re.ASCII)
# Bank accounts: 10 to 30 digits, possibly grouped with spaces or dashes.
_BANK_ACCOUNT = re.compile(r"(?<![\w-])\d(?:[ -]?\d){9,29}(?![\w-])", re.ASCII)


def _keep_tail(match: re.Match[str]) -> str:
    digits = re.sub(r"[^0-9A-Z]", "", match.group(0))
    return MASK + digits[-4:]


_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_TOKEN, "igt_[REDACTED]"),
    (_BEARER, r"\1[REDACTED]"),
    (_TAXPAYER_ID, _keep_tail),
    (_PHONE, _keep_tail),
    (_BANK_ACCOUNT, _keep_tail),
)


def redact(text: str) -> str:
    """Mask secrets and personal data in a piece of text meant for a log.

    Tokens are replaced entirely; taxpayer IDs, phone numbers and bank accounts keep their last
    four characters so an operator can still tell records apart.

    Args:
        text: any log message, header dump or serialised payload.

    Returns:
        The text with every match masked, e.g. "igt_[REDACTED]" or "****5678".
    """
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter that redacts each record's rendered message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redact it and drop the arguments; never drops a record."""
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Add a `RedactingFilter` to every handler of a logger (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(existing, RedactingFilter) for existing in handler.filters):
            handler.addFilter(RedactingFilter())
