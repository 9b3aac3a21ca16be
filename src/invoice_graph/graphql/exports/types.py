"""Exports: the ExportJob type, startExport's input and payload, and the resolvers that the schema
wires to `Mutation.startExport`, `Viewer.exports` and `node(id:)`."""

from datetime import datetime

import strawberry

from invoice_graph.domain.events import ExportKind, ExportStatus
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.records import ExportRecord
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.errors import check_list_size
from invoice_graph.graphql.ids import decode_id, encode_id
from invoice_graph.graphql.pagination import Connection, connection
from invoice_graph.graphql.payloads import Payload, payload_of
from invoice_graph.services import exports

strawberry.enum(ExportKind, name="ExportKind", description="What an export lists, one row each.")
strawberry.enum(ExportStatus, name="ExportStatus", description="Where an export stands.")


@strawberry.type(description="A CSV file made in the background from what the viewer may see.")
class ExportJob(Node):
    kind: ExportKind = strawberry.field(description="What the file lists.")
    status: ExportStatus = strawberry.field(description="QUEUED, RUNNING, then SUCCEEDED or FAILED.")
    created_at: datetime = strawberry.field(description="When the export was started.")
    finished_at: datetime | None = strawberry.field(description="When it succeeded or failed.")
    row_count: int | None = strawberry.field(description="Rows in the file, besides its header.")
    url: str | None = strawberry.field(
        description="A link that downloads the CSV without a bearer token until expiresAt; null until "
        "SUCCEEDED."
    )
    expires_at: datetime | None = strawberry.field(description="When the link stops working.")
    error: str | None = strawberry.field(description="Why the export failed, if it did.")

    @classmethod
    def from_record(cls, info: Info, row: ExportRecord) -> "ExportJob":
        """The export, with a fresh signed link once its file is ready."""
        link = None
        if row.status == ExportStatus.SUCCEEDED:
            link = exports.export_link(info.context.settings, info.context.base_url(), row)
        return cls(
            id=strawberry.ID(encode_id("ExportJob", row.id)),
            kind=ExportKind(row.kind),
            status=ExportStatus(row.status),
            created_at=row.created_at,
            finished_at=row.finished_at,
            row_count=row.row_count,
            url=link.url if link else None,
            expires_at=link.expires_at if link else None,
            error=row.error,
        )


@strawberry.input(description="What to export: a kind of rows, optionally only some months and accounts.")
class StartExportInput:
    kind: ExportKind = strawberry.field(description="Applications or statements.")
    from_: Month | None = strawberry.field(
        default=None,
        name="from",
        description="The first month: statements of it and later, applications covering one of the "
        "months from it. Any when omitted.",
    )
    to: Month | None = strawberry.field(
        default=None, description="The last month, inclusive; not before `from`. Any when omitted."
    )
    account_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only these accounts (they must be visible to the viewer); all visible ones when "
        "omitted.",
    )


@strawberry.type(description="The result of startExport.")
class ExportJobPayload(Payload):
    export_job: ExportJob | None = strawberry.field(
        description="The export, QUEUED; null when the mutation was refused."
    )


async def start_export_field(info: Info, input: StartExportInput) -> ExportJobPayload:
    """startExport: queue an export of what the viewer may see (at most 3 queued or running).

    Raises:
        BadUserInputError: for a malformed account ID, one of another type, or too many of them.
    """
    account_ids = None
    if input.account_ids is not None:
        check_list_size(input.account_ids, limit=exports.MAX_EXPORT_ACCOUNT_IDS, argument="input.accountIds")
        account_ids = [decode_id(value, expected="Account").account_id for value in input.account_ids]
    context = info.context
    starting = exports.start_export(
        context.database,
        viewer=context.viewer,
        kind=input.kind,
        from_month=input.from_,
        to_month=input.to,
        account_ids=account_ids,
    )
    return await payload_of(
        ExportJobPayload, "export_job", lambda row: ExportJob.from_record(info, row), starting
    )


async def exports_of(info: Info, page: PageRequest) -> Connection[ExportJob]:
    """Viewer.exports: the exports of the viewer's scope, newest first (cursor kind "export")."""
    database, viewer = info.context.database, info.context.viewer
    rows = await exports.list_exports(database, viewer=viewer, page=page)
    return connection(
        "export",
        rows,
        lambda row: ExportJob.from_record(info, row),
        lambda: exports.count_exports(database, viewer=viewer),
    )


async def export_node(info: Info, export_id: int) -> ExportJob | None:
    """node(id:) for an ExportJob: the viewer's scope's export, or None."""
    row = await exports.get_export(info.context.database, viewer=info.context.viewer, export_id=export_id)
    return ExportJob.from_record(info, row) if row else None
