"""The invoice-graph command, run as an operator runs it, against the test database.

The commands run their own event loop (asyncio.run), so these tests are plain functions; each
still requests the async `database` fixture, which empties the tables before it.
"""

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer
from sqlalchemy import Table, func, select
from typer.testing import CliRunner, Result

from invoice_graph.cli import app
from invoice_graph.db.embedded import start_embedded
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.jobs import count_jobs_by_status, enqueue_job
from invoice_graph.db.tables import accounts, billing_lines, invoice_deficit_entries, statements
from invoice_graph.demo import ACCOUNTS, KINDS, MONTHS, TOKEN_LABELS
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.tokens import authenticate, create_token, hash_token, list_tokens
from tests.factories import csv_text, import_rows, line

T = TypeVar("T")
SECRET = re.compile(r"igt_[A-Za-z0-9_-]+")
runner = CliRunner()


@pytest.fixture
def url(migrated_url: str, database: Database) -> str:
    """The test database's URL, its tables emptied for this test."""
    return migrated_url


def invoke(url: str, *args: str) -> Result:
    """Run invoice-graph with DATABASE_URL set to the test database."""
    return runner.invoke(app, list(args), env={"DATABASE_URL": url})


def run(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run database work in a loop of its own, as the commands do."""

    async def session() -> T:
        database = Database.connect(url, pool_size=1)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(session())


def count(url: str, table: Table) -> int:
    """How many rows a table holds."""

    async def work(database: Database) -> int:
        async with database.read() as connection:
            return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())

    return run(url, work)


def viewer_of(url: str, secret: str) -> Viewer | None:
    """Who a token authenticates as, if anyone."""
    return run(url, lambda database: authenticate(database, secret))


def write_csv(folder: Path, rows: list[dict[str, str]]) -> Path:
    """A billing CSV file with these rows."""
    path = folder / "billing.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_import_billing_prints_the_counts(url: str, tmp_path: Path) -> None:
    # given a file of three lines for two accounts
    path = write_csv(tmp_path, [line(), line(), line(account_number="A-2", account_name="Beta")])
    # when it is imported, and imported again
    first = invoke(url, "import-billing", str(path))
    second = invoke(url, "import-billing", str(path))
    # then the first run inserts every line and the second recognises them all
    assert first.exit_code == 0, first.output
    assert "3 rows read, 3 inserted, 0 unchanged" in first.stdout
    assert second.exit_code == 0, second.output
    assert "3 rows read, 0 inserted, 3 unchanged" in second.stdout
    assert count(url, billing_lines) == 3


def test_import_billing_names_every_bad_row_and_writes_nothing(url: str, tmp_path: Path) -> None:
    rows = [line(), line(channel="SPACE"), line(), line(amount="10.001", cash_amount="10.001")]
    result = invoke(url, "import-billing", str(write_csv(tmp_path, rows)))
    assert result.exit_code == 1
    assert "line 3, column channel: 'SPACE' is not one of CLOUD, MARKET" in result.stderr
    assert "line 4, column" not in result.stderr
    assert "line 5, column amount" in result.stderr
    assert "line 5, column cash_amount" in result.stderr
    assert "nothing was imported" in result.stderr
    assert (count(url, billing_lines), count(url, accounts)) == (0, 0)


def test_import_billing_of_a_missing_file_is_a_usage_error(url: str, tmp_path: Path) -> None:
    result = invoke(url, "import-billing", str(tmp_path / "nowhere.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_statements_generate_prints_the_months_once(url: str, tmp_path: Path) -> None:
    # given lines in two past months
    invoke(
        url,
        "import-billing",
        str(write_csv(tmp_path, [line(billed_on="2024-03-10"), line(billed_on="2024-04-10")])),
    )
    # when statements are generated twice
    first = invoke(url, "statements", "generate")
    second = invoke(url, "statements", "generate")
    # then the first run makes both months' statements and the second finds nothing due
    assert first.exit_code == 0, first.output
    assert "Generated 2 statement(s) for 2024-03, 2024-04." in first.stdout
    assert second.exit_code == 0, second.output
    assert "No statements are due" in second.stdout
    assert count(url, statements) == 2


@pytest.mark.parametrize(
    ("args", "role"),
    [
        (["--role", "customer", "--account", "A-1"], Role.CUSTOMER),
        (["--role", "partner", "--partner", "P-1"], Role.PARTNER),
        (["--role", "finance", "--label", "Ops desk", "--expires-in-days", "30"], Role.FINANCE),
    ],
)
def test_tokens_create_prints_a_working_secret(url: str, tmp_path: Path, args: list[str], role: Role) -> None:
    run(url, lambda database: import_rows(database, tmp_path, [line(account_number="A-1", partner="P-1")]))
    result = invoke(url, "tokens", "create", *args)
    assert result.exit_code == 0, result.output
    secrets = SECRET.findall(result.stdout)
    assert len(secrets) == 1
    viewer = viewer_of(url, secrets[0])
    assert viewer is not None
    assert viewer.role is role
    assert f"token {viewer.token_id}" in result.stdout
    assert (viewer.account_id is not None, viewer.partner_id is not None) == (
        role is Role.CUSTOMER,
        role is Role.PARTNER,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "customer", "--account", "NOPE"], "no account 'NOPE'"),
        (["--role", "customer"], "needs --account"),
        (["--role", "partner", "--partner", "NOPE"], "no partner 'NOPE'"),
        (["--role", "finance", "--account", "A-1"], "takes neither --account nor --partner"),
    ],
)
def test_tokens_create_refuses_a_scope_that_does_not_fit(url: str, args: list[str], message: str) -> None:
    result = invoke(url, "tokens", "create", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not SECRET.search(result.output)


def test_tokens_create_refuses_an_unknown_role(url: str) -> None:
    result = invoke(url, "tokens", "create", "--role", "admin")
    assert result.exit_code == 2
    assert "admin" in result.stderr


@pytest.mark.parametrize("by", ["secret", "id"])
def test_a_revoked_token_no_longer_authenticates(url: str, by: str) -> None:
    created = invoke(url, "tokens", "create", "--role", "finance")
    secret = SECRET.findall(created.stdout)[0]
    viewer = viewer_of(url, secret)
    assert viewer is not None
    revoked = invoke(url, "tokens", "revoke", secret if by == "secret" else str(viewer.token_id))
    assert revoked.exit_code == 0, revoked.output
    assert viewer_of(url, secret) is None
    again = invoke(url, "tokens", "revoke", secret)
    assert again.exit_code == 1
    assert "already revoked" in again.stderr


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group of the app, as the words that name it."""
    yield path
    for name, subcommand in getattr(command, "commands", {}).items():
        yield from _command_paths(subcommand, (*path, name))


@pytest.mark.parametrize(
    "path", list(_command_paths(typer.main.get_command(app))), ids=lambda path: " ".join(path) or "-"
)
def test_help_shows_flags_without_a_value(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


def test_serve_on_a_port_in_use_says_so_and_exits_1(url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(url, "serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"Error: port {port} on 127.0.0.1 is already in use; stop the program using it" in result.stderr
    assert "Traceback" not in result.output


def _table(output: str) -> dict[int, list[str]]:
    """The rows of `tokens list` by token id (columns are at least two spaces apart)."""
    lines = output.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["ID", "ROLE", "SCOPE", "LABEL", "CREATED", "EXPIRES", "STATUS"]
    return {int(cells[0]): cells[1:] for cells in (re.split(r"\s{2,}", line) for line in lines[1:])}


def test_tokens_list_shows_live_tokens_and_with_all_the_others_never_a_secret(
    url: str, tmp_path: Path
) -> None:
    # given live tokens of each role, a revoked one and an expired one
    run(url, lambda database: import_rows(database, tmp_path, [line(account_number="A-1", partner="P-1")]))
    made = {
        name: invoke(url, "tokens", "create", *args)
        for name, args in {
            "customer": ["--role", "customer", "--account", "A-1", "--label", "Front desk"],
            "partner": ["--role", "partner", "--partner", "P-1"],
            "finance": ["--role", "finance", "--expires-in-days", "30"],
            "revoked": ["--role", "finance", "--label", "Old laptop"],
        }.items()
    }
    secrets = {name: SECRET.findall(result.stdout)[0] for name, result in made.items()}
    ids = {name: viewer.token_id for name, secret in secrets.items() if (viewer := viewer_of(url, secret))}
    invoke(url, "tokens", "revoke", str(ids["revoked"]))
    past = datetime.now(UTC) - timedelta(days=1)
    expired = run(
        url, lambda database: create_token(database, role=Role.FINANCE, label="Lapsed", expires_at=past)
    )

    # when the tokens are listed, and listed with --all
    live = invoke(url, "tokens", "list")
    every = invoke(url, "tokens", "list", "--all")

    # then the live ones are listed with their scope, label, dates and status
    assert live.exit_code == 0, live.output
    rows = _table(live.stdout)
    assert set(rows) == {ids["customer"], ids["partner"], ids["finance"]}
    assert rows[ids["customer"]][:3] == ["customer", "account A-1", "Front desk"]
    assert rows[ids["partner"]][:3] == ["partner", "partner P-1", "-"]
    assert rows[ids["finance"]][:2] == ["finance", "every account"]
    assert rows[ids["finance"]][4].startswith(f"{datetime.now(UTC) + timedelta(days=30):%Y-%m-%d}")
    assert rows[ids["customer"]][4:] == ["never", "live"]
    # and --all adds the revoked and the expired one
    assert every.exit_code == 0, every.output
    all_rows = _table(every.stdout)
    assert set(all_rows) == {*ids.values(), expired.id}
    assert all_rows[ids["revoked"]][5].startswith("revoked ")
    assert all_rows[expired.id][5] == "expired"
    # and neither shows a secret or its hash
    for output in (live.output, every.output):
        assert not SECRET.search(output)
        assert not any(hash_token(secret) in output for secret in secrets.values())


def test_tokens_list_says_when_there_is_none(url: str) -> None:
    result = invoke(url, "tokens", "list")
    assert result.exit_code == 0, result.output
    assert "No live tokens" in result.stdout


def test_tokens_create_refuses_the_demo_labels(url: str) -> None:
    result = invoke(url, "tokens", "create", "--role", "finance", "--label", TOKEN_LABELS[Role.FINANCE])
    assert result.exit_code == 1
    assert "marks demo tokens" in result.stderr
    assert not SECRET.search(result.output)


def test_each_demo_load_revokes_the_demo_tokens_of_the_one_before_and_no_other(url: str) -> None:
    # given a demo load, and an operator's token made after it
    first = invoke(url, "seed-demo")
    assert first.exit_code == 0, first.output
    operator = SECRET.findall(invoke(url, "tokens", "create", "--role", "finance").stdout)[0]
    # when the demo is loaded again
    second = invoke(url, "seed-demo")
    assert second.exit_code == 0, second.output
    # then each token is printed with its id, the first load's no longer work, and the operator's does
    old, new = SECRET.findall(first.stdout), SECRET.findall(second.stdout)
    for secret in new:
        viewer = viewer_of(url, secret)
        assert viewer is not None
        assert f"token {viewer.token_id}:  {secret}" in second.stdout
    assert [viewer_of(url, secret) for secret in old] == [None, None, None]
    assert viewer_of(url, operator) is not None
    assert "Revoked the demo tokens of earlier demo loads" in second.stdout
    # and three demo tokens are live, whatever the number of loads
    live = run(url, list_tokens)
    demo_labels = [token.label or "" for token in live if token.label in TOKEN_LABELS.values()]
    assert sorted(demo_labels) == sorted(TOKEN_LABELS.values())


def test_seed_demo_loads_statements_and_prints_a_token_per_role(url: str) -> None:
    first = invoke(url, "seed-demo")
    assert first.exit_code == 0, first.output
    tokens = SECRET.findall(first.stdout)
    assert len(tokens) == 3
    roles = [viewer.role for viewer in (viewer_of(url, token) for token in tokens) if viewer]
    assert roles == [Role.CUSTOMER, Role.PARTNER, Role.FINANCE]
    lines = count(url, billing_lines)
    made = count(url, statements)
    # the demo's lines, and a refund of D-1002's e-invoiced month: its invoice deficit
    assert lines == len(ACCOUNTS) * MONTHS * len(KINDS) + 1
    assert count(url, invoice_deficit_entries) == 1
    # every demo month but possibly the last one (due on the 3rd) has a statement per account
    assert made >= len(ACCOUNTS) * (MONTHS - 1)
    # and it can be loaded again: same data, three new tokens
    second = invoke(url, "seed-demo")
    assert second.exit_code == 0, second.output
    assert len(set(SECRET.findall(second.stdout)) - set(tokens)) == 3
    assert (count(url, billing_lines), count(url, statements)) == (lines, made)
    assert count(url, invoice_deficit_entries) == 1


def test_migrate_reports_an_up_to_date_schema(url: str) -> None:
    result = invoke(url, "migrate")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout


def test_a_database_url_that_is_not_postgresql_is_refused() -> None:
    result = runner.invoke(app, ["statements", "generate"], env={"DATABASE_URL": "mysql://db/invoices"})
    assert result.exit_code == 1
    assert "DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_an_unreachable_database_is_a_clear_error() -> None:
    result = runner.invoke(
        app, ["statements", "generate"], env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    )
    assert result.exit_code == 1
    assert "Error: database error" in result.stderr


@pytest.fixture
def fresh_data_dir() -> Iterator[Path]:
    """A DATA_DIR outside pytest's temporary root; its embedded server is stopped afterwards.

    Each pytest session chmods its temporary root to 0700; run as root, pgserver runs PostgreSQL
    as another user, which another session starting meanwhile would lock out of that root.
    """
    folder = Path(tempfile.mkdtemp(prefix="invoice-graph-cli-"))
    yield folder / "data"
    if (folder / "data" / "pgdata" / "PG_VERSION").exists():
        _, server = start_embedded(folder / "data")  # the handle of the server the command started
        server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def test_without_database_url_the_embedded_server_is_set_up(fresh_data_dir: Path) -> None:
    # a newcomer's first command: no DATABASE_URL, a fresh data folder
    env = {"DATABASE_URL": None, "DATA_DIR": str(fresh_data_dir)}
    result = runner.invoke(app, ["statements", "generate"], env=env)
    # the embedded server is started and its schema migrated, so the command works
    assert result.exit_code == 0, result.output
    assert "No statements are due" in result.stdout
    assert (fresh_data_dir / "pgdata" / "PG_VERSION").is_file()


def test_import_billing_help_lists_the_columns_and_the_rules() -> None:
    # when a user asks the command for help
    result = runner.invoke(app, ["import-billing", "--help"])
    # then it names every column of the header, with a meaning, and the all-or-nothing rule
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    for column in csv_text([]).splitlines()[0].split(","):
        assert re.search(rf"\b{column}\b", text), column
    assert "billed_on date billed, YYYY-MM-DD (China Standard Time), not after today" in text
    assert "header, is required" in text
    assert "any bad row rejects the whole file and nothing is written" in text


def test_import_billing_names_a_row_with_the_wrong_number_of_fields(url: str, tmp_path: Path) -> None:
    # given a file whose second row has an unquoted comma in the account name
    path = write_csv(tmp_path, [line()])
    with path.open("a", encoding="utf-8", newline="") as stream:
        stream.write("A-1,Acme, Ltd,,L-X,2024-03-15,Disk,CLOUD,Cloud Provider,false,OTHER,,1,0,0,0,1\r\n")
    # when it is imported, then the row is named with its count and the header's, and nothing is written
    result = invoke(url, "import-billing", str(path))
    assert result.exit_code == 1
    assert "line 3: 17 fields; the header has 16: put a value that holds a comma in double quotes" in (
        result.stderr
    )
    assert count(url, billing_lines) == 0


def test_import_billing_on_a_terminal_shows_reading_then_writing(url: str, tmp_path: Path) -> None:
    # given stderr is a terminal (rich reads TTY_COMPATIBLE)
    path = write_csv(tmp_path, [line(), line()])
    result = runner.invoke(
        app, ["import-billing", str(path)], env={"DATABASE_URL": url, "TTY_COMPATIBLE": "1"}
    )
    # then the progress shows the file being read and the lines being written, and the counts follow
    assert result.exit_code == 0, result.output
    assert "Reading" in result.stderr
    assert "Writing" in result.stderr
    assert "2/2 rows" in result.stderr
    assert "2 rows read, 2 inserted" in result.stdout


def test_import_billing_off_a_terminal_prints_only_the_counts(url: str, tmp_path: Path) -> None:
    result = invoke(url, "import-billing", str(write_csv(tmp_path, [line()])))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("Imported ")


def _queue_unhandled_job(url: str) -> None:
    """A job of a kind no handler takes: a worker that runs it marks it FAILED."""

    async def work(database: Database) -> None:
        async with database.transaction() as connection:
            await enqueue_job(connection=connection, kind="no-such-kind", payload={})

    run(url, work)


def _failed_jobs(url: str) -> int:
    async def work(database: Database) -> int:
        async with database.read() as connection:
            return (await count_jobs_by_status(connection=connection))["FAILED"]

    return run(url, work)


def test_worker_runs_jobs_until_sigterm_and_then_stops(url: str) -> None:
    # given a queued job
    _queue_unhandled_job(url)
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    environment.update(DATABASE_URL=url, ENVIRONMENT="test", LOG_LEVEL="ERROR", JOB_POLL_SECONDS="0.1")
    # when a worker runs
    process = subprocess.Popen(
        [sys.executable, "-c", "from invoice_graph.cli import main; main()", "worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while _failed_jobs(url) == 0:  # polling: the worker's only sign of work is the database
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the worker did not run the job"
            time.sleep(0.1)
        # and is asked to stop
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    # then it ran the job, and stopped cleanly
    assert process.returncode == 0, err
    assert "Running background jobs" in out
    assert "The worker has stopped." in out
