"""CSV exports on real PostgreSQL (SPEC section 13): what a file holds, who may start one, the limit,
the job's repeats and failures, the EXPORT_FINISHED event and the signed download."""

import asyncio
import csv
import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy import func, select, text, update
from starlette.requests import Request

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import exports as export_queries
from invoice_graph.db.queries.jobs import enqueue_job
from invoice_graph.db.queries.webhook_endpoints import insert_endpoint
from invoice_graph.db.tables import (
    events_table,
    export_chunks,
    export_jobs,
    jobs,
    partners,
    webhook_deliveries,
)
from invoice_graph.domain.applications import InvoiceMedium
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.events import EventType, ExportKind, ExportStatus
from invoice_graph.domain.links import sign
from invoice_graph.domain.months import Month
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.graphql.context import Context
from invoice_graph.graphql.exports.types import (
    ExportJob,
    ExportJobPayload,
    exports_of,
    start_export_field,
)
from invoice_graph.graphql.ids import decode_id, encode_id
from invoice_graph.graphql.loaders import Loaders
from invoice_graph.graphql.pagination import Connection, Paged
from invoice_graph.graphql.scalars import SCALAR_MAP
from invoice_graph.jobs import exports as export_job
from invoice_graph.jobs.exports import APPLICATION_COLUMNS, EXPORT_JOB, STATEMENT_COLUMNS, run_export
from invoice_graph.jobs.runner import JobContext, JobRunner
from invoice_graph.services import exports
from invoice_graph.services.applications import apply_for_invoice
from invoice_graph.services.exports import (
    ExportRecord,
    export_file_name,
    export_global_id,
    export_link,
    export_path,
    read_export_file,
    start_export,
)
from invoice_graph.services.reader import Reader
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_title

SETTINGS = Settings(environment="test", download_link_secret="test-export-link-secret", job_poll_seconds=0.05)
FINANCE = Viewer(role=Role.FINANCE, token_id=0)
BOM = b"\xef\xbb\xbf"
MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")
ACCOUNTS = (
    ("A-1", "阿克米（北京）科技有限公司", "P1"),
    ("B-2", 'Beta, "Quoted" Ltd', "P1"),
    ("C-3", "=Gamma", "P2"),
)
MONTHS = (("2024-01", "100.00"), ("2024-02", "1234.50"), ("2024-03", "0.05"))


async def _seed(database: Database, tmp_path: Path) -> None:
    """Three accounts (two of partner P1, one of P2), each with statements of 2024-01 to 2024-03."""
    rows = [
        line(
            account_number=number,
            account_name=name,
            partner=partner,
            billed_on=f"{month}-10",
            delivered_on=f"{month}-01",
            amount=amount,
            cash_amount=amount,
        )
        for number, name, partner in ACCOUNTS
        for month, amount in MONTHS
    ]
    await make_statements(database, tmp_path, rows)


async def _partner(database: Database, code: str) -> Viewer:
    async with database.read() as connection:
        found = (await connection.execute(select(partners.c.id).where(partners.c.code == code))).scalar_one()
    return Viewer(role=Role.PARTNER, token_id=0, partner_id=int(found))


async def _customer(database: Database, number: str) -> Viewer:
    return Viewer(role=Role.CUSTOMER, token_id=0, account_id=await account_id_of(database, number))


async def _start(database: Database, viewer: Viewer, kind: ExportKind, **options: Any) -> ExportRecord:
    values: dict[str, Any] = {"from_month": None, "to_month": None, "account_ids": None, **options}
    return await start_export(database, viewer=viewer, kind=kind, **values)


async def _run_jobs(database: Database) -> None:
    """Run every due job through the real runner, as a worker would."""
    runner = JobRunner(database, SETTINGS, {EXPORT_JOB: run_export})
    while await runner.run_once():
        pass


def _context(database: Database, *, attempt: int = 1, max_attempts: int = 3) -> JobContext:
    return JobContext(
        database=database, settings=SETTINGS, job_id=0, attempt=attempt, max_attempts=max_attempts
    )


async def _export(database: Database, export_id: int) -> ExportRecord:
    async with database.read() as connection:
        found = await export_queries.get_export(connection=connection, export_id=export_id)
    assert found is not None
    return found


async def _file(database: Database, export: ExportRecord) -> bytes:
    found = await read_export_file(database, export_id=export.id, file_name=export_file_name(export))
    assert found is not None
    return b"".join([chunk async for chunk in found.chunks])


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def _count(database: Database, query: Any) -> int:
    async with database.read() as connection:
        return int((await connection.execute(query)).scalar_one())


# The statements a viewer sees, read straight from the tables and formatted by PostgreSQL.
_STATEMENTS_SQL = """
SELECT a.account_number, a.name, to_char(s.month, 'YYYY-MM'),
       {money}
       CASE WHEN ap.status IS NULL THEN 'NOT_INVOICED' WHEN ap.status = 'PENDING' THEN 'IN_APPLICATION'
            ELSE 'INVOICED' END
FROM statements s JOIN accounts a ON a.id = s.account_id
LEFT JOIN invoice_application_months m ON m.account_id = s.account_id AND m.month = s.month AND m.active
LEFT JOIN invoice_applications ap ON ap.account_id = m.account_id AND ap.id = m.application_id
WHERE {where}
ORDER BY a.id, s.month
"""
_MONEY_COLUMNS = (
    "s.cloud_expense_fen",
    "s.market_expense_fen",
    "s.cloud_expense_fen + s.market_expense_fen",
    "s.invoiceable_cloud_fen",
    "s.invoiceable_market_fen",
    "s.invoiceable_cloud_fen + s.invoiceable_market_fen",
    "s.voucher_fen",
    "s.coupon_fen",
    "s.gift_balance_fen",
    "s.not_subscription_fen",
    "s.delivered_before_cutoff_fen",
    "s.issued_by_market_provider_fen",
)


async def _statements_seen(database: Database, where: str, **params: Any) -> list[list[str]]:
    money = "".join(f"to_char(({column})::numeric / 100, 'FM999999999990.00'), " for column in _MONEY_COLUMNS)
    async with database.read() as connection:
        found = await connection.execute(text(_STATEMENTS_SQL.format(money=money, where=where)), params)
        rows = [list(row) for row in found]
    for row in rows:  # what a spreadsheet would run as a formula is quoted
        row[1] = "'" + row[1] if row[1].startswith("=") else row[1]
    return rows


async def _apply(database: Database, number: str, months: tuple[str, ...], amount: str) -> None:
    account = await account_id_of(database, number)
    title = await add_title(
        database, number, name="阿克米（北京）科技有限公司", taxpayer_id="91110108MA01ABCD1X"
    )
    request = ApplicationRequest(
        account_id=account,
        months=tuple(Month.parse(month) for month in months),
        title_id=title,
        address_id=None,
        confirmed_amount=Decimal(amount),
        accept_terms=True,
        medium=InvoiceMedium.ELECTRONIC,
        emails=("buyer@example.com",),
    )
    customer = Viewer(role=Role.CUSTOMER, token_id=0, account_id=account)
    await apply_for_invoice(database, viewer=customer, request=request, offered=list(InvoiceMedium))


async def test_a_partner_exports_exactly_the_statements_it_sees(database: Database, tmp_path: Path) -> None:
    # given three accounts, two of them partner P1's, and a pending application over A-1's January
    await _seed(database, tmp_path)
    await _apply(database, "A-1", ("2024-01",), "100.00")
    partner = await _partner(database, "P1")
    # when P1 exports its statements and the job runs
    started = await _start(database, partner, ExportKind.STATEMENTS)
    assert started.status == ExportStatus.QUEUED
    await _run_jobs(database)
    # then the file is a BOM, one header row, then exactly P1's statements
    export = await _export(database, started.id)
    assert export.status == ExportStatus.SUCCEEDED
    content = await _file(database, export)
    header, *rows = _rows(content)
    assert header == list(STATEMENT_COLUMNS)
    assert rows == await _statements_seen(database, "a.partner_id = :partner", partner=partner.partner_id)
    assert {row[0] for row in rows} == {"A-1", "B-2"}
    assert rows[0][:6] == ["A-1", "阿克米（北京）科技有限公司", "2024-01", "100.00", "0.00", "100.00"]
    assert rows[0][-1] == "IN_APPLICATION"
    assert rows[4][1] == 'Beta, "Quoted" Ltd'
    assert all(MONEY.fullmatch(cell) for row in rows for cell in row[3:15])
    assert (export.row_count, export.size_bytes) == (6, len(content))
    assert export.sha256 == hashlib.sha256(content).hexdigest()


async def test_finance_exports_every_account_and_a_customer_its_own(
    database: Database, tmp_path: Path
) -> None:
    await _seed(database, tmp_path)
    everything = await _start(database, FINANCE, ExportKind.STATEMENTS)
    own = await _start(database, await _customer(database, "C-3"), ExportKind.STATEMENTS)
    await _run_jobs(database)
    _, *all_rows = _rows(await _file(database, await _export(database, everything.id)))
    _, *own_rows = _rows(await _file(database, await _export(database, own.id)))
    assert all_rows == await _statements_seen(database, "true")
    assert len(all_rows) == 9
    assert own_rows == await _statements_seen(database, "a.account_number = 'C-3'")
    assert {row[1] for row in own_rows} == {"'=Gamma"}  # not run as a formula by a spreadsheet


async def test_the_account_and_month_filters_narrow_the_rows(database: Database, tmp_path: Path) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    beta = await account_id_of(database, "B-2")
    started = await _start(
        database,
        partner,
        ExportKind.STATEMENTS,
        from_month=Month.parse("2024-02"),
        to_month=Month.parse("2024-03"),
        account_ids=[beta],
    )
    await _run_jobs(database)
    _, *rows = _rows(await _file(database, await _export(database, started.id)))
    assert [(row[0], row[2]) for row in rows] == [("B-2", "2024-02"), ("B-2", "2024-03")]
    assert rows == await _statements_seen(
        database, "a.account_number = 'B-2' AND s.month >= '2024-02-01' AND s.month <= '2024-03-01'"
    )


async def test_an_applications_export_lists_them_with_their_months_and_amounts(
    database: Database, tmp_path: Path
) -> None:
    # given an application of A-1 over January and February
    await _seed(database, tmp_path)
    await _apply(database, "A-1", ("2024-01", "2024-02"), "1334.50")
    partner = await _partner(database, "P1")
    # when exports of February, of March, and of everything for another partner run
    february = await _start(
        database, partner, ExportKind.INVOICE_APPLICATIONS, from_month=Month.parse("2024-02")
    )
    march = await _start(
        database, partner, ExportKind.INVOICE_APPLICATIONS, from_month=Month.parse("2024-03")
    )
    other = await _start(database, await _partner(database, "P2"), ExportKind.INVOICE_APPLICATIONS)
    await _run_jobs(database)
    # then only the export whose months it covers lists it
    header, *rows = _rows(await _file(database, await _export(database, february.id)))
    assert header == list(APPLICATION_COLUMNS)
    (row,) = rows
    cells = dict(zip(APPLICATION_COLUMNS, row, strict=True))
    assert cells["account_number"] == "A-1"
    assert cells["status"] == "PENDING"
    assert cells["medium"] == "ELECTRONIC"
    assert cells["months"] == "2024-01;2024-02"
    assert (cells["cloud_amount"], cells["market_amount"], cells["deficit_offset"], cells["amount"]) == (
        "1334.50",
        "0.00",
        "0.00",
        "1334.50",
    )
    assert cells["title_name"] == "阿克米（北京）科技有限公司"
    assert cells["taxpayer_id"] == "91110108MA01ABCD1X"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", cells["submitted_at"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells["due_by"])
    assert cells["invoice_numbers"] == ""
    assert _rows(await _file(database, await _export(database, march.id))) == [list(APPLICATION_COLUMNS)]
    assert _rows(await _file(database, await _export(database, other.id))) == [list(APPLICATION_COLUMNS)]


async def test_an_account_the_viewer_may_not_see_is_not_found(database: Database, tmp_path: Path) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    own, foreign = await account_id_of(database, "A-1"), await account_id_of(database, "C-3")
    with pytest.raises(InvalidInputError) as refused:
        await _start(database, partner, ExportKind.STATEMENTS, account_ids=[own, foreign, 987654])
    assert [(e.code, e.field) for e in refused.value.errors] == [
        (ErrorCode.NOT_FOUND, ["input", "accountIds", "1"]),
        (ErrorCode.NOT_FOUND, ["input", "accountIds", "2"]),
    ]
    with pytest.raises(InvalidInputError) as backwards:
        await _start(
            database, partner, ExportKind.STATEMENTS, from_month=Month(2024, 3), to_month=Month(2024, 1)
        )
    assert [(e.code, e.field) for e in backwards.value.errors] == [(ErrorCode.INVALID, ["input", "to"])]
    assert await _count(database, select(func.count()).select_from(export_jobs)) == 0
    assert await _count(database, select(func.count()).select_from(jobs)) == 0


async def test_a_fourth_active_export_is_refused_until_one_finishes(
    database: Database, tmp_path: Path
) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    for _ in range(3):
        await _start(database, partner, ExportKind.STATEMENTS)
    with pytest.raises(DomainError) as refused:
        await _start(database, partner, ExportKind.STATEMENTS)
    assert refused.value.code == ErrorCode.LIMIT_REACHED
    await _start(database, FINANCE, ExportKind.STATEMENTS)  # another owner's places are its own
    await _run_jobs(database)
    for _ in range(3):
        await _start(database, partner, ExportKind.STATEMENTS)
    # an export whose job failed for good without it (its worker died on the last attempt) stays
    # RUNNING, but takes no place
    async with database.transaction() as connection:
        await connection.execute(update(jobs).where(jobs.c.status == "QUEUED").values(status="FAILED"))
    await _start(database, partner, ExportKind.STATEMENTS)


async def test_four_concurrent_starts_queue_three(database: Database, tmp_path: Path) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    results = await asyncio.gather(
        *(_start(database, partner, ExportKind.STATEMENTS) for _ in range(4)), return_exceptions=True
    )
    refused = [result for result in results if isinstance(result, BaseException)]
    assert len(refused) == 1
    assert isinstance(refused[0], DomainError)
    assert refused[0].code == ErrorCode.LIMIT_REACHED
    assert await _count(database, select(func.count()).select_from(export_jobs)) == 3
    assert await _count(database, select(func.count()).where(jobs.c.kind == EXPORT_JOB)) == 3


async def test_a_rolled_back_start_queues_nothing(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(database, tmp_path)

    async def enqueue_then_fail(**arguments: Any) -> int:
        await enqueue_job(**arguments)
        raise RuntimeError("the connection broke before commit")

    monkeypatch.setattr(exports, "enqueue_job", enqueue_then_fail)
    with pytest.raises(RuntimeError):
        await _start(database, FINANCE, ExportKind.STATEMENTS)
    assert await _count(database, select(func.count()).select_from(export_jobs)) == 0
    assert await _count(database, select(func.count()).select_from(jobs)) == 0


async def test_the_job_run_again_writes_the_same_file(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an export written once in batches of 5000 rows
    await _seed(database, tmp_path)
    started = await _start(database, FINANCE, ExportKind.STATEMENTS)
    await run_export(_context(database), {"export_id": started.id})
    first = await _file(database, await _export(database, started.id))
    # when an attempt dies midway (RUNNING, a stray chunk left) and the job runs again in batches of 2
    async with database.transaction() as connection:
        await connection.execute(
            update(export_jobs)
            .where(export_jobs.c.id == started.id)
            .values(status=ExportStatus.RUNNING.value)
        )
        await connection.execute(export_chunks.insert().values(export_id=started.id, seq=7, content=b"stray"))
    monkeypatch.setattr(export_job, "BATCH_ROWS", 2)
    await run_export(_context(database, attempt=2), {"export_id": started.id})
    # then the file is the same, in 5 chunks, and a run after it succeeded changes nothing
    again = await _export(database, started.id)
    assert await _file(database, again) == first
    assert again.sha256 == hashlib.sha256(first).hexdigest()
    assert await _count(database, select(func.count()).where(export_chunks.c.export_id == started.id)) == 5
    await run_export(_context(database, attempt=3), {"export_id": started.id})
    assert await _export(database, started.id) == again


async def test_export_finished_is_recorded_and_sent_to_the_owners_webhooks(
    database: Database, tmp_path: Path
) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    async with database.transaction() as connection:
        for viewer in (partner, FINANCE):
            await insert_endpoint(
                connection=connection,
                viewer=viewer,
                url="https://hooks.example.com/in",
                events=[EventType.EXPORT_FINISHED.value],
                secret_encrypted="sealed",
            )
    started = await _start(database, partner, ExportKind.STATEMENTS)
    await run_export(_context(database), {"export_id": started.id})
    async with database.read() as connection:
        exported = select(events_table.c.type, events_table.c.data).where(
            events_table.c.type == "EXPORT_FINISHED"
        )
        found = (await connection.execute(exported)).all()
    assert found == [
        (
            EventType.EXPORT_FINISHED.value,
            {
                "id": encode_id("ExportJob", started.id),
                "kind": "STATEMENTS",
                "status": "SUCCEEDED",
                "rowCount": 6,
            },
        )
    ]
    assert await _count(database, select(func.count()).select_from(webhook_deliveries)) == 1  # P1's only


async def test_a_failure_on_the_last_attempt_marks_the_export_failed(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(database, tmp_path)
    started = await _start(database, FINANCE, ExportKind.STATEMENTS)

    def broken(**_: Any) -> Any:
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr(export_queries, "stream_statement_rows", broken)
    with pytest.raises(ConnectionResetError):
        await run_export(_context(database, attempt=1), {"export_id": started.id})
    assert (await _export(database, started.id)).status == ExportStatus.RUNNING
    with pytest.raises(ConnectionResetError):
        await run_export(_context(database, attempt=3), {"export_id": started.id})
    failed = await _export(database, started.id)
    assert failed.status == ExportStatus.FAILED
    assert failed.error == "The export could not be written (ConnectionResetError); start it again."
    async with database.read() as connection:
        exported = select(events_table.c.data).where(events_table.c.type == "EXPORT_FINISHED")
        data = (await connection.execute(exported)).scalar_one()
    assert data == {
        "id": export_global_id(started.id),
        "kind": "STATEMENTS",
        "status": "FAILED",
        "rowCount": None,
    }
    assert await read_export_file(database, export_id=started.id, file_name=export_file_name(failed)) is None


async def test_the_download_link_serves_the_file_and_refuses_anything_else(
    database: Database, tmp_path: Path
) -> None:
    # given a finished export and a queued one
    await _seed(database, tmp_path)
    done = await _start(database, FINANCE, ExportKind.STATEMENTS)
    await _run_jobs(database)
    done = await _export(database, done.id)
    queued = await _start(database, FINANCE, ExportKind.INVOICE_APPLICATIONS)
    app = create_app(SETTINGS, database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        # when the signed link is fetched, then the file comes with its type and name
        link = export_link(SETTINGS, "http://testserver", done)
        answer = await client.get(link.url)
        assert answer.status_code == 200
        assert answer.content == await _file(database, done)
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert (
            answer.headers["content-disposition"] == f"attachment; filename*=UTF-8''statements-{done.id}.csv"
        )
        # and an altered, expired, unfinished or unknown one is refused alike
        expired = sign(
            SETTINGS.download_link_key(),
            base_url="http://testserver",
            path=export_path(done.id, export_file_name(done)),
            now=datetime.now(UTC) - timedelta(hours=1),
            ttl_seconds=60,
        )
        refused = [
            link.url.replace("signature=", "signature=0"),
            link.url.replace(f"/{done.id}/", f"/{queued.id}/"),
            link.url.replace(".csv?", ".txt?"),
            expired.url,
            export_link(SETTINGS, "http://testserver", queued).url,
            f"/exports/{done.id}/statements-{done.id}.csv",
        ]
        answers = [await client.get(url) for url in refused]
    assert [answer.status_code for answer in answers] == [403] * len(refused)
    assert len({answer.content for answer in answers}) == 1


def test_the_events_id_is_the_graphql_id() -> None:
    assert export_global_id(42) == encode_id("ExportJob", 42)
    assert decode_id(export_global_id(42), expected="ExportJob").row_id == 42


# The resolvers, in a schema of their own until the project's schema wires them.
@strawberry.type
class _Query:
    exports: Connection[ExportJob] = strawberry.field(resolver=exports_of, extensions=[Paged("export")])


@strawberry.type
class _Mutation:
    start_export: ExportJobPayload = strawberry.mutation(resolver=start_export_field)


_SCHEMA = strawberry.Schema(_Query, _Mutation, scalar_overrides=SCALAR_MAP)
START_EXPORT = """
mutation Start($input: StartExportInput!) {
  startExport(input: $input) { exportJob { id kind status rowCount url } userErrors { field code } }
}
"""
EXPORTS = "query { exports(first: 2) { totalCount edges { node { id status rowCount url expiresAt } } } }"


def _graphql_context(database: Database, viewer: Viewer) -> Context:
    scope = {
        "type": "http",
        "scheme": "http",
        "server": ("testserver", 80),
        "path": "/graphql",
        "headers": [],
    }
    return Context(
        request=Request(scope),
        database=database,
        settings=SETTINGS,
        viewer=viewer,
        loaders=Loaders(Reader(database, viewer)),
    )


async def test_start_export_and_exports_through_graphql(database: Database, tmp_path: Path) -> None:
    await _seed(database, tmp_path)
    partner = await _partner(database, "P1")
    foreign = encode_id("Account", await account_id_of(database, "C-3"))
    refused = await _SCHEMA.execute(
        START_EXPORT,
        {"input": {"kind": "STATEMENTS", "accountIds": [foreign]}},
        context_value=_graphql_context(database, partner),
    )
    assert refused.errors is None
    assert refused.data == {
        "startExport": {
            "exportJob": None,
            "userErrors": [{"field": ["input", "accountIds", "0"], "code": "NOT_FOUND"}],
        }
    }
    started = await _SCHEMA.execute(
        START_EXPORT,
        {"input": {"kind": "STATEMENTS", "from": "2024-02", "to": "2024-03"}},
        context_value=_graphql_context(database, partner),
    )
    assert started.data is not None
    job = started.data["startExport"]["exportJob"]
    assert (job["status"], job["rowCount"], job["url"]) == ("QUEUED", None, None)
    await _run_jobs(database)
    listed = await _SCHEMA.execute(EXPORTS, context_value=_graphql_context(database, partner))
    assert listed.errors is None
    assert listed.data is not None
    (edge,) = listed.data["exports"]["edges"]
    assert listed.data["exports"]["totalCount"] == 1
    assert (edge["node"]["id"], edge["node"]["status"], edge["node"]["rowCount"]) == (
        job["id"],
        "SUCCEEDED",
        4,
    )
    url = edge["node"]["url"]
    assert url.startswith(f"http://testserver/exports/{decode_id(job['id']).row_id}/statements-")
    others = await _SCHEMA.execute(EXPORTS, context_value=_graphql_context(database, FINANCE))
    assert others.data == {"exports": {"totalCount": 0, "edges": []}}
