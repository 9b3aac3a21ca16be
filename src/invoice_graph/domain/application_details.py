"""What finance and customers record when an application changes status (SPEC section 5, life)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from invoice_graph.domain.applications import Action
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError

TEXT_MAX_LENGTH = 200
INVOICE_NUMBERS_MAX = 50


@dataclass(frozen=True, slots=True)
class StatusChange:
    """An action on an application with the values it records; each action uses some of them."""

    action: Action
    invoice_numbers: tuple[str, ...] = ()
    courier: str | None = None
    tracking_number: str | None = None
    reason: str | None = None


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


def checked_invoice_numbers(numbers: Sequence[str]) -> list[str]:
    """Trimmed invoice numbers, at least one, none blank or repeated.

    Args:
        numbers: the numbers finance typed.

    Returns:
        The trimmed numbers in the order given.

    Raises:
        InvalidInputError: with every problem, each at its index.
    """
    if not numbers or len(numbers) > INVOICE_NUMBERS_MAX:
        message = f"Record 1 to {INVOICE_NUMBERS_MAX} invoice numbers."
        raise InvalidInputError([DomainError(ErrorCode.INVALID, message, ["input", "invoiceNumbers"])])
    problems: list[DomainError] = []
    cleaned: list[str] = []
    for index, number in enumerate(numbers):
        text = number.strip()
        path = ["input", "invoiceNumbers", str(index)]
        if not text or len(text) > TEXT_MAX_LENGTH:
            problems.append(DomainError(ErrorCode.INVALID, "Write the invoice number as printed.", path))
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


def recorded(change: StatusChange) -> Recorded:
    """Check the values of a change and say what it records.

    Args:
        change: the action and the values the caller gave.

    Returns:
        The application attributes to set and the event's note.

    Raises:
        InvalidInputError: with every missing, blank or too long value the action needs.
    """
    action = change.action
    if action is Action.ISSUE:
        numbers = checked_invoice_numbers(change.invoice_numbers)
        return Recorded({"invoice_numbers": numbers}, "Invoice numbers: " + ", ".join(numbers))
    if action is Action.SHIP:
        texts = _texts(change, _COURIER)
        values = {"courier": texts["courier"], "tracking_number": texts["trackingNumber"]}
        return Recorded(values, f"{texts['courier']} {texts['trackingNumber']}")
    if action is Action.REQUEST_RETURN:
        texts = _texts(change, {"reason": "The reason", **_COURIER})
        values = {
            "return_reason": texts["reason"],
            "return_courier": texts["courier"],
            "return_tracking_number": texts["trackingNumber"],
        }
        return Recorded(values, f"{texts['reason']} ({texts['courier']} {texts['trackingNumber']})")
    if action is Action.REJECT:
        reason = _texts(change, {"reason": "The reason"})["reason"]
        return Recorded({"rejection_reason": reason}, reason)
    if action is Action.REJECT_RETURN:
        reason = _texts(change, {"reason": "The reason"})["reason"]
        return Recorded({}, reason)
    return Recorded({}, None)
