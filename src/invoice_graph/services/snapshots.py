"""The title and address as they were when an application was submitted, kept as JSON on it."""

from typing import Any

TITLE_FIELDS = (
    "kind",
    "invoice_type",
    "name",
    "taxpayer_id",
    "registered_address",
    "registered_phone",
    "bank_name",
    "bank_account",
)
ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "street", "postal_code")


def title_snapshot(row: Any) -> dict[str, Any]:
    """A title row's printed fields, for the application's JSONB snapshot."""
    return {name: getattr(row, name) for name in TITLE_FIELDS}


def address_snapshot(row: Any) -> dict[str, Any]:
    """An address row's fields, for the application's JSONB snapshot."""
    return {name: getattr(row, name) for name in ADDRESS_FIELDS}
