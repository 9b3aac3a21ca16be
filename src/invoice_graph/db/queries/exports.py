"""Exports (SPEC section 13): the jobs their owners start, the CSV chunks they write, and the rows
they list, streamed in batches with a server-side cursor so memory stays flat for any number.

An export, like a webhook endpoint, belongs to a role's scope (`owned_by`); its rows are those of
the accounts that scope may see (`visible_accounts`) when the export runs.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Select, and_, delete, exists, func, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import Ordering, any_of, fetch_page, where_all
from invoice_graph.db.queries.scopes import lock_owner, owned_by, owner_values
from invoice_graph.db.records import record_columns, select_record, to_record, to_records
from invoice_graph.db.tables import accounts, export_chunks, export_jobs, jobs, statements
from invoice_graph.db.tables import invoice_application_months as app_months
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.db.visibility import visible_accounts
from invoice_graph.domain.events import ExportStatus
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import ExportRecord
from invoice_graph.domain.viewer import Viewer

R = TypeVar("R")

# The job kind that writes an export's file (registered in jobs/handlers.py).
EXPORT_JOB = "export"
EXPORT_ORDER = Ordering((export_jobs.c.id,), descending=True)
_ACTIVE = (ExportStatus.QUEUED.value, ExportStatus.RUNNING.value)


@dataclass(frozen=True, slots=True)
class ApplicationExportRow:
    """An application as an export lists it, with its account's number and name."""

    number: str
    account_number: str
    account_name: str
    status: str
    medium: str
    months: list[date]
    cloud_fen: int
    market_fen: int
    deficit_offset_fen: int
    amount_fen: int
    title_name: str | None
    taxpayer_id: str | None
    submitted_at: datetime
    due_by: date
    invoice_numbers: list[str]


@dataclass(frozen=True, slots=True)
class StatementExportRow:
    """A statement as an export lists it, with its account and its month's active application's status."""

    account_number: str
    account_name: str
    month: date
    cloud_expense_fen: int
    market_expense_fen: int
    invoiceable_cloud_fen: int
    invoiceable_market_fen: int
    voucher_fen: int
    coupon_fen: int
    gift_balance_fen: int
    not_subscription_fen: int
    delivered_before_cutoff_fen: int
    issued_by_market_provider_fen: int
    application_status: str | None


_EXPORTS = select_record(ExportRecord, export_jobs)
_RETURNING = record_columns(ExportRecord, export_jobs)


async def lock_exports_of(*, connection: AsyncConnection, viewer: Viewer) -> None:
    """Serialise the starts of one owner's exports until the transaction ends (for the limit)."""
    await lock_owner(connection=connection, table=export_jobs, viewer=viewer)


async def insert_export(
    *,
    connection: AsyncConnection,
    viewer: Viewer,
    kind: str,
    from_month: date | None,
    to_month: date | None,
    account_ids: Sequence[int] | None,
) -> ExportRecord:
    """Save a QUEUED export for the viewer's scope."""
    query = (
        export_jobs.insert()
        .values(
            **owner_values(viewer),
            kind=kind,
            from_month=from_month,
            to_month=to_month,
            account_ids=list(account_ids) if account_ids is not None else None,
        )
        .returning(*_RETURNING)
    )
    return ExportRecord(*(await connection.execute(query)).one())


async def count_active_exports(*, connection: AsyncConnection, viewer: Viewer) -> int:
    """How many of the viewer's scope's exports are QUEUED or RUNNING with their job still queued.

    An export whose job failed for good without the handler saying so (its worker died on the last
    attempt) stays RUNNING; it no longer takes one of the owner's places.
    """
    job_queued = exists().where(
        jobs.c.kind == EXPORT_JOB,
        jobs.c.status == "QUEUED",
        jobs.c.payload["export_id"].astext.cast(BigInteger) == export_jobs.c.id,
    )
    query = (
        select(func.count())
        .select_from(export_jobs)
        .where(owned_by(export_jobs, viewer), export_jobs.c.status.in_(_ACTIVE), job_queued)
    )
    return int((await connection.execute(query)).scalar_one())


async def page_exports(
    *, connection: AsyncConnection, viewer: Viewer, page: PageRequest
) -> Page[ExportRecord]:
    """A page of the viewer's scope's exports, newest first."""
    query = _EXPORTS.where(owned_by(export_jobs, viewer))
    return await fetch_page(connection, ExportRecord, query, ordering=EXPORT_ORDER, page=page)


async def count_exports(*, connection: AsyncConnection, viewer: Viewer) -> int:
    """How many exports the viewer's scope has."""
    query = select(func.count()).select_from(export_jobs).where(owned_by(export_jobs, viewer))
    return int((await connection.execute(query)).scalar_one())


async def list_exports_by_ids(
    *, connection: AsyncConnection, viewer: Viewer, ids: Sequence[int]
) -> list[ExportRecord]:
    """Those of these exports that are the viewer's scope's."""
    query = _EXPORTS.where(owned_by(export_jobs, viewer), any_of(export_jobs.c.id, ids))
    return to_records(ExportRecord, await connection.execute(query))


async def get_export(*, connection: AsyncConnection, export_id: int) -> ExportRecord | None:
    """An export by id, whoever owns it (for its job, and for a verified download link)."""
    return to_record(
        ExportRecord, (await connection.execute(_EXPORTS.where(export_jobs.c.id == export_id))).first()
    )


async def mark_running(*, connection: AsyncConnection, export_id: int) -> ExportRecord | None:
    """Mark a QUEUED (or, on a later attempt, RUNNING) export RUNNING; None when it is finished or gone."""
    query = (
        export_jobs.update()
        .where(export_jobs.c.id == export_id, export_jobs.c.status.in_(_ACTIVE))
        .values(status=ExportStatus.RUNNING.value, started_at=func.now(), error=None)
        .returning(*_RETURNING)
    )
    return to_record(ExportRecord, (await connection.execute(query)).first())


async def try_lock_run(*, connection: AsyncConnection, export_id: int) -> bool:
    """Whether this transaction is now the one writing the export's file (False: another one is)."""
    query = text("SELECT pg_try_advisory_xact_lock(hashtext(:key))")
    return bool((await connection.execute(query, {"key": f"export_jobs:run:{export_id}"})).scalar_one())


async def mark_succeeded(
    *, connection: AsyncConnection, export_id: int, row_count: int, size_bytes: int, sha256: str
) -> ExportRecord | None:
    """Mark a RUNNING export SUCCEEDED with its file's figures; None when it was not RUNNING."""
    query = (
        export_jobs.update()
        .where(export_jobs.c.id == export_id, export_jobs.c.status == ExportStatus.RUNNING.value)
        .values(
            status=ExportStatus.SUCCEEDED.value,
            row_count=row_count,
            size_bytes=size_bytes,
            sha256=sha256,
            finished_at=func.now(),
        )
        .returning(*_RETURNING)
    )
    return to_record(ExportRecord, (await connection.execute(query)).first())


async def mark_failed(*, connection: AsyncConnection, export_id: int, error: str) -> ExportRecord | None:
    """Mark an unfinished export FAILED, saying why; None when it had finished already."""
    query = (
        export_jobs.update()
        .where(export_jobs.c.id == export_id, export_jobs.c.status.in_(_ACTIVE))
        .values(status=ExportStatus.FAILED.value, error=error, finished_at=func.now())
        .returning(*_RETURNING)
    )
    return to_record(ExportRecord, (await connection.execute(query)).first())


async def delete_chunks(*, connection: AsyncConnection, export_id: int) -> None:
    """Delete what an earlier attempt wrote of the export's file."""
    await connection.execute(delete(export_chunks).where(export_chunks.c.export_id == export_id))


async def append_chunk(*, connection: AsyncConnection, export_id: int, seq: int, content: bytes) -> None:
    """Store the next piece of the export's file."""
    await connection.execute(export_chunks.insert().values(export_id=export_id, seq=seq, content=content))


async def get_chunk(*, connection: AsyncConnection, export_id: int, seq: int) -> bytes | None:
    """One piece of the export's file, or None past its last."""
    query = select(export_chunks.c.content).where(
        export_chunks.c.export_id == export_id, export_chunks.c.seq == seq
    )
    content = (await connection.execute(query)).scalar_one_or_none()
    return bytes(content) if content is not None else None


def _application_rows(export: ExportRecord) -> Select[Any]:
    """The applications an export lists: its owner's, of its accounts, with a month in its range."""
    title = applications.c.title
    month = func.unnest(applications.c.months).column_valued("month")
    in_range = where_all(
        true(),
        month >= export.from_month if export.from_month else None,
        month <= export.to_month if export.to_month else None,
    )
    any_month = exists(select(1).where(in_range)) if export.from_month or export.to_month else None
    extra = {
        "account_number": accounts.c.account_number,
        "account_name": accounts.c.name,
        "title_name": title["name"].astext,
        "taxpayer_id": title["taxpayer_id"].astext,
    }
    return (
        select_record(ApplicationExportRow, applications, extra)
        .select_from(applications.join(accounts, accounts.c.id == applications.c.account_id))
        .where(_of_export(export, applications.c.account_id), where_all(true(), any_month))
        .order_by(applications.c.account_id, applications.c.submitted_at, applications.c.id)
    )


def _statement_rows(export: ExportRecord) -> Select[Any]:
    """The statements an export lists: its owner's, of its accounts, of a month in its range."""
    joined = (
        statements.join(accounts, accounts.c.id == statements.c.account_id)
        .outerjoin(
            app_months,
            and_(
                app_months.c.account_id == statements.c.account_id,
                app_months.c.month == statements.c.month,
                app_months.c.active,
            ),
        )
        .outerjoin(
            applications,
            and_(
                applications.c.account_id == app_months.c.account_id,
                applications.c.id == app_months.c.application_id,
            ),
        )
    )
    extra = {
        "account_number": accounts.c.account_number,
        "account_name": accounts.c.name,
        "application_status": applications.c.status,
    }
    return (
        select_record(StatementExportRow, statements, extra)
        .select_from(joined)
        .where(
            _of_export(export, statements.c.account_id),
            where_all(
                true(),
                statements.c.month >= export.from_month if export.from_month else None,
                statements.c.month <= export.to_month if export.to_month else None,
            ),
        )
        .order_by(statements.c.account_id, statements.c.month)
    )


def _of_export(export: ExportRecord, account_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows of the accounts (joined) the export's owner sees now, and of its chosen ones if it chose."""
    chosen = any_of(account_id, export.account_ids) if export.account_ids is not None else None
    return where_all(visible_accounts(export.owner), chosen)


async def _stream(
    connection: AsyncConnection, record: type[R], query: Select[Any], batch_size: int
) -> AsyncIterator[list[R]]:
    """The query's rows as records, `batch_size` at a time, from a server-side cursor."""
    result = await connection.stream(query.execution_options(yield_per=batch_size))
    try:
        async for rows in result.partitions(batch_size):
            yield [record(*row) for row in rows]
    finally:
        await result.close()


def stream_application_rows(
    *, connection: AsyncConnection, export: ExportRecord, batch_size: int
) -> AsyncIterator[list[ApplicationExportRow]]:
    """The applications an export lists, by account and submission, in batches.

    The connection must be in a transaction (the cursor lives in it); the rows are one snapshot.
    """
    return _stream(connection, ApplicationExportRow, _application_rows(export), batch_size)


def stream_statement_rows(
    *, connection: AsyncConnection, export: ExportRecord, batch_size: int
) -> AsyncIterator[list[StatementExportRow]]:
    """The statements an export lists, by account and month, in batches (in a transaction, as above)."""
    return _stream(connection, StatementExportRow, _statement_rows(export), batch_size)
