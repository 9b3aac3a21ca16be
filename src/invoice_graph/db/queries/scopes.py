"""What belongs to a role's scope rather than to one account: webhook endpoints and exports.

Such a row names its owner as a customer's account, a partner, or finance as a whole, and is the
viewer's when the viewer has that role and that account or partner (SPEC section 6).
"""

from typing import Any

from sqlalchemy import ColumnElement, Table, and_, text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.domain.viewer import Role, Viewer


def owner_values(viewer: Viewer) -> dict[str, Any]:
    """The owner columns of what a viewer creates: its role and its account or partner."""
    return {
        "owner_role": viewer.role.value,
        "owner_account_id": viewer.account_id if viewer.role is Role.CUSTOMER else None,
        "owner_partner_id": viewer.partner_id if viewer.role is Role.PARTNER else None,
    }


def owned_by(table: Table, viewer: Viewer) -> ColumnElement[bool]:
    """The condition on an owned table's rows that belong to the viewer's scope."""
    owner = owner_values(viewer)
    return and_(
        table.c.owner_role == owner["owner_role"],
        table.c.owner_account_id.is_not_distinct_from(owner["owner_account_id"]),
        table.c.owner_partner_id.is_not_distinct_from(owner["owner_partner_id"]),
    )


async def lock_owner(*, connection: AsyncConnection, table: Table, viewer: Viewer) -> None:
    """Serialise the writers of one owner's rows of a table until the transaction ends (for limits)."""
    owner = owner_values(viewer)
    key = f"{table.name}:{owner['owner_role']}:{owner['owner_account_id']}:{owner['owner_partner_id']}"
    await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
