"""Invoice address rules: required fields, phones, postal codes and printable text (SPEC section 4)."""

from dataclasses import replace

import pytest

from invoice_graph.domain.addresses import (
    Address,
    AddressChanges,
    changed_address,
    checked_address,
    is_valid_phone,
)
from invoice_graph.domain.errors import ErrorCode, InvalidInputError

ADDRESS = Address(
    recipient="张三",
    phone="13812345678",
    province="北京市",
    city="北京市",
    district="海淀区",
    street="中关村大街1号 A座 101",
    postal_code="100080",
)


def full_width(text: str) -> str:
    """The text in full-width characters, as some input methods type digits and letters."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def refusals(address: Address) -> list[tuple[ErrorCode, list[str] | None]]:
    """The codes and field paths of every rule an address breaks."""
    with pytest.raises(InvalidInputError) as raised:
        checked_address(address)
    return [(error.code, error.field) for error in raised.value.errors]


def test_a_complete_address_is_accepted_trimmed() -> None:
    assert checked_address(replace(ADDRESS, recipient="  张三 ", postal_code=" 100080")) == ADDRESS


@pytest.mark.parametrize(
    "phone",
    ["13812345678", "19912345678", "010-12345678", "0755-1234567", "0755-12345678", "010-12345678-123"],
)
def test_mainland_mobiles_and_landlines_are_valid(phone: str) -> None:
    assert is_valid_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "12812345678",  # no mobile network starts with 12
        "1381234567",  # one digit short
        "138123456789",  # one too many
        "01012345678",  # landline without the dash
        "10-12345678",  # area code without the trunk 0
        "010-123456",  # too short a local number
        "+86 13812345678",
        full_width("13812345678"),
        "phone",
    ],
)
def test_other_phones_are_refused(phone: str) -> None:
    assert not is_valid_phone(phone)
    assert refusals(replace(ADDRESS, phone=phone)) == [(ErrorCode.INVALID_PHONE, ["input", "phone"])]


@pytest.mark.parametrize("code", ["10008", "1000800", "10008A", full_width("100080"), "100 080"])
def test_postal_codes_have_six_digits(code: str) -> None:
    assert refusals(replace(ADDRESS, postal_code=code)) == [
        (ErrorCode.INVALID_POSTAL_CODE, ["input", "postalCode"])
    ]


def test_every_field_is_required() -> None:
    empty = Address(recipient="", phone=" ", province="", city="", district="", street="", postal_code="")
    assert refusals(empty) == [
        (ErrorCode.INVALID, ["input", name])
        for name in ("recipient", "phone", "province", "city", "district", "street", "postalCode")
    ]


def test_text_a_printer_cannot_print_is_refused() -> None:
    address = replace(ADDRESS, recipient="Kim 😀", street="서울 강남구")
    assert refusals(address) == [
        (ErrorCode.UNPRINTABLE_CHARACTERS, ["input", "recipient"]),
        (ErrorCode.UNPRINTABLE_CHARACTERS, ["input", "street"]),
    ]


def test_too_long_texts_are_refused() -> None:
    assert refusals(replace(ADDRESS, street="路" * 201)) == [(ErrorCode.INVALID, ["input", "street"])]


def test_changes_replace_only_the_fields_they_give() -> None:
    changed = changed_address(ADDRESS, AddressChanges(city="上海市", postal_code="200000"))
    assert changed == replace(ADDRESS, city="上海市", postal_code="200000")
