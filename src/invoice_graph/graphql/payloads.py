"""Errors to payloads in one place: every mutation runs its service call through `payload_of`."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from invoice_graph.domain.errors import DomainError, InvalidInputError
from invoice_graph.graphql.user_errors import UserError, user_errors


@strawberry.type(description="What every mutation answers: its result field, and why it was refused.")
class Payload:
    """The base of mutation payloads; each adds its result field, null when the mutation was refused."""

    user_errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty when it succeeded."
    )


T = TypeVar("T")
P = TypeVar("P", bound=Payload)


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
