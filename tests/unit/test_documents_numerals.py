"""Amounts in Chinese capital numerals (大写) for the invoice's 价税合计 line."""

import pytest

from invoice_graph.documents.numerals import amount_in_words


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (123456, "壹仟贰佰叁拾肆元伍角陆分"),
        (100000, "壹仟元整"),
        (10005, "壹佰元零伍分"),
        (50, "伍角"),
        (0, "零元整"),
        (1000, "壹拾元整"),  # bills write 壹拾, never a bare 拾
        (10000000000, "壹亿元整"),
        (100000100, "壹佰万零壹元整"),
        (5, "伍分"),
        (1050, "壹拾元伍角"),
        (1, "壹分"),
        (100001, "壹仟元零壹分"),
        (10010000, "壹拾万零壹佰元整"),
        (10100000, "壹拾万壹仟元整"),
        (101000000, "壹佰零壹万元整"),
        (1000000010, "壹仟万元壹角"),
        (10001000001, "壹亿零壹万元零壹分"),
        # the largest amount the API takes: 15 digits of yuan
        (99999999999999999, "玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_an_amount_is_written_in_capital_numerals(fen: int, words: str) -> None:
    # given an amount in fen
    # when it is written out
    # then it follows the rules for bills: 整 after whole yuan, one 零 for a run of zeros
    assert amount_in_words(fen) == words


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (-123456, "(负数)壹仟贰佰叁拾肆元伍角陆分"),
        (-50, "(负数)伍角"),
        (-100, "(负数)壹元整"),
    ],
)
def test_a_negative_amount_of_a_red_letter_invoice_is_marked_as_such(fen: int, words: str) -> None:
    # given the negative total of a red-letter invoice
    # when it is written out
    # then the platform's "(负数)" prefix stands before the words
    assert amount_in_words(fen) == words
