"""Memory of a big export: `python -m bench.export_memory [--statements N] [--accounts M]`.

Seeds N statements (default 1,000,000) of M accounts of one partner with one set-based INSERT ...
SELECT generate_series, on BENCH_DATABASE_URL or DATABASE_URL, else an embedded PostgreSQL in a
temporary folder; then runs the export job (as the partner, every statement) and reads the file
back chunk by chunk as the download route does. Prints this process's peak RSS
(resource.getrusage) before and after each step, the largest RSS sampled while each ran, and rows
per second: SPEC section 13 wants memory to stay flat however many rows there are.
"""

import argparse
import asyncio
import hashlib
import resource
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text

from bench.servers import DatabaseServer
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.domain.events import ExportKind
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.jobs.exports import run_export
from invoice_graph.jobs.runner import JobContext
from invoice_graph.services.exports import (
    ExportRecord,
    export_file_name,
    get_export,
    read_export_file,
    start_export,
)

DATABASE = "invoice_graph_export_bench"
MONTHS = 120  # ten years of statements an account
_LINK_SECRET = "bench-export-link-secret"  # noqa: S105 (signs nothing outside this run)
_PAGE = resource.getpagesize()

_SEED = """
WITH partner AS (INSERT INTO partners (code, name) VALUES ('BENCH', '基准伙伴') RETURNING id),
     made AS (
         INSERT INTO accounts (account_number, name, partner_id)
         SELECT 'ACC-' || lpad(n::text, 7, '0'), '客户 ' || n || ' 有限公司', partner.id
         FROM generate_series(1, :accounts) n, partner
         RETURNING id
     )
INSERT INTO statements (account_id, month, cloud_expense_fen, market_expense_fen, invoiceable_cloud_fen,
                        invoiceable_market_fen, voucher_fen, coupon_fen)
SELECT id, DATE '2015-01-01' + make_interval(months => m), c, k, c - c / 10, k - k / 5, c / 20, k / 50
FROM (
    SELECT made.id, m, (random() * 10000000)::bigint AS c, (random() * 2000000)::bigint AS k
    FROM made, generate_series(0, :months - 1) m
) amounts
ORDER BY id, m
LIMIT :statements
"""


def _peak_mib() -> float:
    """This process's peak resident set so far, in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_mib() -> float:
    """This process's resident set now, in MiB (Linux; else the peak)."""
    try:
        resident = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return _peak_mib()
    return resident * _PAGE / (1024 * 1024)


@asynccontextmanager
async def _sampled(label: str) -> AsyncIterator[None]:
    """Print the peak RSS before and after the block, and the largest RSS sampled during it."""
    samples: list[float] = [_current_mib()]

    async def sample() -> None:
        while True:
            samples.append(_current_mib())
            await asyncio.sleep(0.05)

    before = _peak_mib()
    task = asyncio.create_task(sample())
    try:
        yield
    finally:
        task.cancel()
        samples.append(_current_mib())
        print(
            f"  {label}: peak RSS {before:.1f} MiB before, {_peak_mib():.1f} MiB after; "
            f"RSS sampled during it {min(samples):.1f}-{max(samples):.1f} MiB",
            flush=True,
        )


async def _seed(database: Database, *, statements: int, accounts: int) -> Viewer:
    """Seed the statements in one statement, server-side; the partner that sees them all."""
    async with database.transaction() as connection:
        await connection.execute(text("SET LOCAL statement_timeout = 0"))  # one big INSERT
        await connection.execute(text("TRUNCATE partners, accounts, statements, export_jobs, jobs CASCADE"))
        await connection.execute(
            text(_SEED), {"accounts": accounts, "months": MONTHS, "statements": statements}
        )
        partner = (
            await connection.execute(text("SELECT id FROM partners WHERE code = 'BENCH'"))
        ).scalar_one()
    return Viewer(role=Role.PARTNER, token_id=0, partner_id=int(partner))


async def _download(database: Database, export: ExportRecord) -> tuple[int, str]:
    """Read the file as the download route streams it: its size and SHA-256."""
    found = await read_export_file(database, export_id=export.id, file_name=export_file_name(export))
    assert found is not None  # noqa: S101 (a bench's own check)
    digest, size = hashlib.sha256(), 0
    async for chunk in found.chunks:
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


async def measure(statements: int, accounts: int) -> None:
    """Seed, export, download, and print the figures."""
    server = DatabaseServer()
    print(f"export memory bench on {server.describe()}", flush=True)
    try:
        url = await server.database(DATABASE, fresh=True)
        settings = Settings(environment="production", download_link_secret=_LINK_SECRET)
        database = Database.connect(url, pool_size=4, statement_timeout_ms=settings.statement_timeout_ms)
        try:
            await migrate(database.engine)
            started = time.perf_counter()
            partner = await _seed(database, statements=statements, accounts=accounts)
            print(f"  seeded {statements:,} statements in {time.perf_counter() - started:.1f} s", flush=True)
            export = await start_export(
                database,
                viewer=partner,
                kind=ExportKind.STATEMENTS,
                from_month=None,
                to_month=None,
                account_ids=None,
            )
            context = JobContext(database=database, settings=settings, job_id=0, attempt=1, max_attempts=1)
            async with _sampled("export job"):
                started = time.perf_counter()
                await run_export(context, {"export_id": export.id})
                spent = time.perf_counter() - started
            done = await get_export(database, viewer=partner, export_id=export.id)
            assert done is not None  # noqa: S101 (a bench's own check)
            assert done.size_bytes is not None  # noqa: S101
            print(
                f"  export: {done.status}, {done.row_count:,} rows, {done.size_bytes / 1e6:.1f} MB "
                f"in {spent:.1f} s = {(done.row_count or 0) / spent:,.0f} rows/s",
                flush=True,
            )
            async with _sampled("download"):
                started = time.perf_counter()
                size, sha256 = await _download(database, done)
                spent = time.perf_counter() - started
            same = "matches" if (size, sha256) == (done.size_bytes, done.sha256) else "DIFFERS FROM"
            print(
                f"  download: {size / 1e6:.1f} MB in {spent:.1f} s; its SHA-256 {same} the job's", flush=True
            )
        finally:
            await database.dispose()
    finally:
        server.close()


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000, help="statements to seed and export")
    parser.add_argument(
        "--accounts", type=int, default=None, help=f"accounts (default: statements / {MONTHS})"
    )
    options = parser.parse_args()
    accounts = options.accounts or -(-options.statements // MONTHS)
    asyncio.run(measure(options.statements, accounts))


if __name__ == "__main__":
    main()
