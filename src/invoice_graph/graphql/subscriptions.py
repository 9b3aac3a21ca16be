"""The Subscription root: applications that changed, as the subscriber may see them (SPEC section 12).

Served over graphql-transport-ws on /graphql (graphql/view.py authenticates the connection). Each
notice of the process's feed (services/application_feed.py) is read afresh for the subscriber's
viewer, with new loaders: the visibility filter is the viewer's own, so a change of an account
it may not see never reaches it, and nothing read for one event is served stale for the next.
"""

from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLError

from invoice_graph.domain.access import may_see
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.graphql.context import Context, Info
from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.graphql.ids import decode_id
from invoice_graph.graphql.invoice_applications.types import InvoiceApplication
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.services.application_feed import ApplicationFeed, ApplicationNotice
from invoice_graph.services.reader import Reader
from invoice_graph.services.tokens import authenticate

ACCOUNT_NOT_FOUND = "No such account; use an account ID you may see (`viewer { accounts }`)."
SIGNED_OUT = "The connection's token was revoked or has expired; connect again with a live token."
NOT_SERVED = "Subscriptions are served over websockets (graphql-transport-ws) on /graphql."


@strawberry.type(
    description="Changes pushed over graphql-transport-ws on /graphql (token in connection_init)."
)
class Subscription:
    @strawberry.subscription(
        description="An application the viewer may see changed status (graphql-transport-ws on /graphql); "
        "only that account's when accountId is given."
    )
    async def invoice_application_changed(
        self, info: Info, account_id: strawberry.ID | None = None
    ) -> AsyncGenerator[InvoiceApplication, None]:
        feed = info.context.feed
        if feed is None:  # the schema run outside the view (the view refuses subscriptions over HTTP)
            raise GraphQLError(NOT_SERVED, extensions={"code": RequestErrorCode.BAD_REQUEST.value})
        # Checked before the stream starts: a bad accountId answers the subscribe with one `error`.
        only = await _watched_account(info.context, account_id)
        return _changes(feed, info.context, only)


async def _watched_account(context: Context, value: strawberry.ID | None) -> int | None:
    """The account the subscriber asked for, when it may see it; None for every account.

    Raises:
        BadUserInputError: for a malformed ID or one of another type (BAD_USER_INPUT).
        GraphQLError: NOT_FOUND for an account the viewer may not see, as if it did not exist.
    """
    if value is None:
        return None
    account_id = decode_id(value, expected="Account").account_id
    if await context.loaders.visible_accounts_by_id.load(account_id) is None:
        raise GraphQLError(ACCOUNT_NOT_FOUND, extensions={"code": RequestErrorCode.NOT_FOUND.value})
    return account_id


async def _changes(
    feed: ApplicationFeed, context: Context, account_id: int | None
) -> AsyncGenerator[InvoiceApplication, None]:
    """Each changed application the viewer may see (of `account_id` only, when given), as it is now.

    The token is checked again for every event: a revoked or expired one ends the subscription.
    """
    async with feed.subscription() as notices:
        async for notice in notices:
            if account_id is not None and notice.account_id != account_id:
                continue
            # Most notices are of accounts the viewer does not see: skipped before any query.
            if not may_see(context.viewer, account_id=notice.account_id, partner_id=notice.partner_id):
                continue
            loaders = await _fresh_loaders(context)
            row = await _visible_application(loaders, notice)
            if row is None:
                continue
            # The event's fields (account, events, documents...) resolve through these loaders.
            context.loaders = loaders
            yield InvoiceApplication.from_record(row)


async def _fresh_loaders(context: Context) -> Loaders:
    """New loaders for the connection's viewer, once its token is still live."""
    token = context.connection_token()
    viewer = await authenticate(context.database, token) if token else None
    if viewer is None or viewer != context.viewer:
        raise GraphQLError(SIGNED_OUT, extensions={"code": RequestErrorCode.UNAUTHENTICATED.value})
    return Loaders(Reader(context.database, viewer))


async def _visible_application(loaders: Loaders, notice: ApplicationNotice) -> ApplicationRecord | None:
    """The notice's application, read through its account, when the viewer may see that account."""
    if await loaders.visible_accounts_by_id.load(notice.account_id) is None:
        return None
    return await loaders.applications_by_id.load((notice.account_id, notice.application_id))
