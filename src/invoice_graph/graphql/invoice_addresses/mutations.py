"""createInvoiceAddress, updateInvoiceAddress and deleteInvoiceAddress."""

import strawberry

from invoice_graph.domain.addresses import address_not_found
from invoice_graph.domain.defaults import account_not_found
from invoice_graph.domain.errors import DomainError, InvalidInputError
from invoice_graph.graphql.access import visible_account
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import decode_id
from invoice_graph.graphql.invoice_addresses.inputs import (
    CreateInvoiceAddressInput,
    UpdateInvoiceAddressInput,
)
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddress, InvoiceAddressPayload
from invoice_graph.graphql.invoice_titles.mutations import check_may_change, visible_object
from invoice_graph.graphql.invoice_titles.types import DeletePayload
from invoice_graph.graphql.user_errors import user_errors
from invoice_graph.services import addresses


def _refused(error: DomainError | InvalidInputError) -> InvoiceAddressPayload:
    return InvoiceAddressPayload(invoice_address=None, user_errors=user_errors(error))


@strawberry.type(description="Mutations of an account's invoice addresses.")
class AddressMutations:
    @strawberry.mutation(
        description="Adds an invoice address to an account (at most 20); the first becomes the default."
    )
    async def create_invoice_address(
        self, info: Info, input: CreateInvoiceAddressInput
    ) -> InvoiceAddressPayload:
        account_id = decode_id(input.account_id, expected="Account").account_id
        if await visible_account(info, account_id) is None:
            return _refused(account_not_found())
        try:
            check_may_change(info)
            row = await addresses.create_address(
                info.context.database,
                account_id=account_id,
                address=input.address(),
                is_default=input.is_default,
            )
        except (DomainError, InvalidInputError) as error:
            return _refused(error)
        return InvoiceAddressPayload(invoice_address=InvoiceAddress.from_row(row), user_errors=[])

    @strawberry.mutation(description="Changes an invoice address, or makes it the default.")
    async def update_invoice_address(
        self, info: Info, input: UpdateInvoiceAddressInput
    ) -> InvoiceAddressPayload:
        gid = await visible_object(info, input.id, expected="InvoiceAddress")
        if gid is None:
            return _refused(address_not_found(["input", "id"]))
        try:
            check_may_change(info)
            row = await addresses.update_address(
                info.context.database,
                account_id=gid.account_id,
                address_id=gid.row_id,
                changes=input.changes(),
                is_default=input.is_default,
            )
        except (DomainError, InvalidInputError) as error:
            return _refused(error)
        return InvoiceAddressPayload(invoice_address=InvoiceAddress.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Deletes an invoice address; applications keep the address they were made with. When "
        "it was the default, the newest remaining address becomes the default."
    )
    async def delete_invoice_address(self, info: Info, id: strawberry.ID) -> DeletePayload:
        gid = await visible_object(info, id, expected="InvoiceAddress")
        try:
            check_may_change(info)
            if gid is None:
                raise address_not_found(["id"])
            await addresses.delete_address(
                info.context.database, account_id=gid.account_id, address_id=gid.row_id
            )
        except DomainError as error:
            return DeletePayload(deleted_id=None, user_errors=user_errors(error))
        return DeletePayload(deleted_id=id, user_errors=[])
