"""Errors a request can end with, and the codes clients see in `extensions.code`."""

import enum
from collections.abc import Sized


class RequestErrorCode(enum.StrEnum):
    """Codes of top-level GraphQL errors and HTTP refusals (userErrors use domain.errors.ErrorCode)."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    # Not a GraphQL request at all (HTTP 4xx): a body that is not a JSON object, not UTF-8, nested
    # or with numbers past reason, another method or content type, a body over the size limit.
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_FOUND = "NOT_FOUND"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    # The database is down or unreachable: answered with HTTP 503 (http/status.py); retry later.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # Limits and abuse resistance (graphql/limits.py): refused before anything runs.
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    TOO_MANY_DUPLICATES = "TOO_MANY_DUPLICATES"
    TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
    TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    THROTTLED = "THROTTLED"


class BadUserInputError(ValueError):
    """A malformed argument: an ID, cursor, page size or scalar value the client must correct."""


# One request names at most this many months (ten years) or objects.
MAX_MONTHS_PER_REQUEST = 120


def check_list_size(values: Sized, *, limit: int, argument: str) -> None:
    """Refuse a list argument longer than `limit`: work per request stays bounded.

    Raises:
        BadUserInputError: naming the argument and its limit.
    """
    if len(values) > limit:
        raise BadUserInputError(f"{argument} takes at most {limit} values; split the request")
