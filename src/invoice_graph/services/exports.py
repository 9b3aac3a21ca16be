"""Exports (SPEC section 13): started, listed and read by their owner (the viewer's scope, as for
webhook endpoints); their files downloaded by signed, expiring links.

A start checks its input, then in one transaction, serialised per owner, counts the owner's
active exports, saves the export and queues its job, so a rolled-back start queues nothing and
concurrent starts never pass MAX_ACTIVE_EXPORTS.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import exports as queries
from invoice_graph.db.queries.accounts import list_visible_accounts_by_ids
from invoice_graph.db.queries.exports import EXPORT_JOB
from invoice_graph.db.queries.jobs import enqueue_job
from invoice_graph.domain.access import account_not_found
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.events import MAX_ACTIVE_EXPORTS, ExportKind, ExportStatus
from invoice_graph.domain.global_ids import encode_id
from invoice_graph.domain.links import SignedLink, sign
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import ExportRecord
from invoice_graph.domain.viewer import Viewer

__all__ = [
    "EXPORT_ATTEMPTS",
    "EXPORT_JOB",
    "MAX_EXPORT_ACCOUNT_IDS",
    "ExportFile",
    "ExportRecord",
    "count_exports",
    "export_event_data",
    "export_file_name",
    "export_global_id",
    "export_link",
    "export_path",
    "get_export",
    "list_exports",
    "list_exports_by_ids",
    "read_export_file",
    "start_export",
]

# An export's job runs at most this often before its export is FAILED.
EXPORT_ATTEMPTS = 3
# The most accounts one export may name (a partner's hundreds fit); omit them for all visible ones.
MAX_EXPORT_ACCOUNT_IDS = 1000


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished export's CSV, read chunk by chunk as it is sent."""

    file_name: str
    size_bytes: int
    sha256: str
    chunks: AsyncIterator[bytes]


def _input_problems(
    from_month: Month | None, to_month: Month | None, account_ids: Sequence[int] | None
) -> list[DomainError]:
    problems = []
    if from_month is not None and to_month is not None and to_month < from_month:
        message = f"The last month ({to_month}) is before the first ({from_month}); swap them."
        problems.append(DomainError(ErrorCode.INVALID, message, ["input", "to"]))
    if account_ids is not None and not account_ids:
        message = "List at least one account, or leave accountIds out to export every account you can see."
        problems.append(DomainError(ErrorCode.INVALID, message, ["input", "accountIds"]))
    return problems


async def _check_accounts(connection: AsyncConnection, viewer: Viewer, account_ids: Sequence[int]) -> None:
    """Refuse account ids the viewer may not see (NOT_FOUND, at their index, as if they did not exist)."""
    found = await list_visible_accounts_by_ids(
        connection=connection, viewer=viewer, ids=list(set(account_ids))
    )
    seen = {account.id for account in found}
    missing = [
        account_not_found(["input", "accountIds", str(index)])
        for index, account_id in enumerate(account_ids)
        if account_id not in seen
    ]
    if missing:
        raise InvalidInputError(missing)


async def start_export(
    database: Database,
    *,
    viewer: Viewer,
    kind: ExportKind,
    from_month: Month | None,
    to_month: Month | None,
    account_ids: Sequence[int] | None,
) -> ExportRecord:
    """Queue a CSV of what the viewer may see, for the viewer's scope.

    Args:
        database: the database.
        viewer: who asks; the export is its scope's, and lists what that scope may see.
        kind: applications or statements.
        from_month: the first month listed (statements of it, applications covering it); None: any.
        to_month: the last month listed, inclusive; None: any.
        account_ids: only these accounts; None: every account the viewer may see.

    Returns:
        The QUEUED export.

    Raises:
        InvalidInputError: INVALID for `to_month` before `from_month` (["input", "to"]) or an empty
            list of accounts; NOT_FOUND for each account the viewer may not see
            (["input", "accountIds", index]).
        DomainError: LIMIT_REACHED when the scope has MAX_ACTIVE_EXPORTS exports queued or running.
    """
    problems = _input_problems(from_month, to_month, account_ids)
    if problems:
        raise InvalidInputError(problems)
    chosen = list(dict.fromkeys(account_ids)) if account_ids is not None else None
    async with database.transaction() as connection:
        if account_ids is not None:
            await _check_accounts(connection, viewer, account_ids)
        await queries.lock_exports_of(connection=connection, viewer=viewer)
        if await queries.count_active_exports(connection=connection, viewer=viewer) >= MAX_ACTIVE_EXPORTS:
            message = (
                f"You have {MAX_ACTIVE_EXPORTS} exports queued or running, the most there may be; "
                "start this one when one of them has finished."
            )
            raise DomainError(ErrorCode.LIMIT_REACHED, message)
        export = await queries.insert_export(
            connection=connection,
            viewer=viewer,
            kind=kind.value,
            from_month=from_month.first_day if from_month else None,
            to_month=to_month.first_day if to_month else None,
            account_ids=chosen,
        )
        await enqueue_job(
            connection=connection,
            kind=EXPORT_JOB,
            payload={"export_id": export.id},
            max_attempts=EXPORT_ATTEMPTS,
        )
    return export


async def list_exports(database: Database, *, viewer: Viewer, page: PageRequest) -> Page[ExportRecord]:
    """A page of the exports of the viewer's scope, newest first."""
    async with database.read() as connection:
        return await queries.page_exports(connection=connection, viewer=viewer, page=page)


async def count_exports(database: Database, *, viewer: Viewer) -> int:
    """How many exports the viewer's scope has."""
    async with database.read() as connection:
        return await queries.count_exports(connection=connection, viewer=viewer)


async def list_exports_by_ids(
    database: Database, *, viewer: Viewer, ids: Sequence[int]
) -> list[ExportRecord]:
    """Those of these exports that are the viewer's scope's (for a DataLoader)."""
    async with database.read() as connection:
        return await queries.list_exports_by_ids(connection=connection, viewer=viewer, ids=ids)


async def get_export(database: Database, *, viewer: Viewer, export_id: int) -> ExportRecord | None:
    """One of the viewer's scope's exports, or None (another scope's does not exist for it)."""
    found = await list_exports_by_ids(database, viewer=viewer, ids=[export_id])
    return found[0] if found else None


def export_global_id(export_id: int) -> str:
    """The export's GraphQL ID."""
    return encode_id("ExportJob", export_id)


def export_event_data(export: ExportRecord) -> dict[str, Any]:
    """A finished export as its EXPORT_FINISHED event carries it."""
    return {
        "id": export_global_id(export.id),
        "kind": export.kind,
        "status": export.status,
        "rowCount": export.row_count,
    }


def export_file_name(export: ExportRecord) -> str:
    """The name the file downloads as, e.g. "statements-42.csv"."""
    return f"{export.kind.lower().replace('_', '-')}-{export.id}.csv"


def export_path(export_id: int, file_name: str) -> str:
    """The path an export's file is downloaded from (signed, like a document's)."""
    return f"/exports/{export_id}/{quote(file_name)}"


def export_link(settings: Settings, base_url: str, export: ExportRecord) -> SignedLink:
    """A signed link to the export's file on `base_url`, valid for DOWNLOAD_LINK_TTL from now.

    The caller gives it only for a SUCCEEDED export; the route refuses any other.
    """
    return sign(
        settings.download_link_key(),
        base_url=base_url,
        path=export_path(export.id, export_file_name(export)),
        now=datetime.now(UTC),
        ttl_seconds=settings.download_link_ttl_seconds,
    )


async def _chunks(database: Database, export_id: int) -> AsyncIterator[bytes]:
    """The file's chunks in order, each read on a connection of its own: a slow client holds none."""
    seq = 0
    while True:
        async with database.read() as connection:
            chunk = await queries.get_chunk(connection=connection, export_id=export_id, seq=seq)
        if chunk is None:
            return
        yield chunk
        seq += 1


async def read_export_file(database: Database, *, export_id: int, file_name: str) -> ExportFile | None:
    """The file a verified download link names, if its export SUCCEEDED and the name is its own."""
    async with database.read() as connection:
        export = await queries.get_export(connection=connection, export_id=export_id)
    if (
        export is None
        or export.status != ExportStatus.SUCCEEDED
        or export.size_bytes is None
        or export.sha256 is None
        or export_file_name(export) != file_name
    ):
        return None
    return ExportFile(
        file_name=file_name,
        size_bytes=export.size_bytes,
        sha256=export.sha256,
        chunks=_chunks(database, export_id),
    )
