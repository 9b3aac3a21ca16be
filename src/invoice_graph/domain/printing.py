"""What an invoice printer can print: text the GBK code page can encode (SPEC section 4)."""

from collections.abc import Sequence

from invoice_graph.domain.errors import DomainError, ErrorCode


def is_printable(text: str) -> bool:
    """Tell whether every character of a text can be printed on an invoice.

    Args:
        text: the text as the user typed it.

    Returns:
        True when the text can be encoded in GBK, the code page tax printers use.
    """
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def unprintable_characters(text: str) -> list[str]:
    """The distinct characters of a text that cannot be printed, in the order they first appear."""
    return list(dict.fromkeys(char for char in text if not is_printable(char)))


def check_printed_text(
    value: str | None, field: Sequence[str], *, label: str, max_length: int, required: bool = True
) -> DomainError | None:
    """The first problem with a text printed on an invoice: missing, too long or not printable.

    Args:
        value: the text, already trimmed; None or "" when it was left out.
        field: the path of the input field, e.g. ["input", "name"].
        label: how the message names the field, e.g. "The name".
        max_length: the most characters it may have.
        required: whether it must be given.

    Returns:
        An INVALID or UNPRINTABLE_CHARACTERS error, or None when the text is fine.
    """
    if not value:
        if not required:
            return None
        return DomainError(ErrorCode.INVALID, f"{label} is required: fill it in.", field)
    if len(value) > max_length:
        return DomainError(
            ErrorCode.INVALID, f"{label} has {len(value)} characters; shorten it to {max_length}.", field
        )
    if not is_printable(value):
        chars = " ".join(unprintable_characters(value))
        return DomainError(
            ErrorCode.UNPRINTABLE_CHARACTERS,
            f"{label} contains characters an invoice cannot print ({chars}); remove or replace them.",
            field,
        )
    return None


def trimmed(value: str | None) -> str | None:
    """A text without surrounding whitespace; None when nothing is left."""
    if value is None:
        return None
    return value.strip() or None
