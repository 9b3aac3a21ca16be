"""Invoice titles: who an invoice is made out to (SPEC section 4)."""

import enum


class TitleKind(enum.StrEnum):
    """A company or a person."""

    COMPANY = "COMPANY"
    INDIVIDUAL = "INDIVIDUAL"


class InvoiceType(enum.StrEnum):
    """The kind of Chinese VAT invoice."""

    VAT_GENERAL = "VAT_GENERAL"
    VAT_SPECIAL = "VAT_SPECIAL"
