"""Refuses input PostgreSQL cannot store or Python should not convert, wherever it is written.

Checked once per request, after parsing and before validation, over every string and integer the
operation carries: the variables, and the literals of the document itself (`"\\u0000"` is a NUL
once parsed, though the document's text holds only a backslash escape). No input with control
characters, lone surrogates or integers of thousands of digits reaches a resolver, a service or
the database.
"""

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, IntValueNode, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from invoice_graph.domain.text import has_unstorable
from invoice_graph.graphql.errors import RequestErrorCode

# Int is 32-bit and IDs are strings: no integer literal of this schema needs more digits.
MAX_INTEGER_DIGITS = 20
UNSTORABLE_MESSAGE = (
    "Text may not contain control characters (such as NUL) or unpaired surrogates; "
    "remove them and send the request again"
)
LONG_INTEGER_MESSAGE = f"Integers have at most {MAX_INTEGER_DIGITS} digits; send a smaller number"


def has_unstorable_text(value: Any) -> bool:
    """Whether a string, or any string inside lists and objects, holds an unstorable character.

    Request bodies nest at most a few levels (the view refuses deeper ones), so recursion is safe.
    """
    if isinstance(value, str):
        return has_unstorable(value)
    if isinstance(value, dict):
        return any(has_unstorable_text(key) or has_unstorable_text(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_unstorable_text(item) for item in value)
    return False


class _LiteralCheck(Visitor):
    """Finds the first literal of a document that may not pass."""

    def __init__(self) -> None:
        super().__init__()
        self.problem: str | None = None

    def enter_string_value(self, node: StringValueNode, *_: object) -> object:
        if has_unstorable(node.value):
            self.problem = UNSTORABLE_MESSAGE
            return self.BREAK
        return None

    def enter_int_value(self, node: IntValueNode, *_: object) -> object:
        if len(node.value.lstrip("-")) > MAX_INTEGER_DIGITS:
            self.problem = LONG_INTEGER_MESSAGE
            return self.BREAK
        return None


def literal_problem(document: DocumentNode) -> str | None:
    """What is wrong with the document's string and integer literals, or None."""
    check = _LiteralCheck()
    visit(document, check)
    return check.problem


# Clients send the same few documents again and again: each is walked once (bounded, by its text;
# only documents of ordinary size, so the memory it holds stays small).
_MAX_REMEMBERED = 1000
_MAX_REMEMBERED_LENGTH = 10_000
_problem_by_text: dict[str, str | None] = {}


def _remembered_literal_problem(text: str, document: DocumentNode) -> str | None:
    """`literal_problem` of a document, remembered by the document's text."""
    if text in _problem_by_text:
        return _problem_by_text[text]
    problem = literal_problem(document)
    if len(text) > _MAX_REMEMBERED_LENGTH:
        return problem
    if len(_problem_by_text) >= _MAX_REMEMBERED:
        _problem_by_text.clear()
    _problem_by_text[text] = problem
    return problem


class InputText(SchemaExtension):
    """Answers BAD_USER_INPUT to a request whose input text or numbers may not pass."""

    def on_validate(self) -> Iterator[None]:
        """Check the document's literals and the variables before anything else looks at them."""
        execution = self.execution_context
        problem = None
        if has_unstorable_text(execution.query) or has_unstorable_text(execution.variables):
            problem = UNSTORABLE_MESSAGE
        elif execution.graphql_document is not None and execution.query is not None:
            problem = _remembered_literal_problem(execution.query, execution.graphql_document)
        if problem is not None:
            execution.pre_execution_errors = [
                GraphQLError(problem, extensions={"code": RequestErrorCode.BAD_USER_INPUT.value})
            ]
        yield
