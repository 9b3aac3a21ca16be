"""Keyset pagination of many parents' children in one statement.

A page asks for the first N rows after a key, or the last N before one, in a fixed sort order.
For a list of parents (accounts, statements) one query returns each parent's page, using a
window function, so a request costs the same number of statements for 1 parent or 50.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, and_, any_, bindparam, column, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.domain.paging import Page, PageRequest, empty_page

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Ordering:
    """The sort key of a list: its columns, all ascending or all descending."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool

    def key_of(self, row: Any) -> tuple[Any, ...]:
        """The sort-key values of a row, for its cursor."""
        return tuple(getattr(row, name) for name in _names(self.columns))


def _names(columns: tuple[ColumnElement[Any], ...]) -> tuple[str, ...]:
    # Column.key is a property walk; the names are read once per list of columns.
    found = _NAMES.get(columns)
    if found is None:
        found = _NAMES[columns] = tuple(column.key or "" for column in columns)
    return found


_NAMES: dict[tuple[ColumnElement[Any], ...], tuple[str, ...]] = {}


def any_of(column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column = ANY(:array)`: one SQL text whatever the number of values, so the server-side
    prepared statement is reused (an IN list makes a new statement, and a prepare, per length)."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def pairs_in(
    first: ColumnElement[Any], second: ColumnElement[Any], keys: Sequence[tuple[Any, Any]]
) -> ColumnElement[bool]:
    """`(first, second) IN (SELECT * FROM unnest(:firsts, :seconds))`, with one SQL text for any keys."""
    pairs = (
        func.unnest(
            bindparam(None, [key[0] for key in keys], type_=ARRAY(first.type)),
            bindparam(None, [key[1] for key in keys], type_=ARRAY(second.type)),
        )
        .table_valued("first", "second")
        .render_derived()
    )
    return tuple_(first, second).in_(select(pairs.c.first, pairs.c.second))


def _after(ordering: Ordering, key: tuple[Any, ...], *, forward: bool) -> ColumnElement[bool]:
    later = tuple_(*ordering.columns)
    values = tuple_(*key)
    return later < values if ordering.descending == forward else later > values


def _order_by(ordering: Ordering, *, reverse: bool) -> list[ColumnElement[Any]]:
    descending = ordering.descending != reverse
    return [column.desc() if descending else column.asc() for column in ordering.columns]


def paged(
    query: Select[Any], *, parent: Sequence[ColumnElement[Any]], ordering: Ordering, page: PageRequest
) -> Select[Any]:
    """Limit a query over many parents to each parent's page (plus one row, to see if more follow)."""
    if page.after is not None:
        query = query.where(_after(ordering, page.after, forward=True))
    if page.before is not None:
        query = query.where(_after(ordering, page.before, forward=False))
    rank = func.row_number().over(
        partition_by=list(parent) or None, order_by=_order_by(ordering, reverse=page.backwards)
    )
    ranked = query.add_columns(rank.label("page_rank")).subquery()
    # Not select(ranked) and ranked.c: reading a new subquery's .c makes a proxy of every column,
    # about a quarter of a console request's CPU (bench/RESULTS.md). Naming the columns with
    # their types selects the same columns, read back the same way.
    columns = [column(selected.key or "", selected.type) for selected in query.selected_columns]
    page_rank = column("page_rank", BigInteger)
    return (
        select(*columns, page_rank).select_from(ranked).where(page_rank <= page.size + 1).order_by(page_rank)
    )


async def fetch_pages(
    connection: AsyncConnection,
    record: type[R],
    query: Select[Any],
    *,
    parent: Sequence[ColumnElement[Any]],
    ordering: Ordering,
    page: PageRequest,
) -> dict[tuple[Any, ...], Page[R]]:
    """Run a paged query of `select_record(record, ...)` and split its records into each parent's Page.

    Pages are keyed by the values of the parent columns; parents with no rows are absent.
    """
    by_parent: dict[tuple[Any, ...], list[R]] = defaultdict(list)
    names = [column.key or "" for column in parent]
    for row in await connection.execute(paged(query, parent=parent, ordering=ordering, page=page)):
        found = record(*row[:-1])  # the last column is the page rank
        by_parent[tuple(getattr(found, name) for name in names)].append(found)
    return {key: _page(records, ordering, page) for key, records in by_parent.items()}


async def fetch_page(
    connection: AsyncConnection, record: type[R], query: Select[Any], *, ordering: Ordering, page: PageRequest
) -> Page[R]:
    """Run a paged query of one list (no parent) and return its page."""
    pages = await fetch_pages(connection, record, query, parent=(), ordering=ordering, page=page)
    return pages.get((), empty_page())


def _page(records: list[R], ordering: Ordering, page: PageRequest) -> Page[R]:
    more = len(records) > page.size
    records = records[: page.size]
    if page.backwards:
        records.reverse()
    keys = [ordering.key_of(found) for found in records]
    if page.backwards:
        return Page(records, keys, has_next=page.before is not None, has_previous=more)
    return Page(records, keys, has_next=more, has_previous=page.after is not None)


def where_all(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool]:
    """AND together the conditions that are set."""
    return and_(*(condition for condition in conditions if condition is not None))
