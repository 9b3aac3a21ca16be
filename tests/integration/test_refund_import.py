"""Refunds in the billing import (SPEC section 11), on real PostgreSQL."""

from pathlib import Path

import pytest
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import accounts, billing_lines, invoice_deficit_entries, statements
from invoice_graph.services.billing_import import ImportRejectedError, import_billing_file
from invoice_graph.services.statements import generate_due_statements
from tests.factories import LATER, csv_text, import_rows, line


def refund(of: dict[str, str], cash: str, **overrides: str) -> dict[str, str]:
    """A refund of `cash` in cash of a line, billed in the next month, unless overridden."""
    values = {
        **of,
        "line_id": f"R-{of['line_id']}-{cash}",
        "refund_of": of["line_id"],
        "billed_on": "2024-04-20",
        "amount": cash,
        "voucher_amount": "0",
        "coupon_amount": "0",
        "gift_balance_amount": "0",
        "cash_amount": cash,
    }
    return {**values, **overrides}


async def _statement_totals(database: Database) -> list[tuple[str, int, int]]:
    query = select(statements.c.month, statements.c.cloud_expense_fen, statements.c.invoiceable_cloud_fen)
    async with database.read() as connection:
        return [(str(row[0]), row[1], row[2]) for row in await connection.execute(query.order_by("month"))]


async def _deficit(database: Database, account_number: str = "A-1") -> tuple[int, list[tuple[str, int, int]]]:
    async with database.read() as connection:
        deficit = (
            await connection.execute(
                select(accounts.c.invoice_deficit_fen).where(accounts.c.account_number == account_number)
            )
        ).scalar_one()
        entries = await connection.execute(
            select(
                invoice_deficit_entries.c.kind,
                invoice_deficit_entries.c.amount_fen,
                invoice_deficit_entries.c.balance_fen,
            ).order_by(invoice_deficit_entries.c.id)
        )
        return int(deficit), [(row[0], row[1], row[2]) for row in entries]


async def _line_amounts(database: Database, line_id: str) -> tuple[int, int]:
    query = select(billing_lines.c.amount_fen, billing_lines.c.cash_fen).where(
        billing_lines.c.line_id == line_id
    )
    async with database.read() as connection:
        row = (await connection.execute(query)).one()
    return row[0], row[1]


async def test_a_refund_before_generation_is_netted_into_the_statement(
    database: Database, tmp_path: Path
) -> None:
    # given a March line of 100.00, refunded 30.00 in April before March is generated
    sold = line(billed_on="2024-03-15")
    await import_rows(database, tmp_path, [sold])
    result = await import_rows(database, tmp_path, [refund(sold, "30.00")])
    # when the months are generated
    await generate_due_statements(database, now=LATER)
    # then March shows what is left, April has no statement of the refund, and nothing is owed
    assert (result.inserted, result.netted, result.deficit_entries) == (1, 1, 0)
    assert await _statement_totals(database) == [("2024-03-01", 7000, 7000)]
    assert await _line_amounts(database, sold["line_id"]) == (7000, 7000)
    assert await _deficit(database) == (0, [])


async def test_a_refund_in_the_same_file_as_its_line_is_netted(database: Database, tmp_path: Path) -> None:
    sold = line(billed_on="2024-03-15")
    await import_rows(database, tmp_path, [sold, refund(sold, "100.00")])
    await generate_due_statements(database, now=LATER)
    assert await _statement_totals(database) == [("2024-03-01", 0, 0)]


async def test_a_refund_after_generation_leaves_the_statement_and_grows_the_deficit(
    database: Database, tmp_path: Path
) -> None:
    # given a generated March with an eligible line and an ineligible one
    sold = line(billed_on="2024-03-15")
    payg = line(billed_on="2024-03-16", billing_mode="PAY_AS_YOU_GO", delivered_on="")
    await import_rows(database, tmp_path, [sold, payg])
    await generate_due_statements(database, now=LATER)
    before = await _statement_totals(database)
    # when both are refunded, the eligible one twice
    result = await import_rows(
        database, tmp_path, [refund(sold, "30.00"), refund(payg, "50.00"), refund(sold, "20.00")]
    )
    # then the statement and its lines are as generated
    assert await _statement_totals(database) == before
    assert await _line_amounts(database, sold["line_id"]) == (10000, 10000)
    # and the refunded invoiceable cash is owed, entry by entry with its balance; the ineligible
    # line's refund was never invoiceable and makes no entry
    assert (result.netted, result.deficit_entries) == (0, 2)
    assert await _deficit(database) == (5000, [("REFUND", 3000, 3000), ("REFUND", 2000, 5000)])
    # and importing the same refunds again changes nothing
    again = await import_rows(
        database, tmp_path, [refund(sold, "30.00"), refund(payg, "50.00"), refund(sold, "20.00")]
    )
    assert (again.inserted, again.deficit_entries) == (0, 0)
    assert (await _deficit(database))[0] == 5000


async def test_a_refund_takes_the_eligibility_of_its_line(database: Database, tmp_path: Path) -> None:
    # given a market line of a provider billed before 2020-10-29, so eligible, refunded after that day
    sold = line(billed_on="2020-10-20", channel="MARKET", seller="Provider", delivered_on="2020-10-01")
    await import_rows(database, tmp_path, [sold])
    await generate_due_statements(database, now=LATER)
    await import_rows(database, tmp_path, [refund(sold, "40.00", billed_on="2020-11-02")])
    # then the refund was of invoiceable cash
    assert (await _deficit(database))[0] == 4000


async def test_every_bad_refund_is_named_in_one_run_and_nothing_is_written(
    database: Database, tmp_path: Path
) -> None:
    # given lines imported before: one of A-1, one of A-2, and a refund of A-1's
    sold = line(billed_on="2024-03-15", amount="100.00", voucher_amount="10.00", cash_amount="90.00")
    other = line(account_number="A-2", account_name="Beta", billed_on="2024-03-15")
    earlier = refund(sold, "50.00")
    await import_rows(database, tmp_path, [sold, other, earlier])
    await generate_due_statements(database, now=LATER)
    before = await _deficit(database)
    in_file = line(billed_on="2024-04-01")
    rows = [
        refund(sold, "10.00"),  # 2: fine
        refund(sold, "1.00", refund_of="NOWHERE"),  # 3: unknown line
        refund(sold, "2.00", refund_of=other["line_id"]),  # 4: another account's line
        refund(sold, "3.00", refund_of=earlier["line_id"]),  # 5: a refund of a refund
        refund(sold, "4.00", product="Disk", seller="Someone"),  # 6: two terms differ
        refund(sold, "5.00", billed_on="2024-03-01"),  # 7: before its line
        refund(sold, "31.00"),  # 8: with rows 2, 6 and 7, 50.00 of the 40.00 cash left
        refund(sold, "0.00"),  # 9: refunds nothing
        refund(in_file, "1.00"),  # 10: its line comes later in the file
        in_file,  # 11
        refund(sold, "6.00", line_id="SELF", refund_of="SELF"),  # 12: itself
        refund(sold, "7.00", voucher_amount="11.00", amount="18.00"),  # 13: more voucher than paid
    ]
    path = tmp_path / "refunds.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ImportRejectedError) as rejected:
        await import_billing_file(database, path)
    named = [(problem.line, problem.column) for problem in rejected.value.problems]
    assert named == [
        (3, "refund_of"),
        (4, "refund_of"),
        (5, "refund_of"),
        (6, "product"),
        (6, "seller"),
        (7, "billed_on"),
        (8, "cash_amount"),
        (9, "amount"),
        (10, "refund_of"),
        (12, "refund_of"),
        (13, "voucher_amount"),
        (13, "cash_amount"),  # the file's refunds of the line add up, row 8's included
    ]
    messages = {problem.line: str(problem) for problem in rejected.value.problems}
    assert "give back 50.00" in messages[8]
    assert "the 40.00 it has left" in messages[8]
    assert "is itself a refund" in messages[5]
    assert await _deficit(database) == before


async def test_refunds_of_one_line_in_one_file_add_up_against_what_is_left(
    database: Database, tmp_path: Path
) -> None:
    sold = line(billed_on="2024-03-15")
    await import_rows(database, tmp_path, [sold])
    rows = [refund(sold, "60.00"), refund(sold, "40.00"), refund(sold, "0.01")]
    path = tmp_path / "refunds.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ImportRejectedError) as rejected:
        await import_billing_file(database, path)
    assert [(problem.line, problem.column) for problem in rejected.value.problems] == [(4, "cash_amount")]
    # and without the last one, the line is refunded in full
    await import_rows(database, tmp_path, rows[:2])
    assert await _line_amounts(database, sold["line_id"]) == (0, 0)


async def test_a_refund_is_never_refused_for_a_generated_month(database: Database, tmp_path: Path) -> None:
    # given March and April generated
    sold = line(billed_on="2024-03-15")
    await import_rows(database, tmp_path, [sold, line(billed_on="2024-04-02")])
    await generate_due_statements(database, now=LATER)
    # when a refund billed in generated April comes in
    result = await import_rows(database, tmp_path, [refund(sold, "10.00", billed_on="2024-04-25")])
    # then it is imported
    assert result.inserted == 1
    assert (await _deficit(database))[0] == 1000


async def test_a_netted_statement_still_adds_up(database: Database, tmp_path: Path) -> None:
    # given March lines paid partly by voucher, coupon and gift balance, one of them ineligible
    sold = line(
        billed_on="2024-03-15",
        amount="100.00",
        voucher_amount="10.00",
        coupon_amount="20.00",
        gift_balance_amount="30.00",
        cash_amount="40.00",
    )
    payg = line(billed_on="2024-03-16", billing_mode="PAY_AS_YOU_GO", delivered_on="")
    await import_rows(database, tmp_path, [sold, payg])
    # when parts of both are refunded before March is generated
    await import_rows(
        database,
        tmp_path,
        [
            refund(sold, "5.00", amount="20.00", voucher_amount="10.00", gift_balance_amount="5.00"),
            refund(payg, "60.00"),
        ],
    )
    await generate_due_statements(database, now=LATER)
    # then R5 holds for what is left: invoiceable plus every exclusion is the total expense
    async with database.read() as connection:
        stored = (await connection.execute(select(statements))).one()
    excluded = (
        stored.voucher_fen,
        stored.coupon_fen,
        stored.gift_balance_fen,
        stored.not_subscription_fen,
        stored.delivered_before_cutoff_fen,
        stored.issued_by_market_provider_fen,
    )
    assert (stored.cloud_expense_fen, stored.invoiceable_cloud_fen) == (12000, 3500)
    assert excluded == (0, 2000, 2500, 4000, 0, 0)
    assert stored.invoiceable_cloud_fen + sum(excluded) == stored.cloud_expense_fen
