"""What finance and customers record when an application changes status (SPEC section 5, life)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from invoice_graph.domain.applications import Action, InvoiceMedium, ReversalReason
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError

TEXT_MAX_LENGTH = 200
INVOICE_NUMBERS_MAX = 50
# A fully digitalized e-invoice has a 20-digit number; a paper VAT invoice an 8-digit one.
INVOICE_NUMBER_DIGITS = {InvoiceMedium.ELECTRONIC: 20, InvoiceMedium.PAPER: 8}


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An action on an application with the values it records; each action uses some of them."""

    action: Action
    invoice_numbers: tuple[str, ...] = ()
    courier: str | None = None
    tracking_number: str | None = None
    reason: str | None = None
    red_invoice_numbers: tuple[str, ...] = ()
    reversal_reason: ReversalReason | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a change writes: application attributes, and the note of its event."""

    values: Mapping[str, object]
    note: str | None


def _text(value: str | None, name: str, label: str) -> tuple[str | None, DomainError | None]:
    text = (value or "").strip()
    if not text:
        return None, DomainError(ErrorCode.INVALID, f"{label} is required: fill it in.", ["input", name])
    if len(text) > TEXT_MAX_LENGTH:
        message = f"{label} has {len(text)} characters; shorten it to {TEXT_MAX_LENGTH}."
        return None, DomainError(ErrorCode.INVALID, message, ["input", name])
    return text, None


def checked_texts(values: dict[str, tuple[str | None, str]]) -> dict[str, str]:
    """Trimmed required texts, by input field name.

    Args:
        values: per input field name, its value and how messages name it.

    Returns:
        The trimmed values.

    Raises:
        InvalidInputError: with every missing or too long value.
    """
    found: dict[str, str] = {}
    problems: list[DomainError] = []
    for name, (value, label) in values.items():
        text, problem = _text(value, name, label)
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            found[name] = text
    if problems:
        raise InvalidInputError(problems)
    return found


def checked_invoice_numbers(
    numbers: Sequence[str],
    medium: InvoiceMedium = InvoiceMedium.PAPER,
    *,
    field: str = "invoiceNumbers",
    taken: Sequence[str] = (),
) -> list[str]:
    """Trimmed invoice numbers, at least one, each of the medium's digits, none repeated.

    Args:
        numbers: the numbers finance typed.
        medium: what the invoices are issued on: 20 digits for ELECTRONIC, 8 for PAPER.
        field: the input field they were given in.
        taken: numbers they must differ from (a red invoice's number is never the original's).

    Returns:
        The trimmed numbers in the order given.

    Raises:
        InvalidInputError: with every problem, each at its index.
    """
    if not numbers or len(numbers) > INVOICE_NUMBERS_MAX:
        message = f"Record 1 to {INVOICE_NUMBERS_MAX} invoice numbers."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", field])])
    digits = INVOICE_NUMBER_DIGITS[medium]
    problems: list[DomainError] = []
    cleaned: list[str] = []
    for index, number in enumerate(numbers):
        text = number.strip()
        path = ["input", field, str(index)]
        if not (len(text) == digits and text.isascii() and text.isdigit()):
            message = f"An {medium} invoice number has {digits} digits; write it as printed."
            problems.append(DomainError(ErrorCode.INVALID, message, path))
        elif text in taken:
            message = f"{text} is the number of the invoice being reversed; give the red invoice's own."
            problems.append(DomainError(ErrorCode.INVALID, message, path))
        elif text in cleaned:
            problems.append(DomainError(ErrorCode.INVALID, f"{text} is listed twice; list it once.", path))
        cleaned.append(text)
    if problems:
        raise InvalidInputError(problems)
    return cleaned


_COURIER = {"courier": "The courier", "trackingNumber": "The tracking number"}


def _texts(change: StatusChange, names: dict[str, str]) -> dict[str, str]:
    given = {"courier": change.courier, "trackingNumber": change.tracking_number, "reason": change.reason}
    return checked_texts({name: (given[name], label) for name, label in names.items()})


def _issue(change: StatusChange, medium: InvoiceMedium, _: Sequence[str]) -> Recorded:
    numbers = checked_invoice_numbers(change.invoice_numbers, medium)
    return Recorded({"invoice_numbers": numbers}, "Invoice numbers: " + ", ".join(numbers))


def _ship(change: StatusChange, *_: object) -> Recorded:
    texts = _texts(change, _COURIER)
    values = {"courier": texts["courier"], "tracking_number": texts["trackingNumber"]}
    return Recorded(values, f"{texts['courier']} {texts['trackingNumber']}")


def _return_request(change: StatusChange, *_: object) -> Recorded:
    texts = _texts(change, {"reason": "The reason", **_COURIER})
    values = {
        "return_reason": texts["reason"],
        "return_courier": texts["courier"],
        "return_tracking_number": texts["trackingNumber"],
    }
    return Recorded(values, f"{texts['reason']} ({texts['courier']} {texts['trackingNumber']})")


def _reason(attribute: str | None, **cleared: None) -> Callable[..., Recorded]:
    def record(change: StatusChange, *_: object) -> Recorded:
        reason = _texts(change, {"reason": "The reason"})["reason"]
        return Recorded({attribute: reason} if attribute else dict(cleared), reason)

    return record


def _reversal_request(change: StatusChange, *_: object) -> Recorded:
    if change.reversal_reason is None:
        message = "Choose why the invoice is to be reversed."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", "reason"])])
    note = (change.note or "").strip() or None
    if note is not None and len(note) > TEXT_MAX_LENGTH:
        message = f"The note has {len(note)} characters; shorten it to {TEXT_MAX_LENGTH}."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", "note"])])
    values = {"reversal_reason": change.reversal_reason.value, "reversal_note": note}
    return Recorded(values, f"{change.reversal_reason}: {note}" if note else str(change.reversal_reason))


def _reversal(change: StatusChange, medium: InvoiceMedium, issued: Sequence[str]) -> Recorded:
    red = checked_invoice_numbers(change.red_invoice_numbers, medium, field="redInvoiceNumbers", taken=issued)
    if issued and len(red) != len(issued):
        # Each red-letter invoice voids one invoice: the n-th red number the n-th invoice number.
        message = f"Give one red invoice number for each of the {len(issued)} invoices, in their order."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", "redInvoiceNumbers"])])
    return Recorded({"red_invoice_numbers": red}, "Red invoice numbers: " + ", ".join(red))


# What each action checks and records; an action not listed records nothing.
_RECORDERS: dict[Action, Callable[[StatusChange, InvoiceMedium, Sequence[str]], Recorded]] = {
    Action.ISSUE: _issue,
    Action.SHIP: _ship,
    Action.REQUEST_RETURN: _return_request,
    Action.REJECT: _reason("rejection_reason"),
    Action.REJECT_RETURN: _reason(None),
    Action.REQUEST_REVERSAL: _reversal_request,
    Action.CONFIRM_REVERSAL: _reversal,
    Action.REJECT_REVERSAL: _reason(None, status_before_reversal=None),
}


def recorded(
    change: StatusChange, medium: InvoiceMedium = InvoiceMedium.PAPER, invoice_numbers: Sequence[str] = ()
) -> Recorded:
    """Check the values of a change and say what it records.

    Args:
        change: the action and the values the caller gave.
        medium: what the application's invoices are issued on (the digits of their numbers).
        invoice_numbers: the numbers already issued (a red invoice must not reuse one).

    Returns:
        The application attributes to set and the event's note.

    Raises:
        InvalidInputError: with every missing, blank, malformed or too long value the action needs.
    """
    recorder = _RECORDERS.get(change.action)
    return recorder(change, medium, invoice_numbers) if recorder else Recorded({}, None)
