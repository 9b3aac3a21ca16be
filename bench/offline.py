"""Measures outside the HTTP path: importing a large CSV with the real command, and generating a month."""

import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.dataset import write_csv
from bench.servers import DatabaseServer, invoice_graph_command
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.domain.months import Month, cst_midnight
from invoice_graph.services.statements import generate_due_statements

IMPORT_DATABASE = "invoice_graph_bench_import"
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
        accounts=accounts,
        generation_seconds=seconds,
        statements=generated.statements,
    )
