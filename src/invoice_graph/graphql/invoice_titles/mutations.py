"""createInvoiceTitle, updateInvoiceTitle and deleteInvoiceTitle."""

import strawberry

from invoice_graph.domain.defaults import account_not_found
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.titles import title_not_found
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.access import visible_account
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import GlobalId, decode_id
from invoice_graph.graphql.invoice_titles.inputs import CreateInvoiceTitleInput, UpdateInvoiceTitleInput
from invoice_graph.graphql.invoice_titles.types import DeletePayload, InvoiceTitle, InvoiceTitlePayload
from invoice_graph.graphql.user_errors import user_errors
from invoice_graph.services import titles


def check_may_change(info: Info) -> None:
    """Finance staff see every account's titles and addresses but do not change them (SPEC 6).

    Raises:
        DomainError: FORBIDDEN for finance.
    """
    if info.context.viewer.role is Role.FINANCE:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Only the customer or the partner managing the account changes its invoice titles and addresses.",
        )


async def visible_object(info: Info, value: str, *, expected: str) -> GlobalId | None:
    """The decoded ID of an object whose account the viewer may see; None otherwise.

    Raises:
        BadUserInputError: for a malformed ID or one of another type.
    """
    gid = decode_id(value, expected=expected)
    return gid if await visible_account(info, gid.account_id) is not None else None


def _refused(error: DomainError | InvalidInputError) -> InvoiceTitlePayload:
    return InvoiceTitlePayload(invoice_title=None, user_errors=user_errors(error))


@strawberry.type(description="Mutations of an account's invoice titles.")
class TitleMutations:
    @strawberry.mutation(
        description="Adds an invoice title to an account (at most 20); the first becomes the default."
    )
    async def create_invoice_title(self, info: Info, input: CreateInvoiceTitleInput) -> InvoiceTitlePayload:
        account_id = decode_id(input.account_id, expected="Account").account_id
        if await visible_account(info, account_id) is None:
            return _refused(account_not_found())
        try:
            check_may_change(info)
            row = await titles.create_title(
                info.context.database, account_id=account_id, title=input.title(), is_default=input.is_default
            )
        except (DomainError, InvalidInputError) as error:
            return _refused(error)
        return InvoiceTitlePayload(invoice_title=InvoiceTitle.from_row(row), user_errors=[])

    @strawberry.mutation(description="Changes an invoice title, or makes it the default.")
    async def update_invoice_title(self, info: Info, input: UpdateInvoiceTitleInput) -> InvoiceTitlePayload:
        gid = await visible_object(info, input.id, expected="InvoiceTitle")
        if gid is None:
            return _refused(title_not_found(["input", "id"]))
        try:
            check_may_change(info)
            row = await titles.update_title(
                info.context.database,
                account_id=gid.account_id,
                title_id=gid.row_id,
                changes=input.changes(),
                is_default=input.is_default,
            )
        except (DomainError, InvalidInputError) as error:
            return _refused(error)
        return InvoiceTitlePayload(invoice_title=InvoiceTitle.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Deletes an invoice title; applications keep the title they were made with. When it "
        "was the default, the newest remaining title becomes the default."
    )
    async def delete_invoice_title(self, info: Info, id: strawberry.ID) -> DeletePayload:
        gid = await visible_object(info, id, expected="InvoiceTitle")
        try:
            check_may_change(info)
            if gid is None:
                raise title_not_found(["id"])
            await titles.delete_title(info.context.database, account_id=gid.account_id, title_id=gid.row_id)
        except DomainError as error:
            return DeletePayload(deleted_id=None, user_errors=user_errors(error))
        return DeletePayload(deleted_id=id, user_errors=[])
