"""The one place services apply the access policy (domain/access.py) to a request.

Every service that reads or writes an account's data takes the viewer and calls
`require_account` first, so a service is as safe called from the CLI or a job as from a resolver.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.queries import accounts
from invoice_graph.domain.access import Operation, account_not_found, check_may, may_see
from invoice_graph.domain.errors import DomainError
from invoice_graph.domain.records import AccountRecord
from invoice_graph.domain.viewer import Viewer


async def require_account(
    connection: AsyncConnection,
    viewer: Viewer,
    account_id: int,
    *,
    operation: Operation = Operation.READ,
    field: Sequence[str] = ("input", "accountId"),
    not_found: DomainError | None = None,
) -> AccountRecord:
    """The account, when the viewer sees it and its role may take the operation.

    Args:
        connection: the unit of work the caller has open.
        viewer: who asks.
        account_id: the account the request is about.
        operation: what the viewer asks to do on it.
        field: the input field to blame when the account does not exist for the viewer.
        not_found: the error to raise instead when the request names an object of the account.

    Returns:
        The account.

    Raises:
        DomainError: NOT_FOUND when the account does not exist for the viewer (whether it exists
            or not), FORBIDDEN when the viewer's role may not take the operation.
    """
    account = await accounts.get_account(connection=connection, account_id=account_id)
    if account is None or not may_see(viewer, account_id=account.id, partner_id=account.partner_id):
        raise not_found or account_not_found(field)
    check_may(viewer, operation)
    return account
