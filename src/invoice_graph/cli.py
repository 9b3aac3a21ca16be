"""The invoice-graph command: serve the API and run the operators' tasks (SPEC section 7).

Every command reads its settings from the environment. Without DATABASE_URL it uses the embedded
PostgreSQL in DATA_DIR and brings its schema up to date itself; with DATABASE_URL it expects
`invoice-graph migrate` to have been run (the server migrates on start either way).
Background jobs run inside `serve` (unless RUN_JOBS is false) and in any number of `worker`s.
"""

import asyncio
import enum
import errno
import os
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from asyncpg import PostgresError
from pydantic import ValidationError
from pydantic_settings import EnvSettingsSource
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SQLAlchemyError
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

from invoice_graph.config import Settings
from invoice_graph.db.embedded import resolve_database_url
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import is_at_head, migrate
from invoice_graph.db.queries.tokens import TokenRecord
from invoice_graph.demo import ACCOUNTS, PARTNER, TOKEN_LABELS, DemoTokens, load_demo
from invoice_graph.domain.viewer import Role
from invoice_graph.services.billing_import import ImportRejectedError, ImportResult, import_billing_file
from invoice_graph.services.statements import generate_due_statements
from invoice_graph.services.tokens import TokenScopeError, create_token, list_tokens, revoke_token, status_of

if TYPE_CHECKING:
    from starlette.applications import Starlette

T = TypeVar("T")
# uvicorn's exit status for a server process that failed before it started serving.
STARTUP_FAILURE = 3


def _without_flag_types(params: list[Any]) -> list[Any]:
    """Typer's rich help prints a flag's type (`<bool>`) as if it took a value: print none."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""  # the help prints a metavar, when there is one, instead of the type
    return params


class _Command(TyperCommand):
    """A command whose help shows flags without a value."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, the help option included."""
        return _without_flag_types(super().get_params(ctx))


class _Group(TyperGroup):
    """A group of commands whose help shows flags without a value."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters, the help option included."""
        return _without_flag_types(super().get_params(ctx))


class _Typer(typer.Typer):
    """A Typer app whose commands are `_Command`s."""

    def command(
        self, name: str | None = None, **options: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        """Register a command, as `typer.Typer.command` does."""
        options.setdefault("cls", _Command)
        return super().command(name, **options)


app = _Typer(
    name="invoice-graph",
    cls=_Group,
    help="Invoice Management backend: GraphQL API, background jobs, billing import, statements and tokens.",
    no_args_is_help=True,
    add_completion=False,
)
statements_app = _Typer(cls=_Group, help="Monthly statements.", no_args_is_help=True)
tokens_app = _Typer(cls=_Group, help="Access tokens for the API.", no_args_is_help=True)
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
    stopped = True
    try:
        yield url
    finally:
        if server is not None:
            # Stopped here rather than at exit: a server stopped by SIGTERM runs no exit hooks.
            stopped = _stop_embedded(server, settings.data_dir)
    if not stopped:
        raise typer.Exit(1)


def _stop_embedded(server: Any, data_dir: Path) -> bool:
    """Stop the embedded server unless another process uses it; False (said on stderr) if that failed."""
    try:
        server.cleanup()
    except Exception as error:  # pgserver raises bare exceptions of its own
        typer.echo(f"Error: could not stop the embedded PostgreSQL in {data_dir}: {error}", err=True)
        return False
    return True


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
    """Print the demo accounts, the demo tokens revoked and one new token per role with its id."""
    managed = ", ".join(number for number, _, partner in ACCOUNTS if partner == PARTNER)
    typer.echo(f"Demo data loaded: accounts {', '.join(number for number, _, _ in ACCOUNTS)}.")
    if tokens.revoked:
        ids = ", ".join(str(token_id) for token_id in tokens.revoked)
        typer.echo(f"Revoked the demo tokens of earlier demo loads (ids {ids}).")
    typer.echo("Demo tokens (shown only now; send one as `Authorization: Bearer <token>`):")
    for who, token in (
        (f"customer (account {ACCOUNTS[0][0]})", tokens.customer),
        (f"partner ({PARTNER}: {managed})", tokens.partner),
        ("finance (every account)", tokens.finance),
    ):
        typer.echo(f"  {who}, token {token.id}:  {token.secret}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes sharing the port (each with its own pool).")
    ] = 1,
    demo: Annotated[bool, typer.Option("--demo", help="Load demo data and print a token per role.")] = False,
) -> None:
    """Migrate the database and serve the GraphQL API at /graphql (with GraphiQL unless it is off).

    The server runs the background jobs too, unless RUN_JOBS is false.
    """
    settings = _settings()
    listener = _listen(host, port)
    with listener, _database_url(settings) as url:
        if demo:
            _print_demo_tokens(_run(settings, url, load_demo, migrate_first=True))
        else:
            _run(settings, url, _nothing, migrate_first=True)
        address = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        _serve(_server_settings(url, workers), listener, workers, address)


async def _nothing(_: Database) -> None:
    """No work beyond preparing the database."""


def _listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound now: a port in use is an error before anything is started."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY only on connections of such a socket, and
    # without it every response written in two parts waits for the client's delayed ACK (~40 ms).
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    # As uvicorn binds: a port left in TIME_WAIT by a server that just stopped is free again.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            _fail(
                f"port {port} on {host} is already in use; stop the program using it "
                "or choose another port with --port"
            )
        _fail(f"cannot listen on {host} port {port}: {error.strerror or error}")
    listener.set_inheritable(True)
    return listener


def _server_settings(url: str, workers: int) -> Settings:
    """The server processes' settings, put in the environment each worker reads its own from."""
    os.environ["DATABASE_URL"] = url  # the embedded server's when none is configured
    # (Settings.model_fields_set cannot tell: the defaults filled in after validation are in it.)
    if workers > 1 and "rate_limit_store" not in EnvSettingsSource(Settings)():
        # Buckets in memory would be per process, each allowing the whole rate: share them.
        os.environ["RATE_LIMIT_STORE"] = "postgres"
    return Settings()


def _serve(settings: Settings, listener: socket.socket, workers: int, address: str) -> None:
    """Run uvicorn on the bound socket: in this process, or in `workers` processes it supervises."""
    import uvicorn  # noqa: PLC0415 (only the server needs it)
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    # Imported when serving only: the other commands need none of the GraphQL stack.
    from invoice_graph.logging_setup import configure_logging  # noqa: PLC0415

    configure_logging(settings)
    config = uvicorn.Config(
        "invoice_graph.cli:server_app",
        factory=True,
        workers=workers,
        loop="asyncio",
        # Our logging (logging_setup.py) and one line per request (request_log.py) instead.
        log_config=None,
        access_log=False,
        # On SIGTERM: stop accepting, let requests in flight finish, then stop.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        # A subscription's websocket messages are no larger than an HTTP request may be.
        ws_max_size=settings.max_request_bytes,
    )
    processes = f" ({workers} server processes)" if workers > 1 else ""
    typer.echo(f"Serving the GraphQL API at {address}/graphql{processes}.")
    if settings.graphiql:
        typer.echo(f"GraphiQL: open {address}/graphql in a browser.")
    if workers > 1:
        # The supervisor passes SIGTERM on to every worker, waits for them, then returns.
        supervisor = Multiprocess(config, sockets=[listener])
        supervisor.run()
        if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
            _fail("a server process failed to start (its error is in the log above)")
        return
    # uvicorn re-raises SIGTERM once it has shut down; exit through Python so `finally` blocks
    # (stopping the embedded PostgreSQL) still run.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    except SystemExit as stop:
        if stop.code == STARTUP_FAILURE:
            _fail("the server failed to start (its error is in the log above)")
        raise


def server_app() -> "Starlette":
    """One server process's app, from the settings in the environment (uvicorn calls it per worker).

    `serve` has migrated the database and put its URL in DATABASE_URL. Each process makes its own
    engine pool and closes it when the app shuts down.
    """
    from invoice_graph.app import create_app  # noqa: PLC0415 (the server's processes only)
    from invoice_graph.logging_setup import configure_logging  # noqa: PLC0415

    settings = Settings()
    if settings.database_url is None:
        raise RuntimeError("DATABASE_URL is not set: start the server with `invoice-graph serve`")
    configure_logging(settings)
    database = Database.connect(
        settings.database_url,
        pool_size=settings.database_pool_size,
        connect_timeout=settings.database_connect_timeout,
        pool_timeout=settings.database_pool_timeout,
        statement_timeout_ms=settings.statement_timeout_ms,
    )
    application = create_app(settings, database)
    lifespan = application.router.lifespan_context

    @asynccontextmanager
    async def owning_the_database(starlette: "Starlette") -> AsyncIterator[Any]:
        try:
            async with lifespan(starlette) as state:
                yield state
        finally:
            await database.dispose()

    application.router.lifespan_context = owning_the_database
    return application


def _exit_on_signal(signum: int, _frame: object) -> None:
    """Turn a termination signal into SystemExit with the shell's status for it."""
    raise SystemExit(128 + signum)


@app.command()
def worker() -> None:
    """Run the background jobs (e-mails, webhooks, exports) until SIGTERM or Ctrl-C.

    Any number of workers (and `serve` processes) share the jobs. Asked to stop, a worker takes no
    new job and gives the running ones SHUTDOWN_GRACE_SECONDS to finish; a job cut short runs
    again, here or elsewhere, once its lease (JOB_LEASE_SECONDS) has passed.
    """
    settings = _settings()
    with _database_url(settings) as url:
        _run(settings, url, lambda database: _work_jobs(database, settings))
    typer.echo("The worker has stopped.")


async def _work_jobs(database: Database, settings: Settings) -> None:
    """Run jobs until SIGTERM or SIGINT, then stop them gracefully."""
    # Imported here: the other commands need neither the jobs nor the metrics they count in.
    from invoice_graph.jobs.handlers import HANDLERS  # noqa: PLC0415
    from invoice_graph.jobs.runner import running_jobs  # noqa: PLC0415
    from invoice_graph.logging_setup import configure_logging  # noqa: PLC0415

    configure_logging(settings)
    asked_to_stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, asked_to_stop.set)
    try:
        async with running_jobs(database, settings, HANDLERS):
            typer.echo(f"Running background jobs, {settings.job_concurrency} at a time; stop with Ctrl-C.")
            await asked_to_stop.wait()
            typer.echo("Stopping: waiting for the running jobs to finish.")
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


@app.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to the newest migration."""
    _with_database(_nothing, migrate_first=True)
    typer.echo("The database schema is up to date.")


async def _import_with_progress(database: Database, path: Path) -> ImportResult:
    """Import a file; when stderr is a terminal, with a progress bar of each phase the service reports.

    The bar counts bytes while the file is read, then shows the checks across rows, then counts
    the rows written.
    """
    console = Console(stderr=True)
    if not console.is_terminal:
        return await import_billing_file(database, path)
    label = TextColumn("{task.description:<8}")
    rows = TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows")
    columns = {  # by phase (ImportPhase's values)
        "reading": (label, BarColumn(), DownloadColumn(), TimeRemainingColumn()),
        "checking": (label, BarColumn()),
        "writing": (label, BarColumn(), rows, TimeRemainingColumn()),
    }
    # Drawn at each report only, so that no frame mixes one phase's columns with another's figures.
    with Progress(*columns["reading"], console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("Reading", total=None)
        current = "reading"

        def show(phase: str, done: int, total: int) -> None:
            nonlocal current
            if phase == current:
                progress.update(task, completed=done, total=total)
            else:  # a new phase: its label, its unit and a new time estimate
                current = phase
                progress.columns = columns[phase]
                progress.reset(task, total=total, completed=done, description=phase.capitalize())
            progress.refresh()

        return await import_billing_file(database, path, on_progress=show)


@app.command("import-billing")
def import_billing(
    file: Annotated[
        Path,
        typer.Argument(help="Billing CSV (UTF-8, header row).", exists=True, dir_okay=False, readable=True),
    ],
) -> None:
    """Import the billing system's CSV, all or nothing.

    The file is UTF-8 CSV. Its first row, the header, is required: it names these
    columns, in any order (partner and refund_of may be left out), and each row
    after it has one cell per column of the header:

    account_number   the customer's account number
    account_name     the customer's name; creates the account, or renames it
                     (one name per account in a file)
    partner          optional: code of the partner that manages the account
    line_id          unique id of the line in the billing system
    billed_on        date billed, YYYY-MM-DD (China Standard Time), not after
                     today; its month is the statement month
    product          product name
    channel          CLOUD or MARKET (Cloud Market)
    seller           who sells it (the provider itself for CLOUD lines)
    self_operated    true or false: a MARKET line sold by the market itself
    billing_mode     SUBSCRIPTION, PAY_AS_YOU_GO or OTHER
    delivered_on     date delivered, YYYY-MM-DD (required for SUBSCRIPTION)
    amount           payable amount, e.g. 1234.50 (two decimals at most, not
                     negative)
    voucher_amount, coupon_amount, gift_balance_amount, cash_amount
                     how it was paid; they must add up to amount
    refund_of        optional: the line_id of the line this row refunds, of the
                     same account, imported before or on an earlier row; the
                     amounts are the refunded parts (at most what is left of
                     each), product, channel, seller, billing_mode and
                     delivered_on are the line's, billed_on the refund's date

    A refund of a line whose month is not generated yet is taken off the line;
    after generation its refunded invoiceable cash joins the account's invoice
    deficit, which the next application takes off first.

    All or nothing: any bad row rejects the whole file and nothing is written.
    Every problem of every row is listed, as "line N, column C: what to do"
    (the header is line 1, as a spreadsheet numbers rows). A line imported
    before may come again unchanged (it is skipped), never changed; a new
    line cannot join a month whose statement is already generated.
    """
    try:
        result = _with_database(lambda database: _import_with_progress(database, file))
    except ImportRejectedError as rejected:
        for problem in rejected.problems:
            typer.echo(str(problem) if problem.line else problem.message, err=True)
        _fail(f"{len(rejected.problems)} problem(s) in {file}; nothing was imported")
    typer.echo(
        f"Imported {file}: {result.rows} rows read, {result.inserted} inserted, "
        f"{result.unchanged} unchanged (already imported)."
        + (
            f" Refunds: {result.netted} line(s) of months not generated yet now show what is left, "
            f"{result.deficit_entries} refund(s) added to invoice deficits."
            if result.netted or result.deficit_entries
            else ""
        )
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
    if label in TOKEN_LABELS.values():
        _fail(f"the label {label!r} marks demo tokens, which the next demo load revokes; choose another")
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


@tokens_app.command("list")
def list_tokens_command(
    include_all: Annotated[bool, typer.Option("--all", help="Include revoked and expired tokens.")] = False,
) -> None:
    """List the live tokens (or all of them): id, role, scope, label, dates; never a secret."""
    now = datetime.now(UTC)
    tokens = _with_database(lambda database: list_tokens(database, include_inactive=include_all, now=now))
    if not tokens:
        typer.echo("No tokens." if include_all else "No live tokens (--all lists revoked and expired ones).")
        return
    rows: list[tuple[str, ...]] = [("ID", "ROLE", "SCOPE", "LABEL", "CREATED", "EXPIRES", "STATUS")]
    rows += [_token_row(token, now) for token in tokens]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _token_row(token: TokenRecord, now: datetime) -> tuple[str, ...]:
    """A token's cells in `tokens list`."""
    scopes = {Role.CUSTOMER: f"account {token.account_number}", Role.PARTNER: f"partner {token.partner_code}"}
    status = status_of(token, now).value
    return (
        str(token.id),
        token.role.lower(),
        scopes.get(Role(token.role), "every account"),
        token.label or "-",
        _instant(token.created_at),
        _instant(token.expires_at) if token.expires_at else "never",
        f"{status} {_instant(token.revoked_at)}" if token.revoked_at else status,
    )


def _instant(value: datetime) -> str:
    """An instant in UTC, to the second (ISO 8601)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
