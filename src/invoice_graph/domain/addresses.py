"""Invoice addresses: where paper invoices are mailed (SPEC section 4)."""

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.owned_lists import Owned, OwnedKind
from invoice_graph.domain.printing import check_printed_text, trimmed

MAX_ADDRESSES = 20
# A mainland mobile number, or a landline with its area code and an optional extension.
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"0\d{2,3}-\d{7,8}(-\d{1,6})?", re.ASCII)
_POSTAL_CODE = re.compile(r"\d{6}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Address:
    """The fields of an address, as printed on the envelope."""

    recipient: str
    phone: str
    province: str
    city: str
    district: str
    street: str
    postal_code: str


@dataclass(frozen=True, slots=True)
class AddressChanges:
    """What an update changes: None leaves a field as it is."""

    recipient: str | None = None
    phone: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    postal_code: str | None = None


# The input field of each address field, how messages name it, and its longest length.
_INPUT_NAMES = {
    "recipient": ("recipient", "The recipient", 50),
    "phone": ("phone", "The phone number", 20),
    "province": ("province", "The province", 50),
    "city": ("city", "The city", 50),
    "district": ("district", "The district", 50),
    "street": ("street", "The street address", 200),
    "postal_code": ("postalCode", "The postal code", 6),
}
_FORMATTED = frozenset({"phone", "postal_code"})


def address_not_found(field: list[str]) -> DomainError:
    """The error for an address that does not exist, or that the viewer may not see."""
    return DomainError(
        ErrorCode.NOT_FOUND,
        "No such invoice address: use the id of one of the account's invoiceAddresses.",
        field,
    )


def _path(field: str) -> list[str]:
    return ["input", _INPUT_NAMES[field][0]]


def is_valid_phone(phone: str) -> bool:
    """Tell whether a phone number can be called from the mainland.

    Args:
        phone: a mobile number such as 13812345678, or a landline with its area code such as
            010-12345678 or 0755-1234567, optionally followed by -extension.

    Returns:
        True for a mainland mobile or landline number.
    """
    return _MOBILE.fullmatch(phone) is not None or _LANDLINE.fullmatch(phone) is not None


def clean_address(address: Address) -> Address:
    """The address with every text trimmed."""
    return Address(**{field.name: trimmed(getattr(address, field.name)) or "" for field in fields(address)})


def changed_address(current: Address, changes: AddressChanges) -> Address:
    """The address after an update: the fields the changes give replace the current ones."""
    given = {name: value for name, value in asdict(changes).items() if value is not None}
    return replace(current, **given)


def _format_error(field: str, value: str) -> DomainError | None:
    if field == "phone" and not is_valid_phone(value):
        return DomainError(
            ErrorCode.INVALID_PHONE,
            f"{value!r} is not a mainland phone number: give a mobile number such as 13812345678 or a "
            "landline with its area code such as 010-12345678.",
            _path(field),
        )
    if field == "postal_code" and _POSTAL_CODE.fullmatch(value) is None:
        return DomainError(
            ErrorCode.INVALID_POSTAL_CODE,
            f"{value!r} is not a postal code: give the 6 digits, e.g. 100080.",
            _path(field),
        )
    return None


def address_errors(address: Address) -> list[DomainError]:
    """Every rule a cleaned address breaks, each with the path of the input field at fault.

    Args:
        address: the address after `clean_address`.

    Returns:
        The errors, at most one per field; empty when the address may be saved.
    """
    errors = []
    for field, (_, label, max_length) in _INPUT_NAMES.items():
        value = getattr(address, field)
        error = check_printed_text(value, _path(field), label=label, max_length=max_length)
        if value and field in _FORMATTED:
            error = _format_error(field, value)  # the format rule covers length and characters
        if error is not None:
            errors.append(error)
    return errors


def checked_address(address: Address) -> Address:
    """The cleaned address, when it breaks no rule.

    Args:
        address: the address as the user gave it.

    Returns:
        The address trimmed, ready to save.

    Raises:
        InvalidInputError: with every rule it breaks.
    """
    cleaned = clean_address(address)
    errors = address_errors(cleaned)
    if errors:
        raise InvalidInputError(errors)
    return cleaned


ADDRESSES: OwnedKind[Address, AddressChanges] = OwnedKind(
    thing="address",
    things="invoice addresses",
    limit=MAX_ADDRESSES,
    value_type=Address,
    not_found=address_not_found,
    checked=checked_address,
    changed=changed_address,
    from_values=lambda values: Address(**values),
)
AddressRecord = Owned[Address]


def address_snapshot(record: AddressRecord) -> dict[str, Any]:
    """An address's fields, for the application's JSONB snapshot."""
    return ADDRESSES.snapshot(record)
