"""createInvoiceAddress, updateInvoiceAddress and deleteInvoiceAddress."""

import strawberry

from invoice_graph.graphql.context import Info
from invoice_graph.graphql.invoice_addresses.inputs import (
    CreateInvoiceAddressInput,
    UpdateInvoiceAddressInput,
)
from invoice_graph.graphql.invoice_addresses.types import InvoiceAddress, InvoiceAddressPayload
from invoice_graph.graphql.invoice_titles.types import DeletePayload
from invoice_graph.graphql.owned_lists import created, deleted, updated
from invoice_graph.graphql.payloads import payload_of
from invoice_graph.services.owned_lists import ADDRESS_TABLE


@strawberry.type(description="Mutations of an account's invoice addresses.")
class AddressMutations:
    @strawberry.mutation(
        description="Adds an invoice address to an account (at most 20); the first becomes the default."
    )
    async def create_invoice_address(
        self, info: Info, input: CreateInvoiceAddressInput
    ) -> InvoiceAddressPayload:
        saving = created(info, ADDRESS_TABLE, input.account_id, input.address(), input.is_default)
        return await payload_of(InvoiceAddressPayload, "invoice_address", InvoiceAddress.from_record, saving)

    @strawberry.mutation(description="Changes an invoice address, or makes it the default.")
    async def update_invoice_address(
        self, info: Info, input: UpdateInvoiceAddressInput
    ) -> InvoiceAddressPayload:
        saving = updated(info, ADDRESS_TABLE, input.id, "InvoiceAddress", input.changes(), input.is_default)
        return await payload_of(InvoiceAddressPayload, "invoice_address", InvoiceAddress.from_record, saving)

    @strawberry.mutation(
        description="Deletes an invoice address; applications keep the address they were made with. When "
        "it was the default, the newest remaining address becomes the default."
    )
    async def delete_invoice_address(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await payload_of(
            DeletePayload, "deleted_id", lambda _: id, deleted(info, ADDRESS_TABLE, id, "InvoiceAddress")
        )
