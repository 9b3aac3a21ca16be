"""The SQL form of the access policy: which rows of an account-owned table a viewer sees.

Built from `domain.access.REACH`, the same table `domain.access.may_see` reads, so a list and a
lookup can never disagree about what a viewer sees.
"""

from typing import Any

from sqlalchemy import ColumnElement, false, select, true

from invoice_graph.db.tables import accounts
from invoice_graph.domain.access import REACH, Reach
from invoice_graph.domain.viewer import Viewer


def visible_accounts(viewer: Viewer) -> ColumnElement[bool]:
    """The condition on `accounts` rows the viewer sees."""
    reach = REACH[viewer.role]
    if reach is Reach.ALL_ACCOUNTS:
        return true()
    if reach is Reach.MANAGED_ACCOUNTS:
        return accounts.c.partner_id == viewer.partner_id if viewer.partner_id is not None else false()
    return accounts.c.id == viewer.account_id if viewer.account_id is not None else false()


def visible_rows(viewer: Viewer, account_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """The condition on a table's rows, by their `account_id` column, that the viewer sees."""
    reach = REACH[viewer.role]
    if reach is Reach.ALL_ACCOUNTS:
        return true()
    if reach is Reach.MANAGED_ACCOUNTS:
        managed = select(accounts.c.id).where(visible_accounts(viewer))
        return account_id.in_(managed.scalar_subquery())
    return account_id == viewer.account_id if viewer.account_id is not None else false()
