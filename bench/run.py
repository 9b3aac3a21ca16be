"""`python -m bench [--quick]`: the whole benchmark, bounded in time, writing bench/RESULTS.md.

1. Seeds a database of its own (accounts x 24 months x 10 lines through the import service,
   statements, titles, addresses, applications on a third of the months).
2. Starts the real server (`invoice-graph serve`, one uvicorn worker, ENVIRONMENT=production) and
   the floor (bench/floor.py) side by side, checks they answer byte-identical JSON, counts the
   round trips per request, then loads them in turns with wrk: same concurrency, same time, the
   order alternating between rounds; ratios are taken within a round, medians over rounds.
3. Imports a large CSV with `invoice-graph import-billing` and generates a month of statements.
"""

import argparse
import asyncio
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


@dataclass
class Round:
    """One round's figures of one operation."""

    api: LoadResult
    floor: LoadResult
    api_unloaded: LoadResult
    floor_unloaded: LoadResult


def _load_rounds(wrk: str, prepared: Prepared, ports: tuple[int, int], plan: Plan) -> dict[str, list[Round]]:
    urls = {"api": f"http://127.0.0.1:{ports[0]}/graphql", "floor": f"http://127.0.0.1:{ports[1]}/graphql"}
    rounds: dict[str, list[Round]] = {op.name: [] for op in prepared.operations}
    for number in range(plan.rounds):
        order = ["api", "floor"] if number % 2 == 0 else ["floor", "api"]
        for operation in prepared.operations:
            figures: dict[str, LoadResult] = {}
            for connections, seconds, suffix in (
                (plan.connections, plan.seconds, ""),
                (1, plan.unloaded_seconds, "-1"),
            ):
                for target in order:
                    figures[target + suffix] = run_wrk(
                        wrk, urls[target], operation, connections=connections, seconds=seconds, threads=2
                    )
                    if operation.cycle:
                        asyncio.run(prepared.free_mutation_month())
            round_ = Round(figures["api"], figures["floor"], figures["api-1"], figures["floor-1"])
            rounds[operation.name].append(round_)
            print(
                f"  round {number + 1} {operation.name:8s} api {round_.api.requests_per_s:7.0f}/s "
                f"floor {round_.floor.requests_per_s:7.0f}/s  ratio "
                f"{round_.api.requests_per_s / round_.floor.requests_per_s:.2f}  unloaded p50 "
                f"{round_.api_unloaded.p50_ms:.2f} / {round_.floor_unloaded.p50_ms:.2f} ms",
                flush=True,
            )
    return rounds


def _run_http(
    wrk: str, prepared: Prepared, plan: Plan, workdir: Path
) -> tuple[dict[str, list[Round]], float, float]:
    api_port, floor_port = free_port(), free_port()
    env = server_env(prepared.url)
    api = serving(api_command(api_port), env, f"http://127.0.0.1:{api_port}/healthz", workdir / "api.log")
    with api as api_pid:
        extensions = workdir / "extensions.json"
        extensions.write_text(json.dumps(learn_extensions(prepared, api_port)))
        floor = serving(
            floor_command(plain_dsn(prepared.url), floor_port, extensions),
            env,
            f"http://127.0.0.1:{floor_port}/graphql",
            workdir / "floor.log",
        )
        with floor as floor_pid:
            print("Checking that the API and the floor answer the same bytes ...", flush=True)
            verify_identical(prepared, api_port, floor_port)
            print(
                f"Loading ({plan.rounds} rounds, {plan.connections} connections, "
                f"{plan.seconds:g} s a run) ...",
                flush=True,
            )
            rounds = _load_rounds(wrk, prepared, (api_port, floor_port), plan)
            return rounds, peak_rss_mb(api_pid), peak_rss_mb(floor_pid)


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
                rounds, api_rss, floor_rss = _run_http(wrk, prepared, plan, workdir)
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
