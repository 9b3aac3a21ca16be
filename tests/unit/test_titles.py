"""Invoice title rules: kinds, invoice types, taxpayer IDs and printable text (SPEC section 4)."""

import pytest
from stdnum.cn import uscc

from invoice_graph.domain.errors import ErrorCode, InvalidInputError
from invoice_graph.domain.printing import is_printable, unprintable_characters
from invoice_graph.domain.titles import (
    InvoiceType,
    Title,
    TitleChanges,
    TitleKind,
    changed_title,
    checked_title,
    is_valid_uscc,
)


def full_width(text: str) -> str:
    """The text in full-width characters, as some input methods type digits and letters."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


def with_check(first17: str) -> str:
    """A unified social credit code: 17 characters and the check character stdnum computes."""
    return first17 + uscc.calc_check_digit(first17)


VALID_USCC = with_check("91110108MA01ABCDE")
SPECIAL_FIELDS = {
    "registered_address": "北京市海淀区中关村大街1号",
    "registered_phone": "010-12345678",
    "bank_name": "中国工商银行北京中关村支行",
    "bank_account": "0200001234567890123",
}


def company(**overrides: object) -> Title:
    """A valid company title for VAT general invoices, unless overridden."""
    values: dict[str, object] = {
        "kind": TitleKind.COMPANY,
        "invoice_type": InvoiceType.VAT_GENERAL,
        "name": "北京示例科技有限公司",
        "taxpayer_id": VALID_USCC,
    }
    values.update(overrides)
    return Title(**values)  # type: ignore[arg-type]


def refusals(title: Title) -> list[tuple[ErrorCode, list[str] | None]]:
    """The codes and field paths of every rule a title breaks."""
    with pytest.raises(InvalidInputError) as raised:
        checked_title(title)
    return [(error.code, error.field) for error in raised.value.errors]


@pytest.mark.parametrize("first17", ["91110108MA01ABCDE", "11100000000013127", "5231000050000123X"])
def test_codes_with_their_check_character_are_valid(first17: str) -> None:
    assert is_valid_uscc(with_check(first17))


@pytest.mark.parametrize("first17", ["A1110000MA0000001", "N2110108000000001", "Y1110108MA01ABCDE"])
def test_codes_starting_with_a_n_or_y_are_accepted_although_stdnum_rejects_them(first17: str) -> None:
    # given a well-formed code registered by authority A, N or Y
    code = with_check(first17)
    # then stdnum refuses it, and our rule accepts it
    assert not uscc.is_valid(code)
    assert is_valid_uscc(code)
    assert checked_title(company(taxpayer_id=code)).taxpayer_id == code


def test_a_wrong_check_character_is_refused() -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = alphabet[(alphabet.index(VALID_USCC[-1]) + 1) % len(alphabet)]
    assert not is_valid_uscc(VALID_USCC[:-1] + wrong)
    assert refusals(company(taxpayer_id=VALID_USCC[:-1] + wrong)) == [
        (ErrorCode.INVALID_TAXPAYER_ID, ["input", "taxpayerId"])
    ]


@pytest.mark.parametrize(
    "code",
    [
        VALID_USCC[:17],  # too short
        VALID_USCC + "0",  # too long
        "9111010" + "8I" + VALID_USCC[9:],  # I is not a code character
        "91110108MA01ABCDO",  # O neither
        full_width(VALID_USCC),
    ],
)
def test_malformed_codes_are_refused(code: str) -> None:
    assert not is_valid_uscc(code)


def test_a_company_needs_a_taxpayer_id() -> None:
    assert refusals(company(taxpayer_id=None)) == [(ErrorCode.INVALID_TAXPAYER_ID, ["input", "taxpayerId"])]
    assert refusals(company(taxpayer_id="  ")) == [(ErrorCode.INVALID_TAXPAYER_ID, ["input", "taxpayerId"])]


def test_the_taxpayer_id_is_trimmed_and_capitalised() -> None:
    assert checked_title(company(taxpayer_id=f" {VALID_USCC.lower()} ")).taxpayer_id == VALID_USCC


def test_an_individual_needs_no_taxpayer_id_and_only_gets_vat_general() -> None:
    # given an individual asking for each invoice type
    general = Title(kind=TitleKind.INDIVIDUAL, invoice_type=InvoiceType.VAT_GENERAL, name="张三")
    special = Title(
        kind=TitleKind.INDIVIDUAL, invoice_type=InvoiceType.VAT_SPECIAL, name="张三", **SPECIAL_FIELDS
    )
    # then a general invoice is fine and a special one refused
    assert checked_title(general) == general
    assert refusals(special) == [(ErrorCode.INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL, ["input", "invoiceType"])]


def test_vat_special_needs_every_bank_and_registration_field() -> None:
    # given a VAT special company title with none of the extra fields
    title = company(invoice_type=InvoiceType.VAT_SPECIAL, registered_phone="  ")
    # then each missing field is reported on its own
    assert refusals(title) == [
        (ErrorCode.MISSING_VAT_SPECIAL_FIELDS, ["input", "registeredAddress"]),
        (ErrorCode.MISSING_VAT_SPECIAL_FIELDS, ["input", "registeredPhone"]),
        (ErrorCode.MISSING_VAT_SPECIAL_FIELDS, ["input", "bankName"]),
        (ErrorCode.MISSING_VAT_SPECIAL_FIELDS, ["input", "bankAccount"]),
    ]
    assert checked_title(company(invoice_type=InvoiceType.VAT_SPECIAL, **SPECIAL_FIELDS))


@pytest.mark.parametrize(
    ("name", "ok"), [("", False), ("   ", False), ("A", True), ("名" * 100, True), ("名" * 101, False)]
)
def test_names_have_1_to_100_characters_after_trimming(name: str, ok: bool) -> None:
    title = company(name=f"  {name}  ")
    if ok:
        assert checked_title(title).name == name
    else:
        assert refusals(title) == [(ErrorCode.INVALID, ["input", "name"])]


@pytest.mark.parametrize("text", ["Acme 😀", "한국 주식회사", "Ωmega ☃"])
def test_text_a_printer_cannot_print_is_refused(text: str) -> None:
    assert refusals(company(name=text, bank_name=text)) == [
        (ErrorCode.UNPRINTABLE_CHARACTERS, ["input", "name"]),
        (ErrorCode.UNPRINTABLE_CHARACTERS, ["input", "bankName"]),
    ]


def test_gbk_text_is_printable() -> None:
    assert is_printable("北京市海淀区中关村 Acme Ltd. (一期)")
    assert not is_printable("😀")
    assert not is_printable("한국")
    assert unprintable_characters("A😀B😀한") == ["😀", "한"]


def test_every_broken_rule_is_reported_at_once() -> None:
    title = Title(
        kind=TitleKind.INDIVIDUAL, invoice_type=InvoiceType.VAT_SPECIAL, name="", taxpayer_id="nonsense"
    )
    assert [code for code, _ in refusals(title)] == [
        ErrorCode.INVALID,
        ErrorCode.INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL,
        ErrorCode.INVALID_TAXPAYER_ID,
        *[ErrorCode.MISSING_VAT_SPECIAL_FIELDS] * 4,
    ]


def test_changes_replace_only_the_fields_they_give() -> None:
    current = company(bank_name="Old Bank")
    changed = changed_title(current, TitleChanges(name="New Name", bank_name=""))
    assert changed == company(name="New Name", bank_name="")
    assert checked_title(changed).bank_name is None
