"""Typed records out of SQL: a SELECT built from a record's fields, and rows made into records."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause, Select, select

from invoice_graph.domain.records import field_names

R = TypeVar("R")


def record_columns(
    record: type, table: FromClause, extra: Mapping[str, ColumnElement[Any]] | None = None
) -> list[ColumnElement[Any]]:
    """The columns that fill a record, in its field order: `extra` by name, else the table's column."""
    given = extra or {}
    return [given[name].label(name) if name in given else table.c[name] for name in field_names(record)]


def select_record(
    record: type, table: FromClause, extra: Mapping[str, ColumnElement[Any]] | None = None
) -> Select[Any]:
    """`SELECT` the columns of a record from a table (and joined columns named in `extra`)."""
    return select(*record_columns(record, table, extra))


def to_records(record: type[R], rows: Iterable[Any]) -> list[R]:
    """Rows of a `select_record` query as records (filled by position, in field order)."""
    return [record(*row) for row in rows]


def to_record(record: type[R], row: Any | None) -> R | None:
    """One row as a record, or None."""
    return record(*row) if row is not None else None
