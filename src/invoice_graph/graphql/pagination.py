"""Keyset connections: opaque cursors over sort keys, page-size limits, and the generic types."""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions.field_extension import AsyncExtensionResolver, FieldExtension
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField

from invoice_graph.config import Settings
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.text import has_unstorable
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.errors import BadUserInputError
from invoice_graph.graphql.ids import MAX_ROW_ID

NodeT = TypeVar("NodeT")
R = TypeVar("R")


def _text(value: Any) -> str:
    if not isinstance(value, str) or has_unstorable(value):
        raise ValueError(value)
    return value


def _day(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _instant(value: Any) -> datetime:
    instant = datetime.fromisoformat(_text(value))
    if instant.tzinfo is None:
        raise ValueError(value)
    return instant


def _row_id(value: Any) -> int:
    if type(value) is not int or not 0 < value <= MAX_ROW_ID:
        raise ValueError(value)
    return value


# How each kind of list's sort key is read back from a cursor; anything a cursor of ours cannot
# hold (a NUL, a number no row has, a time without its offset) is refused before it reaches SQL.
_KEY_PARSERS: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "account": (_text,),
    "statement": (_day,),
    "line": (_day, _row_id),
    "application": (_instant, _row_id),
    "deficitEntry": (_row_id,),
    "delivery": (_row_id,),
    "export": (_row_id,),
}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


# Cursors of ours hold a kind and a sort key of at most 200 characters (escaped to 6 bytes each
# in JSON, then base64): a longer one was made by hand.
MAX_CURSOR_LENGTH = 2048


def encode_cursor(kind: str, key: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key."""
    raw = json.dumps([kind, *(_plain(value) for value in key)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> tuple[Any, ...]:
    """The sort key inside a cursor of this kind of list.

    Raises:
        BadUserInputError: for a cursor this list did not make.
    """
    parsers = _KEY_PARSERS[kind]
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError(cursor)
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or raw[0] != kind or len(raw) != len(parsers) + 1:
            raise ValueError(cursor)
        return tuple(parse(value) for parse, value in zip(parsers, raw[1:], strict=True))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, IndexError, RecursionError) as error:
        shown = cursor if len(cursor) <= 60 else f"{cursor[:60]}..."
        raise BadUserInputError(
            f"{shown!r} is not a cursor of this list: pass an endCursor or startCursor it returned"
        ) from error


def page_request(
    kind: str,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    settings: Settings,
) -> PageRequest:
    """Check a connection's arguments and turn them into a PageRequest.

    With neither first nor last, the page holds settings.default_page_size items; first and last
    may not exceed settings.max_page_size.

    Raises:
        BadUserInputError: for first and last together, a negative or too large page, or a bad cursor.
    """
    max_size = settings.max_page_size
    if first is not None and last is not None:
        raise BadUserInputError("Pass either first or last, not both")
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 0 <= size <= max_size:
            raise BadUserInputError(f"{name} must be between 0 and {max_size}")
    return PageRequest(
        first=first if first is not None or last is not None else settings.default_page_size,
        after=decode_cursor(kind, after) if after is not None else None,
        last=last,
        before=decode_cursor(kind, before) if before is not None else None,
    )


_PAGE_ARGUMENTS = (("first", int | None), ("after", str | None), ("last", int | None), ("before", str | None))


class Paged(FieldExtension):
    """A connection field's first/after/last/before, checked once and handed to its resolver as `page`.

    The resolver takes `page: PageRequest` in their place; the schema shows the four arguments first,
    then the resolver's own.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def apply(self, field: StrawberryField) -> None:
        own = [argument for argument in field.arguments if argument.python_name != "page"]
        paging = [
            StrawberryArgument(
                python_name=name, graphql_name=None, type_annotation=StrawberryAnnotation(kind), default=None
            )
            for name, kind in _PAGE_ARGUMENTS
        ]
        field.arguments = [*paging, *own]

    async def resolve_async(
        self, next_: AsyncExtensionResolver, source: Any, info: Info, **kwargs: Any
    ) -> Any:
        """Raises BadUserInputError for arguments page_request refuses, before the resolver runs."""
        sizes = {name: kwargs.pop(name) for name, _ in _PAGE_ARGUMENTS}
        page = page_request(self.kind, **sizes, settings=info.context.settings)
        return await next_(source, info, page=page, **kwargs)


@strawberry.type(description="Where a page sits in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item of the page.")


def _edge_cursor(root: Any) -> str:
    # Made only when asked for: a page of 50 accounts x 12 statements asks for no edge's cursor.
    return encode_cursor(root.kind, root.key)


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(
        resolver=_edge_cursor, description="Pass as `after` or `before` to page from this item."
    )
    node: NodeT = strawberry.field(description="The item.")
    kind: strawberry.Private[str]
    key: strawberry.Private[tuple[Any, ...]]


@strawberry.type(description="A page of a list, with the size of the whole list.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page, in list order.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the list.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list has, across every page.")
    async def total_count(self) -> int:
        return await self.count()


def connection(
    kind: str,
    page: Page[R],
    make_node: Callable[[R], NodeT],
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """Build a connection from a page of records; `count` is awaited only if totalCount is asked for."""
    edges = [
        Edge(node=make_node(record), kind=kind, key=key)
        for record, key in zip(page.records, page.keys, strict=True)
    ]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=encode_cursor(kind, edges[0].key) if edges else None,
        end_cursor=encode_cursor(kind, edges[-1].key) if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=count)
