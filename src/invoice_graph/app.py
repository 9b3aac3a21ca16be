"""The ASGI application: /graphql (with GraphiQL) and /healthz."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from invoice_graph.auth import BearerAuth
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.graphql.schema import schema
from invoice_graph.graphql.view import GraphQLView


async def healthz(_: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, database: Database) -> Starlette:
    """Build the application over a migrated database; the caller owns the database's lifetime."""
    graphql = GraphQLView(schema, settings=settings, database=database)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/graphql", BearerAuth(graphql, database)),
        ],
    )
