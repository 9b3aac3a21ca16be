"""Fetching any object by its global ID, for the viewer that may see it."""

from collections.abc import Awaitable, Callable

from invoice_graph.graphql.accounts.types import Account
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.exports.types import export_node
from invoice_graph.graphql.ids import SCOPE_TYPES, GlobalId, decode_id
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddress
from invoice_graph.graphql.invoice_applications.types import InvoiceApplication
from invoice_graph.graphql.invoice_deficit.types import InvoiceDeficitEntry
from invoice_graph.graphql.invoice_titles.types import InvoiceTitle
from invoice_graph.graphql.statements.types import MonthlyStatement, StatementLine
from invoice_graph.graphql.webhooks.types import WebhookDelivery, WebhookEndpoint

NodeResolver = Callable[[Info, GlobalId], Awaitable[Node | None]]


async def _account(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.visible_accounts_by_id.load(gid.account_id)
    return Account.from_record(row) if row else None


async def _statement(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.statements_by_id.load((gid.account_id, gid.row_id))
    return MonthlyStatement.from_record(row) if row else None


async def _line(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.lines_by_id.load((gid.account_id, gid.row_id))
    return StatementLine.from_record(row) if row else None


async def _title(info: Info, gid: GlobalId) -> Node | None:
    rows = await info.context.loaders.titles_by_account.load(gid.account_id)
    return next((InvoiceTitle.from_record(row) for row in rows if row.id == gid.row_id), None)


async def _address(info: Info, gid: GlobalId) -> Node | None:
    rows = await info.context.loaders.addresses_by_account.load(gid.account_id)
    return next((InvoiceAddress.from_record(row) for row in rows if row.id == gid.row_id), None)


async def _deficit_entry(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.deficit_entries_by_id.load((gid.account_id, gid.row_id))
    return InvoiceDeficitEntry.from_record(row) if row else None


async def _application(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.applications_by_id.load((gid.account_id, gid.row_id))
    return InvoiceApplication.from_record(row) if row else None


async def _endpoint(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.endpoints_by_id.load(gid.row_id)
    return WebhookEndpoint.from_record(row) if row else None


async def _delivery(info: Info, gid: GlobalId) -> Node | None:
    row = await info.context.loaders.deliveries_by_id.load(gid.row_id)
    return WebhookDelivery.from_record(row) if row else None


async def _export(info: Info, gid: GlobalId) -> Node | None:
    return await export_node(info, gid.row_id)


RESOLVERS: dict[str, NodeResolver] = {
    "Account": _account,
    "MonthlyStatement": _statement,
    "StatementLine": _line,
    "InvoiceApplication": _application,
    "InvoiceTitle": _title,
    "InvoiceAddress": _address,
    "InvoiceDeficitEntry": _deficit_entry,
    "WebhookEndpoint": _endpoint,
    "WebhookDelivery": _delivery,
    "ExportJob": _export,
}


async def resolve_node(info: Info, value: str) -> Node | None:
    """The object with this ID, or None when it does not exist or the viewer may not see its account.

    Raises:
        BadUserInputError: for a malformed ID.
    """
    gid = decode_id(value)
    resolver = RESOLVERS.get(gid.type_name)
    if resolver is None:
        return None
    # An object of a role's scope is looked up in the viewer's scope; any other through its account.
    loaders = info.context.loaders
    if gid.type_name not in SCOPE_TYPES and await loaders.visible_accounts_by_id.load(gid.account_id) is None:
        return None
    return await resolver(info, gid)
