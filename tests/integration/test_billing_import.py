"""Importing billing CSV files and generating statements, on real PostgreSQL."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import accounts, billing_lines, partners, statements
from invoice_graph.services.billing_import import ImportRejectedError, import_billing_file
from invoice_graph.services.statements import generate_due_statements
from tests.factories import LATER, csv_text, import_rows, line


async def _count(database: Database, table: object) -> int:
    async with database.read() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def test_import_creates_accounts_partners_and_lines(database: Database, tmp_path: Path) -> None:
    # given a file with two accounts, one managed by a partner
    rows = [line(account_number="A-1"), line(account_number="A-2", account_name="Beta", partner="P-1")]
    # when it is imported
    result = await import_rows(database, tmp_path, rows)
    # then every line, account and partner is there
    assert (result.rows, result.inserted, result.accounts) == (2, 2, 2)
    assert await _count(database, billing_lines) == 2
    assert await _count(database, partners) == 1


async def test_reimporting_identical_lines_changes_nothing(database: Database, tmp_path: Path) -> None:
    rows = [line(), line()]
    await import_rows(database, tmp_path, rows)
    again = await import_rows(database, tmp_path, rows)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert await _count(database, billing_lines) == 2


async def test_a_file_with_bad_rows_writes_nothing_and_names_each(database: Database, tmp_path: Path) -> None:
    rows = [
        line(),
        line(channel="SPACE"),
        line(amount="10.001", cash_amount="10.001"),
        line(cash_amount="90.00"),
    ]
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(ImportRejectedError) as rejected:
        await import_billing_file(database, path)
    named = {(problem.line, problem.column) for problem in rejected.value.problems}
    assert named == {(3, "channel"), (4, "amount"), (4, "cash_amount"), (5, "amount")}
    assert await _count(database, billing_lines) == 0
    assert await _count(database, accounts) == 0


async def test_changed_content_for_a_known_line_is_refused(database: Database, tmp_path: Path) -> None:
    first = line(line_id="L-X")
    await import_rows(database, tmp_path, [first])
    with pytest.raises(ImportRejectedError) as rejected:
        await import_rows(database, tmp_path, [line(), {**first, "product": "Other"}])
    assert [(p.line, p.column) for p in rejected.value.problems] == [(3, "line_id")]
    assert await _count(database, billing_lines) == 1


async def test_new_lines_for_a_generated_month_are_refused(database: Database, tmp_path: Path) -> None:
    known = line(billed_on="2024-03-10")
    await import_rows(database, tmp_path, [known])
    await generate_due_statements(database, now=LATER)
    # the same line again is fine, a new one in March is not
    with pytest.raises(ImportRejectedError) as rejected:
        await import_rows(database, tmp_path, [known, line(billed_on="2024-03-20")])
    assert [(p.line, p.column) for p in rejected.value.problems] == [(3, "billed_on")]
    again = await import_rows(database, tmp_path, [known])
    assert again.unchanged == 1


async def test_generation_is_idempotent(database: Database, tmp_path: Path) -> None:
    await import_rows(database, tmp_path, [line(billed_on="2024-03-10"), line(billed_on="2024-04-10")])
    first = await generate_due_statements(database, now=LATER)
    second = await generate_due_statements(database, now=LATER)
    assert [str(m) for m in first.months] == ["2024-03", "2024-04"]
    assert second.months == []
    assert await _count(database, statements) == 2
