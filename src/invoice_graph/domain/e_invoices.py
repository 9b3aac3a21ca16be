"""The vocabulary of e-invoices' files and their e-mails (SPEC section 9)."""

import enum


class InvoiceColour(enum.StrEnum):
    """Blue is an ordinary invoice; red (红字) voids a blue one and shows its amounts negative."""

    BLUE = "BLUE"
    RED = "RED"


class DocumentFormat(enum.StrEnum):
    """The format of an issued file."""

    PDF = "PDF"
    XML = "XML"


class DeliveryStatus(enum.StrEnum):
    """How an e-mail of an e-invoice's files went."""

    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
