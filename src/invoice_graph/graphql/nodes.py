"""Fetching any object by its global ID, for the viewer that may see it."""

from collections.abc import Awaitable, Callable
from typing import Any

from invoice_graph.graphql.access import visible_account
from invoice_graph.graphql.accounts.types import Account
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import GlobalId, decode_id
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddress
from invoice_graph.graphql.invoice_applications.types import resolve_application_node
from invoice_graph.graphql.invoice_titles.types import InvoiceTitle
from invoice_graph.graphql.statements.types import MonthlyStatement, StatementLine

NodeResolver = Callable[[Info, GlobalId], Awaitable[Node | None]]


async def _account(info: Info, gid: GlobalId) -> Node | None:
    row = await visible_account(info, gid.account_id)
    return Account.from_row(row) if row else None


async def _statement(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.statements_by_id.load((gid.account_id, gid.row_id))
    return MonthlyStatement.from_row(row) if row else None


async def _line(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.lines_by_id.load((gid.account_id, gid.row_id))
    return StatementLine.from_row(row) if row else None


async def _title(info: Info, gid: GlobalId) -> Node | None:
    rows = await info.context.loaders.titles_by_account.load(gid.account_id)
    return next((InvoiceTitle.from_row(row) for row in rows if row.id == gid.row_id), None)


async def _address(info: Info, gid: GlobalId) -> Node | None:
    rows = await info.context.loaders.addresses_by_account.load(gid.account_id)
    return next((InvoiceAddress.from_row(row) for row in rows if row.id == gid.row_id), None)


async def _application(info: Info, gid: GlobalId) -> Node | None:
    return await resolve_application_node(info, gid.account_id, gid.row_id)


RESOLVERS: dict[str, NodeResolver] = {
    "Account": _account,
    "MonthlyStatement": _statement,
    "StatementLine": _line,
    "InvoiceApplication": _application,
    "InvoiceTitle": _title,
    "InvoiceAddress": _address,
}


async def resolve_node(info: Info, value: str) -> Node | None:
    """The object with this ID, or None when it does not exist or the viewer may not see it.

    Raises:
        BadUserInputError: for a malformed ID.
    """
    gid = decode_id(value)
    resolver = RESOLVERS.get(gid.type_name)
    if resolver is None or await visible_account(info, gid.account_id) is None:
        return None
    return await resolver(info, gid)


def register(type_name: str, resolver: NodeResolver) -> None:
    """Let an area make its objects reachable through `node`."""
    RESOLVERS[type_name] = resolver


__all__: list[Any] = ["RESOLVERS", "register", "resolve_node"]
