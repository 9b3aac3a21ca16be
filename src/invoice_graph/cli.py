"""The invoice-graph command: serve the API and run the operators' tasks (SPEC section 7).

Every command reads its settings from the environment. Without DATABASE_URL it uses the embedded
PostgreSQL in DATA_DIR and brings its schema up to date itself; with DATABASE_URL it expects
`invoice-graph migrate` to have been run (the server migrates on start either way).
"""

import asyncio
import enum
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from asyncpg import PostgresError
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SQLAlchemyError

from invoice_graph.config import Settings
from invoice_graph.db.embedded import resolve_database_url
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import is_at_head, migrate
from invoice_graph.demo import ACCOUNTS, PARTNER, DemoTokens, load_demo
from invoice_graph.domain.viewer import Role
from invoice_graph.services.billing_import import ImportRejectedError, ImportResult, import_billing_file
from invoice_graph.services.statements import generate_due_statements
from invoice_graph.services.tokens import TokenScopeError, create_token, revoke_token

T = TypeVar("T")

app = typer.Typer(
    name="invoice-graph",
    help="Invoice Management backend: GraphQL API, billing import, statements and access tokens.",
    no_args_is_help=True,
    add_completion=False,
)
statements_app = typer.Typer(help="Monthly statements.", no_args_is_help=True)
tokens_app = typer.Typer(help="Access tokens for the API.", no_args_is_help=True)
app.add_typer(statements_app, name="statements")
app.add_typer(tokens_app, name="tokens")


class RoleOption(enum.StrEnum):
    """The roles a token can be made for, as typed on the command line."""

    CUSTOMER = "customer"
    PARTNER = "partner"
    FINANCE = "finance"


class _SchemaBehindError(Exception):
    """The configured database lacks migrations."""


def _fail(message: str) -> NoReturn:
    """Print an error to stderr and exit with status 1."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    """The settings from the environment, or a readable error."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
            for problem in error.errors()
        )
        _fail(f"invalid configuration: {problems}")


@contextmanager
def _database_url(settings: Settings) -> Iterator[str]:
    """The database URL; an embedded server started for it stays referenced until the block ends."""
    try:
        url, server = resolve_database_url(settings.database_url, settings.data_dir)
    except Exception as error:  # pgserver raises bare exceptions of its own
        _fail(f"could not start the embedded PostgreSQL in {settings.data_dir}: {error}")
    try:
        yield url
    finally:
        if server is not None:
            # Stopped here rather than at exit: a server stopped by SIGTERM runs no exit hooks.
            server.cleanup()


async def _prepare(database: Database, *, migrate_first: bool) -> None:
    """Migrate, or check that the schema is current."""
    if migrate_first:
        await migrate(database.engine)
    elif not await is_at_head(database.engine):
        raise _SchemaBehindError


def _run(
    settings: Settings, url: str, work: Callable[[Database], Awaitable[T]], *, migrate_first: bool = False
) -> T:
    """Run `work` against the database in an event loop of its own; database failures exit 1."""

    async def session() -> T:
        database = Database.connect(url, pool_size=settings.database_pool_size)
        try:
            await _prepare(database, migrate_first=migrate_first or settings.database_url is None)
            return await work(database)
        finally:
            await database.dispose()

    try:
        return asyncio.run(session())
    except _SchemaBehindError:
        _fail("the database schema is not up to date: run `invoice-graph migrate` first")
    except (OSError, SQLAlchemyError, PostgresError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        _fail(f"database error: {first_line}")


def _with_database(work: Callable[[Database], Awaitable[T]], *, migrate_first: bool = False) -> T:
    """Resolve the configured database and run `work` against it."""
    settings = _settings()
    with _database_url(settings) as url:
        return _run(settings, url, work, migrate_first=migrate_first)


def _print_demo_tokens(tokens: DemoTokens) -> None:
    """Print the demo accounts and one token per role."""
    managed = ", ".join(number for number, _, partner in ACCOUNTS if partner == PARTNER)
    typer.echo(f"Demo data loaded: accounts {', '.join(number for number, _, _ in ACCOUNTS)}.")
    typer.echo("Demo tokens (shown only now; send one as `Authorization: Bearer <token>`):")
    typer.echo(f"  customer (account {ACCOUNTS[0][0]}):  {tokens.customer.secret}")
    typer.echo(f"  partner ({PARTNER}: {managed}):  {tokens.partner.secret}")
    typer.echo(f"  finance (every account):  {tokens.finance.secret}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load demo data and print a token per role.")] = False,
) -> None:
    """Migrate the database and run the GraphQL API (GraphiQL at /graphql)."""
    settings = _settings()
    with _database_url(settings) as url:
        if demo:
            _print_demo_tokens(_run(settings, url, load_demo, migrate_first=True))
        else:
            _run(settings, url, _nothing, migrate_first=True)
        _serve(settings.model_copy(update={"database_url": url}), url, host, port)


async def _nothing(_: Database) -> None:
    """No work beyond preparing the database."""


def _serve(settings: Settings, url: str, host: str, port: int) -> None:
    """Run the app under uvicorn, one worker, in a loop that disposes of the database at the end."""
    import uvicorn  # noqa: PLC0415 (only the server needs it)

    # Imported when serving only: the other commands need none of the GraphQL stack.
    from invoice_graph.app import create_app  # noqa: PLC0415
    from invoice_graph.logging_setup import configure_logging  # noqa: PLC0415

    configure_logging(settings)

    async def run() -> None:
        database = Database.connect(
            url,
            pool_size=settings.database_pool_size,
            connect_timeout=settings.database_connect_timeout,
            pool_timeout=settings.database_pool_timeout,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
        try:
            config = uvicorn.Config(
                create_app(settings, database),
                host=host,
                port=port,
                workers=1,
                # Our logging (logging_setup.py) and one line per request (request_log.py) instead.
                log_config=None,
                access_log=False,
                # On SIGTERM: stop accepting, let requests in flight finish, then stop.
                timeout_graceful_shutdown=settings.shutdown_grace_seconds,
            )
            await uvicorn.Server(config).serve()
        finally:
            await database.dispose()

    typer.echo(f"GraphiQL at http://{host}:{port}/graphql")
    # uvicorn re-raises SIGTERM once it has shut down; exit through Python so `finally` blocks
    # (closing the pool, stopping the embedded PostgreSQL) still run.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    asyncio.run(run())


def _exit_on_signal(signum: int, _frame: object) -> None:
    """Turn a termination signal into SystemExit with the shell's status for it."""
    raise SystemExit(128 + signum)


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to the newest migration."""
    _with_database(_nothing, migrate_first=True)
    typer.echo("The database schema is up to date.")


async def _import_with_progress(database: Database, path: Path, size: int) -> ImportResult:
    """Import a file, with a progress bar of bytes read (of `size`) when stderr is a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        return await import_billing_file(database, path)
    columns = (TextColumn("Importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("import", total=size)
        return await import_billing_file(
            database, path, on_progress=lambda done: progress.update(task, completed=done)
        )


@app.command("import-billing")
def import_billing(
    file: Annotated[
        Path,
        typer.Argument(help="Billing CSV (UTF-8, header row).", exists=True, dir_okay=False, readable=True),
    ],
) -> None:
    """Import the billing system's CSV, all or nothing."""
    try:
        size = file.stat().st_size
        result = _with_database(lambda database: _import_with_progress(database, file, size))
    except ImportRejectedError as rejected:
        for problem in rejected.problems:
            typer.echo(str(problem) if problem.line else problem.message, err=True)
        _fail(f"{len(rejected.problems)} problem(s) in {file}; nothing was imported")
    typer.echo(
        f"Imported {file}: {result.rows} rows read, {result.inserted} inserted, "
        f"{result.unchanged} unchanged (already imported)."
    )


@statements_app.command("generate")
def generate_statements() -> None:
    """Generate the statements of every due month (idempotent; meant for a scheduler)."""
    result = _with_database(generate_due_statements)
    if not result.months:
        typer.echo("No statements are due: every due month is generated already.")
        return
    months = ", ".join(str(month) for month in result.months)
    typer.echo(f"Generated {result.statements} statement(s) for {months}.")


@tokens_app.command("create")
def create_token_command(
    role: Annotated[RoleOption, typer.Option(help="Who the token is for.", case_sensitive=False)],
    account: Annotated[
        str | None, typer.Option(metavar="NUMBER", help="Account of a customer token.")
    ] = None,
    partner: Annotated[str | None, typer.Option(metavar="CODE", help="Partner of a partner token.")] = None,
    label: Annotated[str | None, typer.Option(help="A note, e.g. who holds the token.")] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Days until it stops working.")] = None,
) -> None:
    """Create an access token; its secret is printed once and stored only as a hash."""
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    try:
        created = _with_database(
            lambda database: create_token(
                database,
                role=Role(role.upper()),
                account_number=account,
                partner_code=partner,
                label=label,
                expires_at=expires_at,
            )
        )
    except TokenScopeError as error:
        _fail(str(error))
    typer.echo(f"Created {role.value} token {created.id}. The secret is shown only now; store it safely:")
    typer.echo(created.secret)
    if expires_at:
        typer.echo(f"It expires at {expires_at.isoformat(timespec='seconds')}.")


@tokens_app.command("revoke")
def revoke_token_command(
    token: Annotated[str, typer.Argument(metavar="TOKEN_OR_ID", help="The token's secret or its id.")],
) -> None:
    """Revoke a token: it stops authenticating at once."""
    if not _with_database(lambda database: revoke_token(database, token)):
        _fail("no live token matches: it is unknown or already revoked")
    typer.echo("Token revoked.")


@app.command("seed-demo")
def seed_demo() -> None:
    """Load demo accounts, billing lines and statements, and print a token per role."""
    _print_demo_tokens(_with_database(load_demo))


def main() -> None:
    """Run the invoice-graph command."""
    app()
