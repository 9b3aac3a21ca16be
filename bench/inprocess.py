"""Server CPU per request, without HTTP: `python -m bench.inprocess [console|partner] [--requests N]`.

Sends the benchmark's documents through the real ASGI app (`create_app`, production settings as
the benchmark's server gets them) with httpx, in a loop, against the seeded benchmark database
(run `python -m bench` once first). Prints the median and mean milliseconds per request and the
process's CPU per request (steadier than wall time on a shared machine); wrap it
in `py-spy record -- python -m bench.inprocess ...` to profile the server's code alone.
"""

import argparse
import asyncio
import gc
import os
import statistics
import time

import httpx
from starlette.applications import Starlette

from bench import dataset, documents
from bench.preparation import BENCH_DATABASE, CONSOLE_ACCOUNT
from bench.run import server_env
from bench.servers import DatabaseServer
from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token

QUERIES = {"console": documents.CONSOLE, "partner": documents.PARTNER}


async def prepared_app() -> tuple[Starlette, Database, dict[str, str]]:
    """The app over the seeded benchmark database, and a token for each of QUERIES."""
    server = DatabaseServer()
    url = await server.database(BENCH_DATABASE, fresh=False)
    os.environ.update(server_env(url))
    database = Database.connect(url, pool_size=4)
    customer = await create_token(
        database, role=Role.CUSTOMER, account_number=dataset.account_number(CONSOLE_ACCOUNT), label="bench"
    )
    partner = await create_token(database, role=Role.PARTNER, partner_code=dataset.BIG_PARTNER, label="bench")
    app = create_app(Settings(), database)
    # As the app's lifespan does once start-up is over (httpx's transport runs no lifespan).
    gc.collect()
    gc.freeze()
    return app, database, {"console": customer.secret, "partner": partner.secret}


async def measure(names: list[str], requests: int) -> dict[str, tuple[list[float], float]]:
    """Milliseconds of each request, and this process's CPU milliseconds a request, per query."""
    app, database, tokens = await prepared_app()
    times: dict[str, tuple[list[float], float]] = {}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for name in names:
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {tokens[name]}"}
                content = documents.body(QUERIES[name])
                for _ in range(max(3, requests // 10)):
                    answer = await client.post("/graphql", content=content, headers=headers)
                    if answer.status_code != 200 or b'"errors"' in answer.content:
                        raise RuntimeError(f"{name}: {answer.text[:500]}")
                spent: list[float] = []
                count = requests if name == "console" else max(3, requests // 10)
                cpu = time.process_time()
                for _ in range(count):
                    started = time.perf_counter()
                    await client.post("/graphql", content=content, headers=headers)
                    spent.append((time.perf_counter() - started) * 1000)
                times[name] = (spent, (time.process_time() - cpu) * 1000 / count)
    finally:
        await database.dispose()
    return times


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="*", help=f"some of {', '.join(QUERIES)} (default: all)")
    parser.add_argument("--requests", type=int, default=200, help="per query (the partner view: a tenth)")
    options = parser.parse_args()
    unknown = set(options.queries) - set(QUERIES)
    if unknown:
        parser.error(f"unknown queries: {', '.join(sorted(unknown))}")
    measured = asyncio.run(measure(options.queries or list(QUERIES), options.requests))
    for name, (spent, cpu) in measured.items():
        print(
            f"{name}: median {statistics.median(spent):.2f} ms, mean {statistics.fmean(spent):.2f} ms, "
            f"CPU {cpu:.2f} ms a request (this process: the server and httpx)"
        )


if __name__ == "__main__":
    main()
