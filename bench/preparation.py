"""Before the load: the seeded database, tokens and request bodies; byte-identity; round-trip counts."""

import asyncio
import json
import os
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bench import dataset, documents, floor
from bench.counting import Counted, Log, count_per_request, watch, watch_engine
from bench.documents import Operation
from bench.servers import DatabaseServer, plain_dsn
from invoice_graph.db.engine import Database
from invoice_graph.db.migrate import migrate
from invoice_graph.domain.money import format_fen
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from invoice_graph.services.billing_import import import_billing_file
from invoice_graph.services.statements import generate_due_statements
from invoice_graph.services.tokens import create_token

BENCH_DATABASE = "invoice_graph_bench"
MONTHS = 24
CONSOLE_ACCOUNT = 100


@dataclass
class Prepared:
    """A seeded database and the operations to load it with."""

    url: str
    operations: list[Operation]
    mutation_account_ids: list[int]
    newest: Any
    postgres_version: str
    tokens: dict[str, str] = field(default_factory=dict)

    async def free_mutation_month(self) -> None:
        """Cancel what a load run of the cycle left pending.

        The server may still be answering the last requests wrk sent when it stopped; a deadlock
        with one of them is retried once they are done.
        """
        database = Database.connect(self.url, pool_size=1)
        try:
            accounts = self.mutation_account_ids
            for attempt in range(5):
                try:
                    await dataset.free_month(database, account_ids=accounts, month=self.newest)
                    return
                except DBAPIError as error:
                    if "deadlock detected" not in str(error) or attempt == 4:
                        raise
                    await asyncio.sleep(0.5)
        finally:
            await database.dispose()


async def _seed(database: Database, accounts: int, workdir: Path) -> None:
    months = dataset.due_months(MONTHS)
    await migrate(database.engine)
    path = workdir / "seed.csv"
    lines = dataset.write_csv(path, accounts=accounts, months=months)
    started = time.perf_counter()
    result = await import_billing_file(database, path)
    print(
        f"  imported {result.inserted:,} of {lines:,} lines in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    path.unlink()
    started = time.perf_counter()
    generated = await generate_due_statements(database)
    print(
        f"  generated {generated.statements:,} statements in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    applications = await dataset.add_titles_addresses_applications(database, newest=months[-1])
    print(f"  added a title and an address per account and {applications:,} applications", flush=True)
    files, entries = await dataset.add_documents_and_ledgers(database)
    print(f"  added {files:,} e-invoice documents and {entries:,} deficit ledger entries", flush=True)


async def prepare(
    server: DatabaseServer, accounts: int, workdir: Path, *, reseed: bool, mutation_accounts: int
) -> Prepared:
    """Seed (unless this data set is there already), make tokens and the operations' bodies."""
    newest = dataset.due_months(1)[0]
    signature = f"invoice_graph bench v2: {accounts} accounts x {MONTHS} months x 10 lines up to {newest}"
    url = await server.database(BENCH_DATABASE, fresh=reseed)
    if await server.comment(url) != signature:
        url = await server.database(BENCH_DATABASE, fresh=True)
        database = Database.connect(url, pool_size=4)
        try:
            await _seed(database, accounts, workdir)
        finally:
            await database.dispose()
        await server.comment(url, signature)
    else:
        print("  the data set is there already (--reseed to seed again)", flush=True)
    database = Database.connect(url, pool_size=2)
    try:
        await dataset.free_month(database, account_ids=[], month=newest)
        customer = await create_token(
            database,
            role=Role.CUSTOMER,
            account_number=dataset.account_number(CONSOLE_ACCOUNT),
            label="bench",
        )
        partner = await create_token(
            database, role=Role.PARTNER, partner_code=dataset.BIG_PARTNER, label="bench"
        )
        electronic = await dataset.electronic_application(
            database, account_number=dataset.account_number(CONSOLE_ACCOUNT)
        )
        targets = await dataset.mutation_accounts(database, month=newest, count=mutation_accounts)
        await dataset.free_month(database, account_ids=[t.account_id for t in targets], month=newest)
        async with database.read() as connection:
            version = str((await connection.execute(text("SHOW server_version"))).scalar_one())
    finally:
        await database.dispose()
    bodies = tuple(
        documents.body(
            documents.APPLY,
            {
                "input": {
                    "accountId": encode_id("Account", target.account_id),
                    "months": [str(target.month)],
                    "titleId": encode_id("InvoiceTitle", target.account_id, target.title_id),
                    "addressId": encode_id("InvoiceAddress", target.account_id, target.address_id),
                    "confirmedAmount": format_fen(target.amount_fen),
                    "acceptTerms": True,
                }
            },
        )
        for target in targets
    )
    operations = [
        Operation(
            "console",
            "Console statements page: 1 account, 12 statements, every money field",
            customer.secret,
            (documents.body(documents.CONSOLE),),
        ),
        Operation(
            "partner",
            "Partner view: 50 accounts, invoiceable totals, last 12 statements each",
            partner.secret,
            (documents.body(documents.PARTNER),),
        ),
        Operation(
            "documents",
            "An e-invoice application's documents (node by ID): 2 files, no signed links",
            customer.secret,
            (documents.body(documents.DOCUMENTS, {"id": encode_id("InvoiceApplication", *electronic)}),),
        ),
        Operation(
            "ledger",
            "The account's invoice deficit and its ledger's first 20 entries, with totalCount",
            customer.secret,
            (documents.body(documents.LEDGER),),
        ),
        Operation(
            "cycle",
            "applyForInvoice + cancelInvoiceApplication (2 requests a cycle)",
            partner.secret,
            bodies,
            cycle=True,
        ),
    ]
    return Prepared(
        url,
        operations,
        [t.account_id for t in targets],
        newest,
        version,
        {"customer": customer.secret, "partner": partner.secret},
    )


def _post(port: int, token: str, body: str) -> bytes:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        answer: bytes = response.read()
        return answer


def _same(name: str, api: bytes, floor_answer: bytes) -> None:
    if api == floor_answer:
        print(f"  {name}: {len(api):,} bytes, identical", flush=True)
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(api, floor_answer, strict=False)) if a != b),
        min(len(api), len(floor_answer)),
    )
    raise SystemExit(
        f"{name}: the API and the floor differ at byte {at}:\n"
        f"  api:   ...{api[max(0, at - 80) : at + 80]!r}\n"
        f"  floor: ...{floor_answer[max(0, at - 80) : at + 80]!r}"
    )


def _cancel_body(answer: bytes) -> str:
    payload = json.loads(answer)
    application = payload["data"]["applyForInvoice"]["invoiceApplication"]
    if application is None:
        raise SystemExit(f"applyForInvoice was refused: {answer[:500]!r}")
    return documents.body(documents.CANCEL, {"id": application["id"]})


async def _forget_application(url: str, answer: bytes) -> None:
    """Delete the API's application and wind its id sequence back, so the floor makes the same id."""
    application_id = json.loads(answer)["data"]["applyForInvoice"]["invoiceApplication"]["id"]
    from invoice_graph.graphql.ids import decode_id  # noqa: PLC0415

    gid = decode_id(application_id)
    database = Database.connect(url, pool_size=1)
    try:
        async with database.transaction() as connection:
            keys = {"account": gid.account_id, "id": gid.row_id}
            for table in ("invoice_application_events", "invoice_application_months"):
                await connection.execute(
                    text(f"DELETE FROM {table} WHERE account_id = :account AND application_id = :id"),  # noqa: S608
                    keys,
                )
            await connection.execute(
                text("DELETE FROM invoice_applications WHERE account_id = :account AND id = :id"), keys
            )
            await connection.execute(
                text("SELECT setval(pg_get_serial_sequence('invoice_applications', 'id'), :id - 1)"), keys
            )
    finally:
        await database.dispose()


def learn_extensions(prepared: Prepared, api_port: int) -> dict[str, Any]:
    """The `extensions` object (the cost report) the API adds to each document's answer."""
    found: dict[str, Any] = {}
    for operation in prepared.operations:
        answers = [(operation.bodies[0], _post(api_port, operation.token, operation.bodies[0]))]
        if operation.cycle:
            cancel = _cancel_body(answers[0][1])
            answers.append((cancel, _post(api_port, operation.token, cancel)))
        for body, answer in answers:
            extensions = json.loads(answer).get("extensions")
            if extensions is not None:
                found[json.loads(body)["query"]] = extensions
    return found


def verify_identical(prepared: Prepared, api_port: int, floor_port: int, *, only: str | None = None) -> None:
    """Each read answers the same bytes from both; so do apply and cancel for the same new id."""
    for operation in prepared.operations:
        if only is not None and operation.name != only:
            continue
        if not operation.cycle:
            body = operation.bodies[0]
            _same(
                operation.name,
                _post(api_port, operation.token, body),
                _post(floor_port, operation.token, body),
            )
            continue
        token, apply = operation.token, operation.bodies[0]
        api_apply = _post(api_port, token, apply)
        api_cancel = _post(api_port, token, _cancel_body(api_apply))
        asyncio.run(_forget_application(prepared.url, api_apply))
        floor_apply = _post(floor_port, token, apply)
        floor_cancel = _post(floor_port, token, _cancel_body(floor_apply))
        _same("applyForInvoice", api_apply, floor_apply)
        _same("cancelInvoiceApplication", api_cancel, floor_cancel)


Sender = Callable[[httpx.AsyncClient], Any]


def _sender(operation: Operation) -> Sender:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {operation.token}"}

    async def read(client: httpx.AsyncClient) -> None:
        response = await client.post("/graphql", content=operation.bodies[0], headers=headers)
        if b'"errors"' in response.content or response.status_code != 200:
            raise SystemExit(f"{operation.name} failed: {response.status_code} {response.content[:500]!r}")

    async def cycle(client: httpx.AsyncClient) -> None:
        response = await client.post("/graphql", content=operation.bodies[0], headers=headers)
        cancel = _cancel_body(response.content)
        await client.post("/graphql", content=cancel, headers=headers)

    return cycle if operation.cycle else read


async def count_round_trips(prepared: Prepared, env: dict[str, str]) -> dict[str, tuple[Counted, Counted]]:
    """Per operation, the round trips of the API and of the floor per request (per cycle for the cycle)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from invoice_graph.app import create_app  # noqa: PLC0415 (reads settings as the server does)
        from invoice_graph.config import Settings  # noqa: PLC0415

        settings = Settings()
        api_log, floor_log = Log(), Log()
        database = Database.connect(prepared.url, pool_size=settings.database_pool_size)
        watch_engine(database.engine.sync_engine, api_log)
        pool = await floor.create_pool(plain_dsn(prepared.url), init=lambda c: watch(c, floor_log))
        the_floor = floor.Floor(pool)
        api_app = create_app(settings, database)
        floor_app = floor.floor_app(lambda: the_floor)
        counts: dict[str, tuple[Counted, Counted]] = {}
        try:
            for operation in prepared.operations:
                send = _sender(operation)
                api = await count_per_request(api_app, api_log, send)
                await prepared.free_mutation_month()
                floor_counts = await count_per_request(floor_app, floor_log, send)
                await prepared.free_mutation_month()
                counts[operation.name] = (api, floor_counts)
                print(
                    f"  {operation.name}: API {api.round_trips:g} round trips "
                    f"({api.statements:g} statements, "
                    f"{api.transaction_control:g} BEGIN/COMMIT/ROLLBACK); "
                    f"floor {floor_counts.round_trips:g}",
                    flush=True,
                )
        finally:
            await database.dispose()
            await pool.close()
        return counts
    finally:
        os.environ.clear()
        os.environ.update(saved)
