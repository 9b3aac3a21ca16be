"""The inputs of the invoice address mutations."""

import strawberry

from invoice_graph.domain.addresses import ADDRESSES, Address, AddressChanges
from invoice_graph.graphql.owned_lists import changes_of, value_of

_PHONE = "Mainland mobile (13812345678) or landline with area code (010-12345678, optional -extension)."


@strawberry.input(description="A new invoice address of an account; every text must be printable in GBK.")
class CreateInvoiceAddressInput:
    account_id: strawberry.ID = strawberry.field(description="The account the address is for.")
    recipient: str = strawberry.field(description="Who receives the invoice.")
    phone: str = strawberry.field(description=_PHONE)
    province: str = strawberry.field(description="Province, autonomous region or municipality.")
    city: str = strawberry.field(description="City.")
    district: str = strawberry.field(description="District or county.")
    street: str = strawberry.field(description="Street, building and room.")
    postal_code: str = strawberry.field(description="The 6-digit postal code.")
    is_default: bool | None = strawberry.field(
        default=None, description="Make it the default address; the account's first address always is."
    )

    def address(self) -> Address:
        """The address the input describes."""
        return value_of(ADDRESSES, self)


@strawberry.input(description="Changes to an invoice address: omitted fields stay as they are.")
class UpdateInvoiceAddressInput:
    id: strawberry.ID = strawberry.field(description="The address to change.")
    recipient: str | None = strawberry.field(default=None, description="Who receives the invoice.")
    phone: str | None = strawberry.field(default=None, description=_PHONE)
    province: str | None = strawberry.field(
        default=None, description="Province, autonomous region or municipality."
    )
    city: str | None = strawberry.field(default=None, description="City.")
    district: str | None = strawberry.field(default=None, description="District or county.")
    street: str | None = strawberry.field(default=None, description="Street, building and room.")
    postal_code: str | None = strawberry.field(default=None, description="The 6-digit postal code.")
    is_default: bool | None = strawberry.field(
        default=None,
        description="true makes it the default address; to stop it being the default, make another one so.",
    )

    def changes(self) -> AddressChanges:
        """The changes the input asks for."""
        return changes_of(AddressChanges, ADDRESSES, self)
