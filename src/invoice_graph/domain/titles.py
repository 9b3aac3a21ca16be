"""Invoice titles: who an invoice is made out to (SPEC section 4)."""

import enum
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from stdnum.cn import uscc

from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.owned_lists import Owned, OwnedKind
from invoice_graph.domain.printing import check_printed_text, trimmed

MAX_TITLES = 20
MAX_NAME_LENGTH = 100
MAX_DETAIL_LENGTH = 200
# GB 32100-2015 characters: digits and capital letters except I, O, S, V and Z.
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")


class TitleKind(enum.StrEnum):
    """A company or a person."""

    COMPANY = "COMPANY"
    INDIVIDUAL = "INDIVIDUAL"


class InvoiceType(enum.StrEnum):
    """The kind of Chinese VAT invoice."""

    VAT_GENERAL = "VAT_GENERAL"
    VAT_SPECIAL = "VAT_SPECIAL"


@dataclass(frozen=True, slots=True)
class Title:
    """The fields of a title, as printed on an invoice."""

    kind: TitleKind
    invoice_type: InvoiceType
    name: str
    taxpayer_id: str | None = None
    registered_address: str | None = None
    registered_phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


@dataclass(frozen=True, slots=True)
class TitleChanges:
    """What an update changes: None leaves a field as it is, "" clears an optional one."""

    kind: TitleKind | None = None
    invoice_type: InvoiceType | None = None
    name: str | None = None
    taxpayer_id: str | None = None
    registered_address: str | None = None
    registered_phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


# The input field of each title field, and how messages name it.
_INPUT_NAMES = {
    "name": ("name", "The name"),
    "taxpayer_id": ("taxpayerId", "The taxpayer ID"),
    "registered_address": ("registeredAddress", "The registered address"),
    "registered_phone": ("registeredPhone", "The registered phone"),
    "bank_name": ("bankName", "The bank name"),
    "bank_account": ("bankAccount", "The bank account"),
}
_VAT_SPECIAL_FIELDS = ("registered_address", "registered_phone", "bank_name", "bank_account")


def title_not_found(field: list[str]) -> DomainError:
    """The error for a title that does not exist, or that the viewer may not see."""
    return DomainError(
        ErrorCode.NOT_FOUND, "No such invoice title: use the id of one of the account's invoiceTitles.", field
    )


def _path(field: str) -> list[str]:
    return ["input", _INPUT_NAMES[field][0]]


def is_valid_uscc(code: str) -> bool:
    """Tell whether a code is a unified social credit code (GB 32100-2015) with a valid check character.

    Unlike `stdnum.cn.uscc.is_valid`, this accepts every registration authority code, including the
    codes starting with A, N or Y that stdnum rejects.

    Args:
        code: the 18-character code, in capitals.

    Returns:
        True when the characters are allowed and the last one is the check character of the others.
    """
    return _USCC.fullmatch(code) is not None and uscc.calc_check_digit(code[:17]) == code[17]


def clean_title(title: Title) -> Title:
    """The title with its texts trimmed, empty optional texts left out and the taxpayer ID in capitals."""
    taxpayer_id = trimmed(title.taxpayer_id)
    return replace(
        title,
        name=title.name.strip(),
        taxpayer_id=taxpayer_id.upper() if taxpayer_id else None,
        registered_address=trimmed(title.registered_address),
        registered_phone=trimmed(title.registered_phone),
        bank_name=trimmed(title.bank_name),
        bank_account=trimmed(title.bank_account),
    )


def changed_title(current: Title, changes: TitleChanges) -> Title:
    """The title after an update: the fields the changes give replace the current ones."""
    given = {name: value for name, value in asdict(changes).items() if value is not None}
    return replace(current, **given)


def _kind_errors(title: Title) -> list[DomainError]:
    errors = []
    if title.kind is TitleKind.INDIVIDUAL and title.invoice_type is InvoiceType.VAT_SPECIAL:
        errors.append(
            DomainError(
                ErrorCode.INDIVIDUAL_NOT_ALLOWED_FOR_VAT_SPECIAL,
                "A VAT special invoice is made out to a company only: choose VAT_GENERAL or a COMPANY title.",
                ["input", "invoiceType"],
            )
        )
    if title.kind is TitleKind.COMPANY and not title.taxpayer_id:
        errors.append(
            DomainError(
                ErrorCode.INVALID_TAXPAYER_ID,
                "A company title needs its taxpayer ID: the 18-character unified social credit code.",
                _path("taxpayer_id"),
            )
        )
    elif title.taxpayer_id and not is_valid_uscc(title.taxpayer_id):
        errors.append(
            DomainError(
                ErrorCode.INVALID_TAXPAYER_ID,
                f"{title.taxpayer_id!r} is not a unified social credit code: check the 18 characters "
                "against the business licence.",
                _path("taxpayer_id"),
            )
        )
    return errors


def _vat_special_errors(title: Title) -> list[DomainError]:
    if title.invoice_type is not InvoiceType.VAT_SPECIAL:
        return []
    return [
        DomainError(
            ErrorCode.MISSING_VAT_SPECIAL_FIELDS,
            f"{_INPUT_NAMES[field][1]} is required on a VAT special invoice: fill it in.",
            _path(field),
        )
        for field in _VAT_SPECIAL_FIELDS
        if not getattr(title, field)
    ]


def _text_errors(title: Title) -> list[DomainError]:
    errors = []
    for field, (_, label) in _INPUT_NAMES.items():
        if field == "taxpayer_id":
            continue  # its own rule checks every character
        limit = MAX_NAME_LENGTH if field == "name" else MAX_DETAIL_LENGTH
        error = check_printed_text(
            getattr(title, field), _path(field), label=label, max_length=limit, required=field == "name"
        )
        if error is not None:
            errors.append(error)
    return errors


def title_errors(title: Title) -> list[DomainError]:
    """Every rule a cleaned title breaks, each with the path of the input field at fault.

    Args:
        title: the title after `clean_title`.

    Returns:
        The errors, empty when the title may be saved.
    """
    return _text_errors(title) + _kind_errors(title) + _vat_special_errors(title)


def checked_title(title: Title) -> Title:
    """The cleaned title, when it breaks no rule.

    Args:
        title: the title as the user gave it.

    Returns:
        The title trimmed and normalised, ready to save.

    Raises:
        InvalidInputError: with every rule it breaks.
    """
    cleaned = clean_title(title)
    errors = title_errors(cleaned)
    if errors:
        raise InvalidInputError(errors)
    return cleaned


def title_from_values(values: dict[str, Any]) -> Title:
    """A title from stored values (a row or a snapshot), with its kind and type as enums."""
    return Title(
        **{**values, "kind": TitleKind(values["kind"]), "invoice_type": InvoiceType(values["invoice_type"])}
    )


TITLES: OwnedKind[Title, TitleChanges] = OwnedKind(
    thing="title",
    things="invoice titles",
    limit=MAX_TITLES,
    value_type=Title,
    not_found=title_not_found,
    checked=checked_title,
    changed=changed_title,
    from_values=title_from_values,
)
TitleRecord = Owned[Title]


def title_snapshot(record: TitleRecord) -> dict[str, Any]:
    """A title's printed fields, for the application's JSONB snapshot."""
    return TITLES.snapshot(record)
