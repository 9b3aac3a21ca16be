"""Measures outside the HTTP path: importing a large CSV with the real command, beside a raw COPY
of the same file (the floor), and generating a month."""

import asyncio
import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bench.dataset import write_csv
from bench.servers import DatabaseServer, invoice_graph_command, plain_dsn
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.domain.months import Month, cst_midnight
from invoice_graph.services.statements import generate_due_statements

IMPORT_DATABASE = "invoice_graph_bench_import"
# The floor's table: the file's header columns, typed as the importer stores them where the file's
# text fits the type as it is (the amounts are decimal yuan in the file, stored as bigint fen, so
# numeric here); any other column is text. No key, no constraint, no index.
FLOOR_TABLE = "bench_copy_floor"
_FLOOR_TYPES = {
    "billed_on": "date",
    "delivered_on": "date",
    "self_operated": "boolean",
    "amount": "numeric",
    "voucher_amount": "numeric",
    "coupon_amount": "numeric",
    "gift_balance_amount": "numeric",
    "cash_amount": "numeric",
}
# Runs a command and reports its time and the peak RSS of its process tree (RUSAGE_CHILDREN),
# isolated from the harness's other children (wrk, the servers).
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": done.returncode, "seconds": time.perf_counter() - started,
    "max_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    "output": (done.stdout + done.stderr)[-2000:]}))
"""


@dataclass(frozen=True, slots=True)
class OfflineFigures:
    """The import's and the generation's figures."""

    lines: int
    import_seconds: float
    import_peak_mb: float
    # A raw COPY of the same file into an unindexed table, in the same database, from its start to
    # its commit.
    copy_floor_seconds: float
    accounts: int
    generation_seconds: float
    statements: int


async def measure_import_and_generation(
    server: DatabaseServer, workdir: Path, *, accounts: int, months: list[Month]
) -> OfflineFigures:
    """Import a CSV of accounts x months x 10 lines with `invoice-graph import-billing`, in a database
    of its own, then generate the statements of its oldest month (one statement per account)."""
    url = await server.database(IMPORT_DATABASE, fresh=True)
    database = Database.connect(url, pool_size=2)
    try:
        await migrate(database.engine)
        path = workdir / "import.csv"
        print(f"  writing {accounts * len(months) * 10:,} lines to {path} ...", flush=True)
        lines = write_csv(path, accounts=accounts, months=months)
        # Before the import, on the same file (both read it from the page cache), so that the floor
        # runs on a quiet server rather than behind the checkpoint the import's writes bring on.
        print(f"  the floor: raw COPY of the file into an unindexed table ({lines:,} lines) ...", flush=True)
        floor_seconds = await copy_floor(url, path, lines=lines)
        print(f"  invoice-graph import-billing ({lines:,} lines) ...", flush=True)
        command = [sys.executable, "-c", _MEASURE, invoice_graph_command(), "import-billing", str(path)]
        env = {**os.environ, "DATABASE_URL": url}
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True, check=True
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result["rc"] != 0:
            raise RuntimeError(f"import-billing failed:\n{result['output']}")
        path.unlink()
        oldest = months[0]
        due_at = cst_midnight(oldest.next().first_day.replace(day=3))
        print(f"  generating the statements of {oldest} ...", flush=True)
        started = time.perf_counter()
        generated = await generate_due_statements(database, now=due_at)
        seconds = time.perf_counter() - started
    finally:
        await database.dispose()
    return OfflineFigures(
        lines=lines,
        import_seconds=result["seconds"],
        import_peak_mb=result["max_rss_kb"] / 1024,
        copy_floor_seconds=floor_seconds,
        accounts=accounts,
        generation_seconds=seconds,
        statements=generated.statements,
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def copy_floor(url: str, path: Path, *, lines: int) -> float:
    """Seconds a raw `COPY ... FROM STDIN WITH (FORMAT csv, HEADER true)` of the CSV takes, from its
    start to its commit, into a fresh table of the file's header columns (typed as in
    `_FLOOR_TYPES`, else text) without key, constraint or index; the table is dropped afterwards."""
    with path.open(newline="", encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    columns = ", ".join(f"{_quoted(name)} {_FLOOR_TYPES.get(name, 'text')}" for name in header)
    connection = await asyncpg.connect(plain_dsn(url))
    try:
        await connection.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        await connection.execute(f"CREATE TABLE {FLOOR_TABLE} ({columns})")
        try:
            started = time.perf_counter()
            async with connection.transaction():
                status = await connection.copy_to_table(
                    FLOOR_TABLE, source=path, columns=header, format="csv", header=True
                )
            seconds = time.perf_counter() - started
        finally:
            await connection.execute(f"DROP TABLE {FLOOR_TABLE}")
        if status != f"COPY {lines}":
            raise RuntimeError(f"the floor's COPY of {lines:,} lines answered {status!r}")
    finally:
        await connection.close()
    return seconds
