"""`python -m bench [--quick]`: the whole benchmark, bounded in time, writing bench/RESULTS.md.

1. Seeds a database of its own (accounts x 24 months x 10 lines through the import service,
   statements, titles, addresses, applications on a third of the months; every tenth account
   outside P-BIG: an issued ELECTRONIC application with its PDF and XML, and a 50-entry invoice
   deficit ledger).
2. Starts the real server (`invoice-graph serve`, one uvicorn worker, ENVIRONMENT=production) and
   the floor (bench/floor.py) side by side, checks they answer byte-identical JSON, counts the
   round trips per request, then loads them in turns with wrk: same concurrency, same time, the
   order alternating between rounds; ratios are taken within a round, medians over rounds.
   A third server, `serve --workers N` (default 2), is loaded with the console page in the same
   rounds, beside the one-worker figure and the floor.
3. Imports a large CSV with `invoice-graph import-billing` and generates a month of statements.
"""

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import dataset, report
from bench.counting import Counted
from bench.load import LoadResult, ensure_wrk, run_wrk
from bench.offline import OfflineFigures, measure_import_and_generation
from bench.preparation import Prepared, count_round_trips, learn_extensions, prepare, verify_identical
from bench.servers import (
    DatabaseServer,
    api_command,
    floor_command,
    free_port,
    peak_rss_mb,
    plain_dsn,
    serving,
    worker_cpu_ticks,
)

RESULTS = Path(__file__).with_name("RESULTS.md")


@dataclass(frozen=True, slots=True)
class Plan:
    """How big and how long a run is."""

    accounts: int
    rounds: int
    seconds: float
    unloaded_seconds: float
    connections: int
    import_accounts: int
    import_months: int


FULL = Plan(2_000, 3, 10, 4, 8, 10_000, 10)
QUICK = Plan(300, 3, 3, 2, 8, 2_000, 10)


def server_env(url: str) -> dict[str, str]:
    """The environment of the real server: production settings, no rate limiting for the load."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "production",
        # The rate limiter would turn the load into 429s: the benchmark measures the work, so its
        # buckets stay in memory (no SQL) and never fill.
        "RATE_LIMIT_STORE": "memory",
        "RATE_LIMIT_CAPACITY": str(10**12),
        "RATE_LIMIT_LEAK_PER_SECOND": str(10**12),
        "LOG_LEVEL": "WARNING",
    }


# The operation also loaded on the server with several worker processes.
WORKERS_OPERATION = "console"


@dataclass
class Round:
    """One round's figures of one operation (`workers`: the several-process server's, if loaded,
    and the share of its workers' CPU time the busiest worker spent)."""

    api: LoadResult
    floor: LoadResult
    api_unloaded: LoadResult
    floor_unloaded: LoadResult
    workers: LoadResult | None = None
    busiest_share: float = float("nan")


def _busiest_share(before: dict[int, int], after: dict[int, int]) -> float:
    """Of the CPU time the workers spent between two readings, the share of the busiest one."""
    spent = [after[pid] - before.get(pid, 0) for pid in after]
    return max(spent) / sum(spent) if sum(spent) else float("nan")


def _load_rounds(
    wrk: str, prepared: Prepared, ports: dict[str, int], plan: Plan, workers_pid: int | None
) -> dict[str, list[Round]]:
    urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
    rounds: dict[str, list[Round]] = {op.name: [] for op in prepared.operations}
    for number in range(plan.rounds):
        for operation in prepared.operations:
            figures: dict[str, LoadResult] = {}
            share = float("nan")
            several = operation.name == WORKERS_OPERATION and workers_pid is not None
            loaded = ["api", "floor", "workers"] if several else ["api", "floor"]
            for connections, seconds, suffix, targets in (
                (plan.connections, plan.seconds, "", loaded),
                (1, plan.unloaded_seconds, "-1", ["api", "floor"]),
            ):
                for target in targets if number % 2 == 0 else reversed(targets):
                    ticks = worker_cpu_ticks(workers_pid) if target == "workers" and workers_pid else {}
                    figures[target + suffix] = run_wrk(
                        wrk, urls[target], operation, connections=connections, seconds=seconds, threads=2
                    )
                    if ticks and workers_pid:
                        share = _busiest_share(ticks, worker_cpu_ticks(workers_pid))
                    if operation.cycle:
                        asyncio.run(prepared.free_mutation_month())
            round_ = Round(
                figures["api"],
                figures["floor"],
                figures["api-1"],
                figures["floor-1"],
                figures.get("workers"),
                share,
            )
            rounds[operation.name].append(round_)
            extra = (
                f"  workers {round_.workers.requests_per_s:7.0f}/s (busiest {share:.0%} of their CPU)"
                if round_.workers
                else ""
            )
            failed = {name: result.failures for name, result in figures.items() if result.failures}
            extra += f"  FAILED {failed}" if failed else ""
            print(
                f"  round {number + 1} {operation.name:8s} api {round_.api.requests_per_s:7.0f}/s "
                f"floor {round_.floor.requests_per_s:7.0f}/s  ratio "
                f"{round_.api.requests_per_s / round_.floor.requests_per_s:.2f}  unloaded p50 "
                f"{round_.api_unloaded.p50_ms:.2f} / {round_.floor_unloaded.p50_ms:.2f} ms{extra}",
                flush=True,
            )
    return rounds


def _run_http(
    wrk: str, prepared: Prepared, plan: Plan, workdir: Path, workers: int
) -> tuple[dict[str, list[Round]], float, float]:
    ports = {"api": free_port(), "floor": free_port()}
    env = server_env(prepared.url)
    api = serving(
        api_command(ports["api"]), env, f"http://127.0.0.1:{ports['api']}/healthz", workdir / "api.log"
    )
    with api as api_pid, contextlib.ExitStack() as others:
        extensions = workdir / "extensions.json"
        extensions.write_text(json.dumps(learn_extensions(prepared, ports["api"])))
        floor = serving(
            floor_command(plain_dsn(prepared.url), ports["floor"], extensions),
            env,
            f"http://127.0.0.1:{ports['floor']}/graphql",
            workdir / "floor.log",
        )
        floor_pid = others.enter_context(floor)
        print("Checking that the API and the floor answer the same bytes ...", flush=True)
        verify_identical(prepared, ports["api"], ports["floor"])
        workers_pid = None
        if workers > 1:
            started = _start_workers_server(wrk, prepared, env, workdir, workers, others)
            ports["workers"], workers_pid = started
            verify_identical(prepared, ports["workers"], ports["floor"], only=WORKERS_OPERATION)
        print(
            f"Loading ({plan.rounds} rounds, {plan.connections} connections, {plan.seconds:g} s a run) ...",
            flush=True,
        )
        rounds = _load_rounds(wrk, prepared, ports, plan, workers_pid)
        return rounds, peak_rss_mb(api_pid), peak_rss_mb(floor_pid)


def _start_workers_server(
    wrk: str,
    prepared: Prepared,
    env: dict[str, str],
    workdir: Path,
    workers: int,
    stack: contextlib.ExitStack,
) -> tuple[int, int]:
    """`serve --workers N` on a port of its own until the stack closes, warmed up; its port and pid."""
    port = free_port()
    print(f"Starting `invoice-graph serve --workers {workers}` ...", flush=True)
    pid = stack.enter_context(
        serving(
            api_command(port, workers=workers),
            env,
            f"http://127.0.0.1:{port}/healthz",
            workdir / "workers.log",
        )
    )
    # /healthz answers once one worker is up; a short load gives the others time to start too.
    operation = next(op for op in prepared.operations if op.name == WORKERS_OPERATION)
    run_wrk(wrk, f"http://127.0.0.1:{port}/graphql", operation, connections=2, seconds=2, threads=1)
    return port, pid


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="A smaller data set and shorter runs (~3 min).")
    parser.add_argument("--rounds", type=int, help="Rounds of load (at least 3 for the medians).")
    parser.add_argument("--seconds", type=float, help="Length of each loaded wrk run.")
    parser.add_argument("--reseed", action="store_true", help="Seed again even if the data set is there.")
    parser.add_argument("--skip-offline", action="store_true", help="Skip the import and generation runs.")
    parser.add_argument("--skip-load", action="store_true", help="Skip the HTTP load.")
    parser.add_argument("--output", type=Path, default=RESULTS, help="Where to write the results table.")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help=f"Also load the {WORKERS_OPERATION} page on `serve --workers N` (default 2; 1 skips it).",
    )
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    if arguments.rounds:
        plan = Plan(**{**_fields(plan), "rounds": arguments.rounds})
    if arguments.seconds:
        plan = Plan(**{**_fields(plan), "seconds": arguments.seconds})
    started = time.monotonic()
    wrk = ensure_wrk()
    server = DatabaseServer()
    try:
        with tempfile.TemporaryDirectory(prefix="invoice-graph-bench-") as folder:
            workdir = Path(folder)
            print(
                f"Data set: {plan.accounts:,} accounts x 24 months x 10 lines on {server.describe()}",
                flush=True,
            )
            prepared = asyncio.run(
                prepare(
                    server,
                    plan.accounts,
                    workdir,
                    reseed=arguments.reseed,
                    mutation_accounts=plan.connections,
                )
            )
            counts: dict[str, tuple[Counted, Counted]] = {}
            rounds: dict[str, list[Round]] = {}
            api_rss = floor_rss = float("nan")
            if not arguments.skip_load:
                print("Counting round trips per request (in process, warm pools) ...", flush=True)
                counts = asyncio.run(count_round_trips(prepared, server_env(prepared.url)))
                rounds, api_rss, floor_rss = _run_http(wrk, prepared, plan, workdir, arguments.workers)
            offline: OfflineFigures | None = None
            if not arguments.skip_offline:
                print("Import and generation ...", flush=True)
                months = dataset.due_months(plan.import_months)
                offline = asyncio.run(
                    measure_import_and_generation(
                        server, workdir, accounts=plan.import_accounts, months=months
                    )
                )
    finally:
        server.close()
    text = report.render(
        plan_name="quick" if arguments.quick else "full",
        plan=plan,
        operations=prepared.operations,
        rounds={
            name: [(r.api, r.floor, r.api_unloaded, r.floor_unloaded) for r in values]
            for name, values in rounds.items()
        },
        counts=counts,
        workers=(
            arguments.workers,
            [
                report.WorkersRound(r.api, r.floor, r.workers, r.busiest_share)
                for r in rounds.get(WORKERS_OPERATION, [])
                if r.workers is not None
            ],
        ),
        rss=(api_rss, floor_rss),
        offline=offline,
        where=server.describe(),
        postgres=prepared.postgres_version,
        minutes=(time.monotonic() - started) / 60,
    )
    print()
    print(text)
    report.write(arguments.output, text)
    print(f"Wrote {arguments.output}")


def _fields(plan: Plan) -> dict[str, float | int]:
    return {name: getattr(plan, name) for name in Plan.__slots__}
