"""Importing the billing system's CSV: checked in full, then bulk-loaded in one transaction."""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import billing as queries
from invoice_graph.domain.billing_rows import BillingLine, RowProblem, missing_columns, parse_row

BATCH_ROWS = 20_000


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


def _batches(stream: IO[str], problems: list[RowProblem]) -> Iterator[list[tuple[Any, ...]]]:
    """Check every row; while none is bad, yield the good ones in batches for COPY."""
    reader = csv.DictReader(stream)
    missing = missing_columns(list(reader.fieldnames or []))
    if missing:
        problems.extend(RowProblem(1, column, "column is missing from the header") for column in missing)
        return
    batch: list[tuple[Any, ...]] = []
    for index, values in enumerate(reader):
        number = index + 2  # the header is line 1, as a spreadsheet numbers rows
        parsed = parse_row(number, values)
        if isinstance(parsed, list):
            problems.extend(parsed)
        elif not problems:
            batch.append(_record(number, parsed))
        if (index + 1) % BATCH_ROWS == 0:
            yield batch if not problems else []
            batch = []
    if not problems:
        yield batch


async def _stage(
    connection: AsyncConnection, path: Path, problems: list[RowProblem], on_progress: Callable[[int], None]
) -> int:
    await queries.create_staging_table(connection=connection)
    rows = 0
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        for batch in _batches(stream, problems):
            if batch:
                await queries.copy_to_staging(connection=connection, records=batch)
            rows += len(batch)
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
