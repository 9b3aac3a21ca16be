"""Large files are checked by worker processes: the same rows land, the same problems are named."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import billing_lines
from invoice_graph.domain.months import CST
from invoice_graph.services import billing_import
from invoice_graph.services.billing_import import ImportRejectedError
from tests.factories import import_rows, line


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file goes to the workers, two rows a chunk, so rows cross chunk boundaries."""
    monkeypatch.setattr(billing_import, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(billing_import, "CHUNK_ROWS", 2)


@pytest.mark.usefixtures("workers")
async def test_workers_load_every_row_as_written(database: Database, tmp_path: Path) -> None:
    # given rows whose text needs escaping in COPY's text format, with and without a partner
    rows = [
        line(product="Tab\there", partner="P-1"),
        line(product="Back\\slash"),
        line(account_number="A-2", product="Plain", billing_mode="PAY_AS_YOU_GO", delivered_on=""),
    ]
    # when they are imported through the workers
    result = await import_rows(database, tmp_path, rows)
    # then every row is there, unchanged
    assert (result.rows, result.inserted) == (3, 3)
    async with database.read() as connection:
        found = (await connection.execute(select(billing_lines).order_by(billing_lines.c.id))).all()
    assert [row.product for row in found] == ["Tab\there", "Back\\slash", "Plain"]
    assert [row.delivered_on is None for row in found] == [False, False, True]
    assert found[2].ineligible_reason == "NOT_SUBSCRIPTION"


@pytest.mark.usefixtures("workers")
async def test_workers_name_bad_rows_by_their_line(database: Database, tmp_path: Path) -> None:
    # given bad rows in different chunks (the header is line 1)
    rows = [line(), line(channel="SPACE"), line(), line(), line(cash_amount="90.00")]
    # when the file is imported, then both are named by line and nothing is written
    with pytest.raises(ImportRejectedError) as rejected:
        await import_rows(database, tmp_path, rows)
    assert {(problem.line, problem.column) for problem in rejected.value.problems} == {
        (3, "channel"),
        (6, "amount"),
    }
    async with database.read() as connection:
        assert (await connection.execute(select(billing_lines))).first() is None


@pytest.mark.usefixtures("workers")
async def test_workers_name_row_and_cross_row_problems_in_one_run(database: Database, tmp_path: Path) -> None:
    # given, in different chunks: a row that does not parse, a row billed in the future, a line_id
    # given twice with different content and a second name for an account
    future = (datetime.now(CST).date() + timedelta(days=2)).isoformat()
    rows = [
        line(line_id="TWICE"),
        line(channel="SPACE"),
        line(billed_on=future),
        line(account_name="Acme Holdings"),
        line(line_id="TWICE", amount="5.00", cash_amount="5.00"),
    ]
    # when the file is imported through the workers, then every one is named and nothing is written
    with pytest.raises(ImportRejectedError) as rejected:
        await import_rows(database, tmp_path, rows)
    assert [(problem.line, problem.column) for problem in rejected.value.problems] == [
        (2, "line_id"),
        (3, "channel"),
        (4, "billed_on"),
        (5, "account_name"),
        (6, "line_id"),
    ]
    async with database.read() as connection:
        assert (await connection.execute(select(billing_lines))).first() is None
