"""The ASGI application: /graphql (with GraphiQL), /healthz, /readyz, /metrics, /documents and /exports.

Its lifespan also runs the statement schedule and, unless RUN_JOBS is false, the background jobs.
"""

import gc
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute

from invoice_graph.config import Settings
from invoice_graph.domain.workdays import use_holiday_schedule
from invoice_graph.graphql.schema import schema
from invoice_graph.graphql.view import GraphQLView
from invoice_graph.http.auth import BearerAuth
from invoice_graph.http.body_limit import BodySizeLimit
from invoice_graph.http.downloads import download_route
from invoice_graph.http.exports import export_download_route
from invoice_graph.http.graphiql import graphiql_assets
from invoice_graph.http.health import healthz, readiness_endpoint
from invoice_graph.http.metrics import metrics_endpoint, track_pool
from invoice_graph.http.request_log import ObserveRequests, count_statements
from invoice_graph.jobs.handlers import HANDLERS
from invoice_graph.jobs.runner import running_jobs
from invoice_graph.scheduler import statement_schedule
from invoice_graph.services import Database
from invoice_graph.services.rate_limits import rate_limiter_from


def create_app(settings: Settings, database: Database) -> Starlette:
    """Build the application over a migrated database; the caller owns the database's lifetime."""
    graphql = GraphQLView(
        schema, settings=settings, database=database, rate_limiter=rate_limiter_from(settings, database)
    )
    count_statements(database.engine)
    track_pool(database)
    use_holiday_schedule(settings.holiday_schedule)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # What start-up made (modules, the schema, caches) lives as long as the process: keep it out
        # of every garbage collection (bench/RESULTS.md: about half the CPU of a partner view).
        gc.collect()
        gc.freeze()
        async with AsyncExitStack() as background:
            background.push_async_callback(graphql.feed.close)  # the subscriptions' LISTEN connection
            await background.enter_async_context(
                statement_schedule(database, settings.statement_schedule_seconds)
            )
            if settings.run_jobs:  # off where `invoice-graph worker` processes run them instead
                await background.enter_async_context(running_jobs(database, settings, HANDLERS))
            yield

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readiness_endpoint(database)),
            Route("/metrics", metrics_endpoint(database, settings)),
            download_route(database, settings),
            export_download_route(database, settings),
            graphiql_assets(),
            Route(
                "/graphql",
                ObserveRequests(
                    BearerAuth(BodySizeLimit(graphql, settings.max_request_bytes), database),
                    deadline_seconds=settings.request_timeout_seconds,
                ),
            ),
            # Subscriptions (graphql-transport-ws): the token comes in connection_init, which the
            # view checks, so no HTTP middleware stands in front.
            WebSocketRoute("/graphql", graphql),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_allow_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                max_age=600,
            )
        ],
        lifespan=lifespan,
    )
