"""Amounts in Chinese capital numerals (大写), as the 价税合计 line of an invoice writes them."""

import cn2an  # type: ignore[import-untyped]  # ships no type information

from invoice_graph.domain.money import format_fen

NEGATIVE_PREFIX = "(负数)"


def amount_in_words(fen: int) -> str:
    """Write an amount of integer fen in capital numerals.

    cn2an's "rmb" mode follows the People's Bank rules for bills: 壹拾 rather than 拾, one 零 for
    a run of zeros, 整 after a whole yuan amount and none after 分. It is fed the exact
    two-decimal text of the amount, never a float.

    Args:
        fen: the amount; negative on a red-letter invoice.

    Returns:
        e.g. 123456 -> "壹仟贰佰叁拾肆元伍角陆分", 0 -> "零元整", -100 -> "(负数)壹元整".
    """
    words: str = cn2an.an2cn(format_fen(abs(fen)), "rmb")
    # Invoices print a negative total with the tax platform's "(负数)" prefix, not cn2an's "负".
    return NEGATIVE_PREFIX + words if fen < 0 else words
