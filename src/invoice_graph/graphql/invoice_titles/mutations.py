"""createInvoiceTitle, updateInvoiceTitle and deleteInvoiceTitle."""

import strawberry

from invoice_graph.graphql.context import Info
from invoice_graph.graphql.invoice_titles.inputs import CreateInvoiceTitleInput, UpdateInvoiceTitleInput
from invoice_graph.graphql.invoice_titles.types import DeletePayload, InvoiceTitle, InvoiceTitlePayload
from invoice_graph.graphql.owned_lists import created, deleted, updated
from invoice_graph.graphql.payloads import payload_of
from invoice_graph.services.owned_lists import TITLE_TABLE


@strawberry.type(description="Mutations of an account's invoice titles.")
class TitleMutations:
    @strawberry.mutation(
        description="Adds an invoice title to an account (at most 20); the first becomes the default."
    )
    async def create_invoice_title(self, info: Info, input: CreateInvoiceTitleInput) -> InvoiceTitlePayload:
        saving = created(info, TITLE_TABLE, input.account_id, input.title(), input.is_default)
        return await payload_of(InvoiceTitlePayload, "invoice_title", InvoiceTitle.from_record, saving)

    @strawberry.mutation(description="Changes an invoice title, or makes it the default.")
    async def update_invoice_title(self, info: Info, input: UpdateInvoiceTitleInput) -> InvoiceTitlePayload:
        saving = updated(info, TITLE_TABLE, input.id, "InvoiceTitle", input.changes(), input.is_default)
        return await payload_of(InvoiceTitlePayload, "invoice_title", InvoiceTitle.from_record, saving)

    @strawberry.mutation(
        description="Deletes an invoice title; applications keep the title they were made with. When it "
        "was the default, the newest remaining title becomes the default."
    )
    async def delete_invoice_title(self, info: Info, id: strawberry.ID) -> DeletePayload:
        return await payload_of(
            DeletePayload, "deleted_id", lambda _: id, deleted(info, TITLE_TABLE, id, "InvoiceTitle")
        )
