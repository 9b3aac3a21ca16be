"""Error codes the API reports, and the domain error that carries one."""

import enum
from collections.abc import Sequence


class ErrorCode(enum.StrEnum):
    """Codes of userErrors; the GraphQL enum UserErrorCode mirrors these."""

    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    LIMIT_REACHED = "LIMIT_REACHED"
    INVALID_TAXPAYER_ID = "INVALID_TAXPAYER_ID"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_POSTAL_CODE = "INVALID_POSTAL_CODE"
    INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL = "INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL"
    MISSING_VAT_SPECIAL_FIELDS = "MISSING_VAT_SPECIAL_FIELDS"
    TITLE_REQUIRED = "TITLE_REQUIRED"
    ADDRESS_REQUIRED = "ADDRESS_REQUIRED"
    NOTHING_TO_INVOICE = "NOTHING_TO_INVOICE"
    STATEMENT_NOT_GENERATED = "STATEMENT_NOT_GENERATED"
    MONTH_ALREADY_INVOICED = "MONTH_ALREADY_INVOICED"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    TERMS_NOT_ACCEPTED = "TERMS_NOT_ACCEPTED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    INVALID_STATUS_TRANSITION = "INVALID_STATUS_TRANSITION"
    UNPRINTABLE_CHARACTERS = "UNPRINTABLE_CHARACTERS"
    EMAILS_REQUIRED = "EMAILS_REQUIRED"
    INVALID_EMAIL = "INVALID_EMAIL"
    MEDIUM_NOT_OFFERED = "MEDIUM_NOT_OFFERED"
    INVALID_URL = "INVALID_URL"


class DomainError(Exception):
    """A rule refused an action; carries what the user needs to fix it.

    Attributes:
        code: the machine-readable reason.
        message: what to do about it.
        field: path to the input field at fault, if one is.
    """

    def __init__(self, code: ErrorCode, message: str, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None


class InvalidInputError(Exception):
    """Several rule failures found at once, e.g. every bad field of an input."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)
