"""Refuses text PostgreSQL cannot store: NUL and other control characters, and lone surrogates.

Checked once per request, over the document and its variables, before validation: no input
string with such characters reaches a resolver, a service or the database.
"""

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from invoice_graph.domain.text import has_unstorable
from invoice_graph.graphql.errors import ErrorCode


def has_unstorable_text(value: Any) -> bool:
    """Whether a string, or any string inside lists and objects, holds an unstorable character."""
    if isinstance(value, str):
        return has_unstorable(value)
    if isinstance(value, dict):
        return any(has_unstorable_text(key) or has_unstorable_text(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_unstorable_text(item) for item in value)
    return False


class InputText(SchemaExtension):
    """Answers BAD_USER_INPUT to a request whose text holds control characters or lone surrogates."""

    def on_validate(self) -> Iterator[None]:
        """Check the document and the variables before anything else looks at them."""
        execution = self.execution_context
        if has_unstorable_text(execution.query) or has_unstorable_text(execution.variables):
            execution.pre_execution_errors = [
                GraphQLError(
                    "Text may not contain control characters (such as NUL) or unpaired surrogates; "
                    "remove them and send the request again",
                    extensions={"code": ErrorCode.BAD_USER_INPUT.value},
                )
            ]
        yield
