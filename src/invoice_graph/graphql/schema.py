"""The schema: root fields, and the types they reach."""

import asyncio
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from invoice_graph.domain.applications import ApplicationStatus
from invoice_graph.domain.paging import PageRequest
from invoice_graph.graphql.accounts.types import Account, Viewer
from invoice_graph.graphql.common import Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.error_codes import log_client_errors
from invoice_graph.graphql.errors import check_list_size
from invoice_graph.graphql.execution import PlannedExecutor
from invoice_graph.graphql.input_text import InputText
from invoice_graph.graphql.invoice_applications.fields import work_queue
from invoice_graph.graphql.invoice_applications.types import InvoiceApplication
from invoice_graph.graphql.limits import QueryLimits
from invoice_graph.graphql.mutations import Mutation
from invoice_graph.graphql.nodes import resolve_node
from invoice_graph.graphql.pagination import Connection, Paged
from invoice_graph.graphql.scalars import SCALAR_MAP
from invoice_graph.graphql.statements.types import MonthlyStatement, StatementLine
from invoice_graph.graphql.subscriptions import Subscription


@strawberry.type(description="Reads: start from `viewer`, an account by number, or any object by ID.")
class Query:
    @strawberry.field(description="Fetches an object by its ID; null when it does not exist for the viewer.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(
        description="Fetches objects by their IDs, in order; null for those that do not exist for the viewer."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        check_list_size(ids, limit=info.context.settings.max_page_size, argument="ids")
        return list(await asyncio.gather(*(resolve_node(info, value) for value in ids)))

    @strawberry.field(description="Who is asking, and the accounts they may see.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(role=info.context.viewer.role)

    @strawberry.field(description="An account by its account number, when the viewer may see it.")
    async def account(self, info: Info, account_number: str) -> Account | None:
        row = await info.context.loaders.visible_accounts_by_number.load(account_number)
        return Account.from_record(row) if row else None

    @strawberry.field(
        description="Applications the viewer may see across accounts (the finance work queue).",
        extensions=[Paged("application")],
    )
    async def invoice_applications(
        self,
        info: Info,
        page: PageRequest,
        status: Annotated[
            list[ApplicationStatus] | None,
            strawberry.argument(description="Only applications in these statuses."),
        ] = None,
        overdue: Annotated[
            bool | None, strawberry.argument(description="Only overdue (true) or not overdue (false) ones.")
        ] = None,
    ) -> Connection[InvoiceApplication]:
        return await work_queue(info, page, statuses=status, overdue=overdue)


class Schema(strawberry.Schema):
    """The schema, logging each request's errors by whose they are."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Clients' mistakes at INFO with the request id; the view logs server faults at ERROR.

        Strawberry's default logs every error at ERROR, a client's typo as loudly as a crash.
        """
        request = getattr(execution_context.context, "request", None) if execution_context else None
        if request is None:  # run outside the HTTP view (a script): Strawberry's default
            super().process_errors(errors, execution_context)
            return
        log_client_errors(errors, getattr(request.state, "request_id", None))


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[MonthlyStatement, StatementLine],
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    # QueryLimits after ValidationCache: it measures only what validation let through.
    extensions=[ParserCache, ValidationCache, InputText, QueryLimits],
    execution_context_class=PlannedExecutor,
)
