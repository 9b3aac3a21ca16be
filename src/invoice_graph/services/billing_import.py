"""Importing the billing system's CSV: checked in full, then bulk-loaded in one transaction."""

import asyncio
import csv
import io
import itertools
import multiprocessing
import os
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import billing as queries
from invoice_graph.domain.billing_rows import BillingLine, RowProblem, missing_columns, parse_row


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
    )


# Files from this size on are checked by worker processes (parse_row costs ~30 us a row, so a
# million lines would take half a minute on one core); smaller ones in this process, which
# avoids the workers' start-up.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024
WORKERS = 2
CHUNK_ROWS = 10_000
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
    texts = (line.account_number, line.account_name, partner or "", line.line_id, line.product, line.seller)
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
    )
    return "\t".join(fields) + "\n"


# A record as `_records` gives it: the text of a plain line, or the cells csv.reader read.
Record = str | list[str]


def _check_chunk(first_number: int, header: list[str], rows: list[Record]) -> Chunk:
    """Check rows numbered from first_number.

    The good rows are encoded for COPY here, in the worker, so the importing process only
    forwards bytes (encoding a million records there costs as much as checking them).
    """
    lines: list[str] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=first_number):
        if not row:
            continue  # a blank row: skipped, but counted, as a spreadsheet numbers rows
        cells = row.split(",") if isinstance(row, str) else row
        # As csv.DictReader reads a row: missing cells are None, surplus cells are ignored.
        parsed = parse_row(number, dict(zip(header, cells, strict=False)))
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


async def _checked(stream: IO[str], problems: list[RowProblem], *, parallel: bool) -> AsyncIterator[Chunk]:
    """Check every row; while none is bad, yield the good ones in batches for COPY, in file order."""
    chunks = _chunks(stream)
    _, header, _ = next(chunks)
    missing = missing_columns(header)
    if missing:
        problems.extend(RowProblem(1, column, "column is missing from the header") for column in missing)
        return
    if not parallel:
        for chunk in chunks:
            yield _keep(_check_chunk(*chunk), problems)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads and sockets
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        pending: deque[Future[Chunk]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_check_chunk, *chunk))
            if len(pending) > 2 * WORKERS:
                yield _keep(await asyncio.wrap_future(pending.popleft()), problems)
        while pending:
            yield _keep(await asyncio.wrap_future(pending.popleft()), problems)


def _keep(chunk: Chunk, problems: list[RowProblem]) -> Chunk:
    """A chunk while the file has no problem yet; an empty one once it has one."""
    problems.extend(chunk.problems)
    return Chunk(b"", 0, []) if problems else chunk


async def _stage(
    connection: AsyncConnection, path: Path, problems: list[RowProblem], on_progress: Callable[[int], None]
) -> int:
    await queries.create_staging_table(connection=connection)
    rows = 0
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        parallel = os.fstat(raw.fileno()).st_size >= PARALLEL_FROM_BYTES
        async for chunk in _checked(stream, problems, parallel=parallel):
            if chunk.rows:
                await queries.copy_to_staging(connection=connection, copy_text=chunk.copy_text)
            rows += chunk.rows
            on_progress(raw.tell())
    return rows


async def import_billing_file(
    database: Database, path: Path, *, on_progress: Callable[[int], None] = lambda _: None
) -> ImportResult:
    """Import a billing CSV, all or nothing.

    Args:
        database: where to write.
        path: the UTF-8 CSV file with a header row (SPEC section 2).
        on_progress: called with the number of bytes read so far.

    Returns:
        How many rows were read, inserted and already known.

    Raises:
        ImportRejectedError: with every bad row; the database is left as it was.
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
        if not problems:
            problems.extend(await queries.find_conflicts(connection=connection))
        if problems:
            problems.sort(key=lambda problem: problem.line)
            raise ImportRejectedError(problems)
        accounts = await queries.upsert_accounts(connection=connection)
        inserted = await queries.insert_new_lines(connection=connection)
    return ImportResult(rows=rows, inserted=inserted, unchanged=rows - inserted, accounts=accounts)
