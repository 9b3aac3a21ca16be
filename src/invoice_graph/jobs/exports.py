"""The job that writes an export's CSV (SPEC section 13), batch by batch, so memory stays flat.

The rows come from one server-side cursor (one snapshot) and each batch is committed as one
chunk, so neither the rows nor the file are ever held whole. The file is UTF-8 with a byte-order
mark (Excel then reads Chinese text), one header row, money with two decimals, dates ISO, months
"YYYY-MM", lists ";"-joined. Free-text cells that a spreadsheet would run as a formula (starting
with = + - @) are prefixed with an apostrophe.

Safe to repeat: an attempt first deletes what an earlier one wrote; a finished export is left as
it is. A transaction-level advisory lock keeps two workers from writing one export at once.
"""

import asyncio
import csv
import hashlib
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.queries import exports as queries
from invoice_graph.db.queries.events import record_owner_event
from invoice_graph.db.queries.exports import ApplicationExportRow, StatementExportRow
from invoice_graph.domain.applications import ApplicationStatus, statement_invoice_status
from invoice_graph.domain.events import EventType, ExportKind
from invoice_graph.domain.money import format_fen
from invoice_graph.domain.months import CST, Month
from invoice_graph.domain.records import ExportRecord
from invoice_graph.jobs.runner import JobContext, PermanentJobError
from invoice_graph.services import Database
from invoice_graph.services.exports import EXPORT_JOB, export_event_data

__all__ = ["APPLICATION_COLUMNS", "BATCH_ROWS", "EXPORT_JOB", "STATEMENT_COLUMNS", "run_export"]

# Rows fetched, written and committed at a time: about a megabyte of CSV.
BATCH_ROWS = 5000
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

APPLICATION_COLUMNS = (
    "number",
    "account_number",
    "account_name",
    "status",
    "medium",
    "months",
    "cloud_amount",
    "market_amount",
    "deficit_offset",
    "amount",
    "title_name",
    "taxpayer_id",
    "submitted_at",
    "due_by",
    "invoice_numbers",
)
STATEMENT_COLUMNS = (
    "account_number",
    "account_name",
    "month",
    "cloud_expense",
    "market_expense",
    "total_expense",
    "invoiceable_cloud",
    "invoiceable_market",
    "invoiceable_total",
    "voucher",
    "coupon",
    "gift_balance",
    "not_subscription",
    "delivered_before_cutoff",
    "issued_by_market_provider",
    "invoice_status",
)


class _BusyError(Exception):
    """Another worker is writing this export now; this attempt is retried later."""


def _text(value: str | None) -> str:
    """A free-text cell, kept from being read as a formula by spreadsheets."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _instant(value: datetime) -> str:
    return value.astimezone(CST).isoformat(timespec="seconds")


def application_cells(row: ApplicationExportRow) -> list[str]:
    """An application's CSV cells, in APPLICATION_COLUMNS order."""
    return [
        row.number,
        _text(row.account_number),
        _text(row.account_name),
        row.status,
        row.medium,
        ";".join(str(Month.of(month)) for month in sorted(row.months)),
        format_fen(row.cloud_fen),
        format_fen(row.market_fen),
        format_fen(row.deficit_offset_fen),
        format_fen(row.amount_fen),
        _text(row.title_name),
        _text(row.taxpayer_id),
        _instant(row.submitted_at),
        row.due_by.isoformat(),
        ";".join(row.invoice_numbers),
    ]


def statement_cells(row: StatementExportRow) -> list[str]:
    """A statement's CSV cells, in STATEMENT_COLUMNS order."""
    status = ApplicationStatus(row.application_status) if row.application_status else None
    return [
        _text(row.account_number),
        _text(row.account_name),
        str(Month.of(row.month)),
        format_fen(row.cloud_expense_fen),
        format_fen(row.market_expense_fen),
        format_fen(row.cloud_expense_fen + row.market_expense_fen),
        format_fen(row.invoiceable_cloud_fen),
        format_fen(row.invoiceable_market_fen),
        format_fen(row.invoiceable_cloud_fen + row.invoiceable_market_fen),
        format_fen(row.voucher_fen),
        format_fen(row.coupon_fen),
        format_fen(row.gift_balance_fen),
        format_fen(row.not_subscription_fen),
        format_fen(row.delivered_before_cutoff_fen),
        format_fen(row.issued_by_market_provider_fen),
        statement_invoice_status(status).value,
    ]


@dataclass
class _CsvFile:
    """Encodes rows as CSV bytes, BOM and header first, keeping the file's size and SHA-256."""

    header: Sequence[str]
    rows: int = 0
    size: int = 0
    digest: Any = field(default_factory=hashlib.sha256)
    buffer: io.StringIO = field(default_factory=io.StringIO)

    def __post_init__(self) -> None:
        self.writer = csv.writer(self.buffer)
        self.buffer.write(BOM)
        self.writer.writerow(self.header)

    def encode(self, rows: Iterable[Sequence[str]]) -> bytes:
        """The next piece of the file: what is buffered (the header, at first) and these rows."""
        self.writer.writerows(rows)
        data = self.buffer.getvalue().encode()
        self.buffer.seek(0)
        self.buffer.truncate()
        self.digest.update(data)
        self.size += len(data)
        return data


def _source(
    reading: AsyncConnection, export: ExportRecord
) -> tuple[Sequence[str], AsyncIterator[list[Any]], Callable[[Any], list[str]]]:
    """The header, the batches of rows and the cells of a row, for the export's kind."""
    if export.kind == ExportKind.INVOICE_APPLICATIONS:
        rows = queries.stream_application_rows(connection=reading, export=export, batch_size=BATCH_ROWS)
        return APPLICATION_COLUMNS, rows, application_cells
    if export.kind == ExportKind.STATEMENTS:
        batches = queries.stream_statement_rows(connection=reading, export=export, batch_size=BATCH_ROWS)
        return STATEMENT_COLUMNS, batches, statement_cells
    raise PermanentJobError(f"export {export.id} is of an unknown kind {export.kind!r}")


async def _write(database: Database, reading: AsyncConnection, export: ExportRecord) -> _CsvFile:
    """Write the export's file, one committed chunk per batch of rows."""
    header, batches, cells = _source(reading, export)
    file = _CsvFile(header)
    seq = 0
    async for batch in batches:
        data = file.encode(cells(row) for row in batch)
        file.rows += len(batch)
        async with database.transaction() as connection:
            await queries.append_chunk(connection=connection, export_id=export.id, seq=seq, content=data)
        seq += 1
    if seq == 0:  # no rows: the file is its header
        async with database.transaction() as connection:
            await queries.append_chunk(
                connection=connection, export_id=export.id, seq=0, content=file.encode([])
            )
    return file


async def _succeed(database: Database, export: ExportRecord, file: _CsvFile) -> None:
    """Mark the export SUCCEEDED and record EXPORT_FINISHED, in one transaction."""
    async with database.transaction() as connection:
        finished = await queries.mark_succeeded(
            connection=connection,
            export_id=export.id,
            row_count=file.rows,
            size_bytes=file.size,
            sha256=file.digest.hexdigest(),
        )
        if finished is not None:
            await record_owner_event(
                connection=connection,
                type_=EventType.EXPORT_FINISHED,
                owner=finished.owner,
                data=export_event_data(finished),
            )


async def _fail(database: Database, export: ExportRecord, error: BaseException) -> None:
    """Mark the export FAILED for good (dropping what was written) and record EXPORT_FINISHED."""
    reason = str(error) if isinstance(error, PermanentJobError) else type(error).__name__
    message = f"The export could not be written ({reason}); start it again."
    async with database.transaction() as connection:
        failed = await queries.mark_failed(connection=connection, export_id=export.id, error=message)
        if failed is not None:
            await queries.delete_chunks(connection=connection, export_id=export.id)
            await record_owner_event(
                connection=connection,
                type_=EventType.EXPORT_FINISHED,
                owner=failed.owner,
                data=export_event_data(failed),
            )


async def _start(database: Database, export_id: int) -> ExportRecord | None:
    """Mark the export RUNNING and drop an earlier attempt's chunks; None when it has finished.

    Raises:
        PermanentJobError: when the export does not exist.
    """
    async with database.transaction() as connection:
        export = await queries.mark_running(connection=connection, export_id=export_id)
        if export is not None:
            await queries.delete_chunks(connection=connection, export_id=export_id)
            return export
        if await queries.get_export(connection=connection, export_id=export_id) is None:
            raise PermanentJobError(f"export {export_id} does not exist")
    return None


async def run_export(context: JobContext, payload: dict[str, Any]) -> None:
    """Write an export's CSV and mark it SUCCEEDED; on the last attempt's failure, FAILED.

    Raises:
        PermanentJobError: the export does not exist, or is of an unknown kind.
        Exception: whatever failed on an earlier attempt; the runner retries with backoff.
    """
    export_id = int(payload["export_id"])
    database = context.database
    # The reading transaction holds the cursor and, until the export is settled, the export's lock.
    async with database.transaction() as reading:
        if not await queries.try_lock_run(connection=reading, export_id=export_id):
            raise _BusyError(f"export {export_id} is being written by another worker")
        export = await _start(database, export_id)
        if export is None:
            return
        try:
            file = await _write(database, reading, export)
        except Exception as error:
            if context.is_last_attempt or isinstance(error, PermanentJobError):
                await _fail(database, export, error)
            raise
        except asyncio.CancelledError:
            # Cut short at the end of its time (or a stop): on the last attempt it will not run
            # again, so it is settled as FAILED, whatever cancels the rest.
            if context.is_last_attempt:
                await asyncio.shield(_fail(database, export, TimeoutError("out of time")))
            raise
        await _succeed(database, export, file)
