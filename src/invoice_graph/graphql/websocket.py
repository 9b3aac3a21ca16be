"""graphql-transport-ws as the API serves it: subscriptions only, with errors coded as over HTTP."""

from contextlib import aclosing
from typing import Any, TypeVar, cast

from graphql import GraphQLError, GraphQLFormattedError, get_operation_ast, parse
from graphql.language import OperationType as OperationKind
from strawberry.schema.schema import StreamResult
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from invoice_graph.graphql.context import Context
from invoice_graph.graphql.error_format import format_error
from invoice_graph.graphql.errors import RequestErrorCode

_R = TypeVar("_R")


class _CodedError(GraphQLError):
    """An error as `format_error` presents it: over websockets no `process_result` formats it."""

    def __init__(self, error: GraphQLError, formatted: dict[str, Any]) -> None:
        super().__init__(
            formatted["message"],
            path=error.path,
            original_error=error.original_error,
            extensions=formatted["extensions"],
        )
        self._formatted = formatted

    @property
    def formatted(self) -> GraphQLFormattedError:
        return cast("GraphQLFormattedError", self._formatted)


def _is_query_or_mutation(message: SubscribeMessage) -> bool:
    """Whether a subscribe message's operation is a query or a mutation (an unparsable one is not:
    the stream answers its syntax error)."""
    payload = message["payload"]
    query = payload.get("query")
    if not isinstance(query, str):
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False
    name = payload.get("operationName")
    operation = get_operation_ast(document, name if isinstance(name, str) else None)
    return operation is not None and operation.operation is not OperationKind.SUBSCRIPTION


class CodedErrorsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws whose errors carry a code and the connection's request id, and are
    masked and logged, as over HTTP."""

    context: Context

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Only subscriptions run over a websocket: a query or mutation would run as the viewer of
        `connection_init` for as long as the socket stays open, past its token's revocation and
        outside the request deadline. It is answered with an error; its HTTP twin serves it."""
        if self.connection_acknowledged and _is_query_or_mutation(message):
            request_id = str(self.context.request.state.request_id)
            error = GraphQLError(
                "Only subscriptions run over a websocket: send queries and mutations over HTTP.",
                extensions={"code": RequestErrorCode.BAD_REQUEST.value},
            )
            payload = [cast("GraphQLFormattedError", format_error(error, request_id))]
            await self.send_message({"id": message["id"], "type": "error", "payload": payload})
            return
        await super().handle_subscribe(message)

    async def _send_result_stream(
        self, operation: Operation[Context, None], result_source: StreamResult
    ) -> None:
        async with aclosing(self._coded(result_source)) as coded:
            await super()._send_result_stream(operation, coded)

    async def _coded(self, results: StreamResult) -> StreamResult:
        try:
            async for result in results:
                yield self._with_codes(result)
        except GraphQLError as error:
            # ParserCache raises a syntax error out of the stream (Strawberry 0.341), which would
            # end the operation with a bare `complete` and an ERROR log: answer it as an `error`.
            yield self._with_codes(PreExecutionError(data=None, errors=[error]))

    def _with_codes(self, result: _R) -> _R:
        if isinstance(result, ExecutionResult) and result.errors:
            request_id = str(self.context.request.state.request_id)
            hide = not self.context.settings.field_suggestions
            result.errors = [
                _CodedError(error, format_error(error, request_id, hide_suggestions=hide))
                for error in result.errors
            ]
        return result
