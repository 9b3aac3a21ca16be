"""graphql-core's executor against the planned one, in one process: `python -m bench.executors`.

The same app (`create_app`, production settings) answers the benchmark's read documents with
requests alternating between the two executors (graphql/execution.py), so whatever else the
machine does falls on both alike. Prints the process's CPU milliseconds a request for each, and
checks that both answer the same bytes. Needs the seeded benchmark database (`python -m bench`
once first).
"""

import argparse
import asyncio
import statistics
import time

import httpx
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bench import documents
from bench.inprocess import QUERIES, prepared_app
from invoice_graph.graphql.execution import PlannedExecutor
from invoice_graph.graphql.schema import schema

EXECUTORS = {"graphql-core": StrawberryGraphQLCoreExecutionContext, "planned": PlannedExecutor}


async def measure(requests: int) -> dict[str, dict[str, list[float]]]:
    """CPU milliseconds of each request, per query and executor."""
    app, database, tokens = await prepared_app()
    queries = {name: (QUERIES[name], tokens[name]) for name in QUERIES}
    spent: dict[str, dict[str, list[float]]] = {
        name: {executor: [] for executor in EXECUTORS} for name in queries
    }
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        ) as client:
            for name, (query, token) in queries.items():
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
                content = documents.body(query)
                answers = set()
                count = requests if name == "console" else max(4, requests // 10)
                for index in range(count + 10):
                    for executor, context_class in EXECUTORS.items():
                        schema.execution_context_class = context_class
                        started = time.process_time()
                        answer = await client.post("/graphql", content=content, headers=headers)
                        if index >= 10:  # the first ones warm the caches
                            spent[name][executor].append((time.process_time() - started) * 1000)
                        answers.add(answer.content)
                if len(answers) != 1 or b'"errors"' in next(iter(answers)):
                    raise RuntimeError(f"{name}: the executors answer differently or with errors")
    finally:
        schema.execution_context_class = PlannedExecutor
        await database.dispose()
    return spent


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per executor (the partner view: a tenth)")
    options = parser.parse_args()
    for name, by_executor in asyncio.run(measure(options.requests)).items():
        figures = {executor: statistics.fmean(values) for executor, values in by_executor.items()}
        standard, planned = figures["graphql-core"], figures["planned"]
        print(
            f"{name}: graphql-core {standard:.2f} ms, planned {planned:.2f} ms CPU a request "
            f"({standard / planned:.2f}x; this process: the server and httpx)"
        )


if __name__ == "__main__":
    main()
