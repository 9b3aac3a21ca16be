"""Errors to payloads in one place: every mutation runs its service call through `payload_of`."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from invoice_graph.domain.errors import DomainError, InvalidInputError
from invoice_graph.graphql.user_errors import user_errors

T = TypeVar("T")
P = TypeVar("P")


async def payload_of(
    payload: Callable[..., P], field: str, present: Callable[[T], Any], saving: Awaitable[T]
) -> P:
    """Await a service call: its result becomes `payload(field=present(result))`, a refusal the
    payload's userErrors with `field` null.

    Args:
        payload: the payload type, e.g. InvoiceTitlePayload.
        field: the payload's result field, e.g. "invoice_title".
        present: turns the service's record into the GraphQL value.
        saving: the service call, not yet awaited.
    """
    try:
        result = await saving
    except (DomainError, InvalidInputError) as error:
        return payload(**{field: None, "user_errors": user_errors(error)})
    return payload(**{field: present(result), "user_errors": []})
