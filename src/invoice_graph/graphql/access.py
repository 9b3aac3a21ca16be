"""What a viewer may see: the one check every account-scoped read goes through."""

from typing import Any

from invoice_graph.graphql.context import Info


async def visible_account(info: Info, account_id: int) -> Any | None:
    """The account row if it exists and the viewer may see it; None otherwise (it does not exist for them)."""
    row = await info.context.loaders.accounts_by_id.load(account_id)
    if row is None or not info.context.viewer.may_see(account_id=row.id, account_partner_id=row.partner_id):
        return None
    return row
