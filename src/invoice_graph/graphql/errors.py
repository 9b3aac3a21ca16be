"""Errors a request can end with, and the codes clients see in `extensions.code`."""

import enum


class ErrorCode(enum.StrEnum):
    """Codes of top-level GraphQL errors (userErrors use domain.errors.ErrorCode)."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class BadUserInputError(ValueError):
    """A malformed argument: an ID, cursor, page size or scalar value the client must correct."""


class ForbiddenError(PermissionError):
    """The viewer's role may not do this."""
