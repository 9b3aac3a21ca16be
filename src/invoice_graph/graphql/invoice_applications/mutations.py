"""applyForInvoice and the mutations of an application's life."""

from collections.abc import Awaitable

import strawberry

from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.errors import MAX_MONTHS_PER_REQUEST, check_list_size
from invoice_graph.graphql.ids import decode_id
from invoice_graph.graphql.invoice_applications.inputs import (
    ApplyForInvoiceInput,
    ConfirmInvoiceReversalInput,
    IssueInvoiceApplicationInput,
    RejectInvoiceApplicationInput,
    RejectInvoiceReturnInput,
    RejectInvoiceReversalInput,
    RequestInvoiceReturnInput,
    RequestInvoiceReversalInput,
    ResendInvoiceEmailInput,
    ShipInvoiceApplicationInput,
)
from invoice_graph.graphql.invoice_applications.types import InvoiceApplication, InvoiceApplicationPayload
from invoice_graph.graphql.payloads import payload_of
from invoice_graph.services.application_status import change_application_status, resend_invoice_email
from invoice_graph.services.applications import apply_for_invoice
from invoice_graph.services.invoice_documents import Issuer


async def _payload(saving: Awaitable[ApplicationRecord]) -> InvoiceApplicationPayload:
    return await payload_of(
        InvoiceApplicationPayload, "invoice_application", InvoiceApplication.from_record, saving
    )


async def _change(info: Info, id: strawberry.ID, change: StatusChange) -> InvoiceApplicationPayload:
    gid = decode_id(id, expected="InvoiceApplication")
    return await _payload(
        change_application_status(
            info.context.database,
            viewer=info.context.viewer,
            account_id=gid.account_id,
            application_id=gid.row_id,
            change=change,
            issuer=Issuer.from_settings(info.context.settings),
        )
    )


@strawberry.type(description="Applying for an invoice, and the life of an application.")
class ApplicationMutations:
    @strawberry.mutation(
        description="Applies for an invoice over some months (customer or partner). Refused with userErrors, "
        "nothing saved, when a month cannot be invoiced, the amount differs or the terms are not accepted."
    )
    async def apply_for_invoice(self, info: Info, input: ApplyForInvoiceInput) -> InvoiceApplicationPayload:
        check_list_size(input.months, limit=MAX_MONTHS_PER_REQUEST, argument="input.months")
        request = input.request()
        return await _payload(
            apply_for_invoice(
                info.context.database,
                viewer=info.context.viewer,
                request=request,
                offered=info.context.settings.invoice_mediums,
            )
        )

    @strawberry.mutation(
        description="Cancels a PENDING application (customer or partner); its months are freed."
    )
    async def cancel_invoice_application(self, info: Info, id: strawberry.ID) -> InvoiceApplicationPayload:
        return await _change(info, id, StatusChange(Action.CANCEL))

    @strawberry.mutation(description="Records the invoice numbers of a PENDING application (finance).")
    async def issue_invoice_application(
        self, info: Info, input: IssueInvoiceApplicationInput
    ) -> InvoiceApplicationPayload:
        change = StatusChange(Action.ISSUE, invoice_numbers=tuple(input.invoice_numbers))
        return await _change(info, input.id, change)

    @strawberry.mutation(description="Records how an ISSUED invoice was mailed (finance).")
    async def ship_invoice_application(
        self, info: Info, input: ShipInvoiceApplicationInput
    ) -> InvoiceApplicationPayload:
        change = StatusChange(Action.SHIP, courier=input.courier, tracking_number=input.tracking_number)
        return await _change(info, input.id, change)

    @strawberry.mutation(description="Records that a SHIPPED invoice arrived (finance).")
    async def mark_invoice_application_delivered(
        self, info: Info, id: strawberry.ID
    ) -> InvoiceApplicationPayload:
        return await _change(info, id, StatusChange(Action.DELIVER))

    @strawberry.mutation(
        description="Rejects a PENDING application with a reason (finance); its months are freed."
    )
    async def reject_invoice_application(
        self, info: Info, input: RejectInvoiceApplicationInput
    ) -> InvoiceApplicationPayload:
        return await _change(info, input.id, StatusChange(Action.REJECT, reason=input.reason))

    @strawberry.mutation(
        description="The customer or its partner mails a SHIPPED or DELIVERED invoice back, with "
        "the parcel's courier and tracking number."
    )
    async def request_invoice_return(
        self, info: Info, input: RequestInvoiceReturnInput
    ) -> InvoiceApplicationPayload:
        change = StatusChange(
            Action.REQUEST_RETURN,
            reason=input.reason,
            courier=input.courier,
            tracking_number=input.tracking_number,
        )
        return await _change(info, input.id, change)

    @strawberry.mutation(description="Confirms a returned invoice arrived (finance); its months are freed.")
    async def confirm_invoice_return(self, info: Info, id: strawberry.ID) -> InvoiceApplicationPayload:
        return await _change(info, id, StatusChange(Action.CONFIRM_RETURN))

    @strawberry.mutation(
        description="Refuses a return with a reason (finance); the application goes back to where it was."
    )
    async def reject_invoice_return(
        self, info: Info, input: RejectInvoiceReturnInput
    ) -> InvoiceApplicationPayload:
        return await _change(info, input.id, StatusChange(Action.REJECT_RETURN, reason=input.reason))

    @strawberry.mutation(
        description="The customer or its partner asks for an ISSUED, SHIPPED or DELIVERED invoice to be "
        "voided by a red-letter invoice."
    )
    async def request_invoice_reversal(
        self, info: Info, input: RequestInvoiceReversalInput
    ) -> InvoiceApplicationPayload:
        change = StatusChange(Action.REQUEST_REVERSAL, reversal_reason=input.reason, note=input.note)
        return await _change(info, input.id, change)

    @strawberry.mutation(
        description="Finance records the red-letter invoices (finance): REVERSED, the months are freed, "
        "and for an e-invoice the red-letter files are issued and e-mailed."
    )
    async def confirm_invoice_reversal(
        self, info: Info, input: ConfirmInvoiceReversalInput
    ) -> InvoiceApplicationPayload:
        change = StatusChange(Action.CONFIRM_REVERSAL, red_invoice_numbers=tuple(input.red_invoice_numbers))
        return await _change(info, input.id, change)

    @strawberry.mutation(
        description="Refuses a reversal with a reason (finance); the application goes back to where it was."
    )
    async def reject_invoice_reversal(
        self, info: Info, input: RejectInvoiceReversalInput
    ) -> InvoiceApplicationPayload:
        return await _change(info, input.id, StatusChange(Action.REJECT_REVERSAL, reason=input.reason))

    @strawberry.mutation(
        description="E-mails an e-invoice's files again (the red-letter ones once reversed), to new "
        "recipients when given."
    )
    async def resend_invoice_email(
        self, info: Info, input: ResendInvoiceEmailInput
    ) -> InvoiceApplicationPayload:
        gid = decode_id(input.id, expected="InvoiceApplication")
        return await _payload(
            resend_invoice_email(
                info.context.database,
                viewer=info.context.viewer,
                account_id=gid.account_id,
                application_id=gid.row_id,
                emails=input.emails,
                issuer=Issuer.from_settings(info.context.settings),
            )
        )
