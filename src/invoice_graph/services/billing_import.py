"""Importing the billing system's CSV: checked in full, then bulk-loaded in one transaction."""

import asyncio
import contextlib
import csv
import enum
import io
import itertools
import multiprocessing
import os
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import billing as queries
from invoice_graph.domain.billing_rows import (
    BillingLine,
    RowProblem,
    missing_columns,
    parse_row,
    wrong_field_count,
)
from invoice_graph.domain.months import CST


class ImportRejectedError(Exception):
    """The file has bad rows; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file; nothing was imported")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    rows: int
    inserted: int
    unchanged: int
    accounts: int
    # New refunds taken off lines of months not generated yet, and those added to the deficit.
    netted: int = 0
    deficit_entries: int = 0


class ImportPhase(enum.StrEnum):
    """The phases of an import, in order, as `on_progress` reports them with what they count."""

    READING = "reading"  # bytes of the file read and checked row by row
    CHECKING = "checking"  # the checks across rows and against the database: 1 when done
    WRITING = "writing"  # new lines written, of the rows read (lines imported before are skipped)


def _ignore_progress(phase: ImportPhase, done: int, total: int) -> None:
    """The default `on_progress`: report nothing."""


def _record(number: int, line: BillingLine) -> tuple[Any, ...]:
    pay = line.payment
    return (
        number,
        line.account_number,
        line.account_name,
        line.partner,
        line.line_id,
        line.month.first_day,
        line.billed_on,
        line.product,
        line.channel.value,
        line.seller,
        line.self_operated,
        line.billing_mode.value,
        line.delivered_on,
        pay.amount,
        pay.voucher,
        pay.coupon,
        pay.gift_balance,
        pay.cash,
        line.ineligible_reason.value if line.ineligible_reason else None,
        line.content_hash,
        line.refund_of,
    )


# Files from this size on are checked by worker processes (parse_row costs ~30 us a row, so a
# million lines would take half a minute on one core); smaller ones in this process, which
# avoids the workers' start-up.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024
WORKERS = 2
CHUNK_ROWS = 10_000
# While the lines are inserted (one statement), their progress is read this often.
WRITE_PROGRESS_SECONDS = 0.25
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


@dataclass(frozen=True, slots=True)
class Chunk:
    """Checked rows: the good ones as COPY text (one line each), and the problems of the bad ones."""

    copy_text: bytes
    rows: int
    problems: list[RowProblem]


def _copy_field(value: Any) -> str:
    """A value in COPY's text format (NULL is \\N; backslash, tab and line breaks escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)  # int, or a date as YYYY-MM-DD


def _copy_line(number: int, line: BillingLine) -> str:
    """`_record` as one line of COPY text, as `_copy_field` writes each field.

    Formats the fields directly, without a call per field; a row with a character to escape in a
    text field (rare) goes through `_copy_field`.
    """
    partner = line.partner
    refund_of = line.refund_of
    texts = (
        line.account_number,
        line.account_name,
        partner or "",
        line.line_id,
        line.product,
        line.seller,
        refund_of or "",
    )
    if _NEEDS_ESCAPE.search("".join(texts)):
        return "\t".join(map(_copy_field, _record(number, line))) + "\n"
    pay = line.payment
    billed_on = line.billed_on.isoformat()
    reason = line.ineligible_reason
    fields = (
        str(number),
        line.account_number,
        line.account_name,
        "\\N" if partner is None else partner,
        line.line_id,
        billed_on[:-2] + "01",  # the month's first day, as line.month.first_day
        billed_on,
        line.product,
        line.channel.value,
        line.seller,
        "t" if line.self_operated else "f",
        line.billing_mode.value,
        "\\N" if line.delivered_on is None else line.delivered_on.isoformat(),
        str(pay.amount),
        str(pay.voucher),
        str(pay.coupon),
        str(pay.gift_balance),
        str(pay.cash),
        "\\N" if reason is None else reason.value,
        line.content_hash,
        "\\N" if refund_of is None else refund_of,
    )
    return "\t".join(fields) + "\n"


# A record as `_records` gives it: the text of a plain line, or the cells csv.reader read.
Record = str | list[str]


def _check_chunk(first_number: int, header: list[str], rows: list[Record], today: date) -> Chunk:
    """Check rows numbered from first_number, billed on `today` at the latest.

    The good rows are encoded for COPY here, in the worker, so the importing process only
    forwards bytes (encoding a million records there costs as much as checking them).
    """
    lines: list[str] = []
    problems: list[RowProblem] = []
    width = len(header)
    for number, row in enumerate(rows, start=first_number):
        if not row:
            continue  # a blank row: skipped, but counted, as a spreadsheet numbers rows
        cells = row.split(",") if isinstance(row, str) else row
        if len(cells) != width:
            problems.append(wrong_field_count(number, len(cells), width))
            continue
        parsed = parse_row(number, dict(zip(header, cells, strict=True)), today=today)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            lines.append(_copy_line(number, parsed))
    return Chunk("".join(lines).encode(), len(lines), problems)


def _records(stream: IO[str]) -> Iterator[Record]:
    """The file's records as csv.reader reads them, a plain line left as its text ("" if blank).

    A line without a double quote, and not longer than csv's field size limit, is a record whose
    cells are its text split at commas (what csv.reader makes of it), so the importer hands it to
    a worker as it is instead of parsing and pickling sixteen cells. Any other line goes through
    csv.reader, which takes the following lines of a quoted field from the same iterator.
    """
    lines = iter(stream)
    longest = csv.field_size_limit()
    for line in lines:
        if '"' in line or len(line) > longest:
            yield next(csv.reader(itertools.chain((line,), lines)))
        else:
            yield line.rstrip("\r\n")  # the stream has newline="": one terminator a line


def _chunks(stream: IO[str]) -> Iterator[tuple[int, list[str], list[Record]]]:
    """The rows in chunks, each with the line number of its first row and the header.

    As in csv.DictReader the first row is the header; blank rows stay in the chunks, so the rows
    after them keep the numbers a spreadsheet shows, and the checks skip them.
    """
    records = _records(stream)
    first = next(records, [])
    header = (first.split(",") if first else []) if isinstance(first, str) else first
    yield 1, header, []
    rows: list[Record] = []
    number = 2  # the header is line 1, as a spreadsheet numbers rows
    for cells in records:
        rows.append(cells)
        if len(rows) == CHUNK_ROWS:
            yield number, header, rows
            number += len(rows)
            rows = []
    if rows:
        yield number, header, rows


async def _checked(
    stream: IO[str], problems: list[RowProblem], *, parallel: bool, today: date, tell: Callable[[], int]
) -> AsyncIterator[tuple[Chunk, int]]:
    """Check every row; yield the good ones in batches for COPY, in file order, and collect the problems.

    The good rows are staged even once some row is bad, so that they get the checks across rows too.
    Each batch comes with `tell()` as it was when its rows had been read: the workers check rows
    some chunks behind the reading.
    """
    chunks = _chunks(stream)
    _, header, _ = next(chunks)
    missing = missing_columns(header)
    if missing:
        problems.extend(RowProblem(1, column, "column is missing from the header") for column in missing)
        return
    if not parallel:
        for chunk in chunks:
            yield _collect(_check_chunk(*chunk, today), problems), tell()
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads and sockets
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        pending: deque[tuple[Future[Chunk], int]] = deque()
        for chunk in chunks:
            pending.append((pool.submit(_check_chunk, *chunk, today), tell()))
            if len(pending) > 2 * WORKERS:
                checked, read = pending.popleft()
                yield _collect(await asyncio.wrap_future(checked), problems), read
        while pending:
            checked, read = pending.popleft()
            yield _collect(await asyncio.wrap_future(checked), problems), read


def _collect(chunk: Chunk, problems: list[RowProblem]) -> Chunk:
    """The chunk, its problems added to the file's."""
    problems.extend(chunk.problems)
    return chunk


async def _stage(
    connection: AsyncConnection,
    path: Path,
    problems: list[RowProblem],
    on_progress: Callable[[ImportPhase, int, int], None],
) -> int:
    """Check the file's rows and COPY the good ones to the staging table; returns how many."""
    await queries.create_staging_table(connection=connection)
    today = datetime.now(CST).date()
    rows = 0
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        size = os.fstat(raw.fileno()).st_size
        on_progress(ImportPhase.READING, 0, size)
        parallel = size >= PARALLEL_FROM_BYTES
        async for chunk, read in _checked(stream, problems, parallel=parallel, today=today, tell=raw.tell):
            if chunk.rows:
                await queries.copy_to_staging(connection=connection, copy_text=chunk.copy_text)
            rows += chunk.rows
            on_progress(ImportPhase.READING, read, size)
    on_progress(ImportPhase.READING, size, size)
    return rows


async def _write(
    database: Database,
    connection: AsyncConnection,
    rows: int,
    on_progress: Callable[[ImportPhase, int, int], None],
) -> "_Written":
    """Store the staged accounts and new lines, and apply the new refunds."""
    on_progress(ImportPhase.WRITING, 0, rows)
    accounts = await queries.upsert_accounts(connection=connection)
    if on_progress is _ignore_progress:
        inserted = await queries.insert_new_lines(connection=connection)
    else:
        # One statement, watched from a second connection. Inserting in batches (one statement
        # each) made a million-line import about a tenth slower: each batch reaches the indexes
        # as a sorted run of its own, all over them, where one statement makes one run.
        first = await queries.read_line_ids_drawn(connection=connection)
        watch = asyncio.create_task(_watch_insert(database, first, rows, on_progress))
        try:
            inserted = await queries.insert_new_lines(connection=connection)
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
    netted, deficit_entries = await queries.apply_refunds(connection=connection, now=datetime.now(UTC))
    on_progress(ImportPhase.WRITING, rows, rows)
    return _Written(accounts, inserted, netted, deficit_entries)


@dataclass(frozen=True, slots=True)
class _Written:
    accounts: int
    inserted: int
    netted: int
    deficit_entries: int


async def _watch_insert(
    database: Database, first: int, rows: int, on_progress: Callable[[ImportPhase, int, int], None]
) -> None:
    """Report the lines written so far, from the ids the insert drew after `first`, until cancelled.

    Of `rows`: lines imported before are not written, so with some of them the count ends short of
    the total (the write phase then reports it complete). Progress is only shown: when the
    database cannot tell it, reporting stops and the import goes on.
    """
    try:
        async with database.read() as connection:
            while True:
                await asyncio.sleep(WRITE_PROGRESS_SECONDS)
                drawn = await queries.read_line_ids_drawn(connection=connection) - first
                on_progress(ImportPhase.WRITING, min(drawn, rows), rows)
    except (SQLAlchemyError, OSError):
        return


async def import_billing_file(
    database: Database, path: Path, *, on_progress: Callable[[ImportPhase, int, int], None] = _ignore_progress
) -> ImportResult:
    """Import a billing CSV, all or nothing.

    Args:
        database: where to write.
        path: the UTF-8 CSV file with a header row (SPEC section 2).
        on_progress: called with the phase, how much of it is done and its total, as ImportPhase
            counts them: bytes read, then checks, then rows written.

    Returns:
        How many rows were read, inserted and already known.

    Raises:
        ImportRejectedError: with every problem of every row (of the row alone, and of the row
            against other rows and the lines imported before); the database is left as it was.
    """
    problems: list[RowProblem] = []
    async with database.transaction() as connection:
        # One import at a time: its checks against earlier lines must see every line committed.
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": queries.IMPORT_LOCK})
        # Statement generation takes this lock exclusively: a month cannot be generated mid-import.
        await connection.execute(
            text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": queries.GENERATION_LOCK}
        )
        try:
            rows = await _stage(connection, path, problems, on_progress)
        except UnicodeDecodeError as error:
            raise ImportRejectedError(
                [RowProblem(0, "-", f"the file is not UTF-8 text ({error.reason})")]
            ) from error
        if rows:
            on_progress(ImportPhase.CHECKING, 0, 1)
            problems.extend(await queries.find_conflicts(connection=connection))
            on_progress(ImportPhase.CHECKING, 1, 1)
        if problems:
            problems.sort(key=lambda problem: problem.line)
            raise ImportRejectedError(problems)
        if not rows:
            return ImportResult(rows=0, inserted=0, unchanged=0, accounts=0)
        written = await _write(database, connection, rows, on_progress)
    return ImportResult(
        rows=rows,
        inserted=written.inserted,
        unchanged=rows - written.inserted,
        accounts=written.accounts,
        netted=written.netted,
        deficit_entries=written.deficit_entries,
    )
