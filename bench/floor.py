"""The floor: a minimal Starlette + asyncpg endpoint answering the benchmark's documents.

It runs the same SQL as the API (the same statements, in the same number, with `= ANY($1)` for
lists) and writes the same JSON bytes, with nothing in between: no GraphQL parsing, validation or
execution, no ORM, no per-field work. Whatever the API spends above this is the framework's cost.

Run: `python -m bench.floor --dsn postgresql://... --port 8101`.
"""

import argparse
import asyncio
import base64
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import documents

Record = Any
_EXCLUSIONS = (
    ("VOUCHER", "voucher_fen"),
    ("COUPON", "coupon_fen"),
    ("GIFT_BALANCE", "gift_balance_fen"),
    ("NOT_SUBSCRIPTION", "not_subscription_fen"),
    ("DELIVERED_BEFORE_CUTOFF", "delivered_before_cutoff_fen"),
    ("ISSUED_BY_MARKET_PROVIDER", "issued_by_market_provider_fen"),
)
_RELEASING = {"CANCELLED", "REJECTED", "RETURNED"}

VIEWER_SQL = """SELECT access_tokens.id, access_tokens.role, access_tokens.account_id,
    access_tokens.partner_id FROM access_tokens
WHERE access_tokens.token_hash = $1 AND access_tokens.revoked_at IS NULL
AND (access_tokens.expires_at IS NULL OR access_tokens.expires_at > $2)"""
ACCOUNTS_BY_IDS_SQL = "SELECT * FROM accounts WHERE id = ANY($1::bigint[])"
_WITH_APPLICATION = """SELECT statements.*, a.id AS application_id, a.status AS application_status
FROM statements
LEFT OUTER JOIN invoice_application_months m ON m.account_id = statements.account_id
    AND m.month = statements.month AND m.active
LEFT OUTER JOIN invoice_applications a ON a.account_id = m.account_id AND a.id = m.application_id"""
STATEMENT_PAGES_SQL = f"""SELECT * FROM (SELECT s.*, row_number() OVER (PARTITION BY s.account_id
    ORDER BY s.month DESC) AS page_rank FROM ({_WITH_APPLICATION}
    WHERE statements.account_id = ANY($1::bigint[])) s) ranked
WHERE page_rank <= $2 ORDER BY page_rank"""  # noqa: S608 (constant text)
PARTNER_ACCOUNTS_SQL = """SELECT * FROM (SELECT accounts.*, row_number() OVER (ORDER BY account_number)
    AS page_rank FROM accounts WHERE partner_id = $1) ranked WHERE page_rank <= $2 ORDER BY page_rank"""
INVOICEABLE_SQL = """SELECT s.account_id, coalesce(sum(s.invoiceable_cloud_fen), 0) AS cloud_fen,
    coalesce(sum(s.invoiceable_market_fen), 0) AS market_fen, array_agg(DISTINCT s.month) AS months
FROM statements s LEFT OUTER JOIN invoice_application_months m ON m.account_id = s.account_id
    AND m.month = s.month AND m.active
WHERE s.account_id = ANY($1::bigint[]) AND m.month IS NULL GROUP BY s.account_id"""
APPLICATIONS_BY_IDS_SQL = """SELECT * FROM invoice_applications
WHERE (account_id, id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))"""
VISIBLE_ACCOUNT_SQL = "SELECT * FROM accounts WHERE id = ANY($1::bigint[]) AND id = $2"
DOCUMENTS_BY_APPLICATIONS_SQL = """SELECT account_id, id, application_id, invoice_number, format, colour,
    file_name, content_type, sha256, size_bytes, created_at FROM invoice_documents
WHERE (account_id, application_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) ORDER BY id"""
DEFICIT_PAGES_SQL = """SELECT * FROM (SELECT e.*, row_number() OVER (PARTITION BY e.account_id
    ORDER BY e.id DESC) AS page_rank FROM invoice_deficit_entries e
    WHERE e.account_id = ANY($1::bigint[])) ranked
WHERE page_rank <= $2 ORDER BY page_rank"""
DEFICIT_COUNTS_SQL = """SELECT account_id, count(*) AS count FROM invoice_deficit_entries
WHERE account_id = ANY($1::bigint[]) GROUP BY account_id"""
STATEMENTS_BY_MONTHS_SQL = f"""{_WITH_APPLICATION}
WHERE (statements.account_id, statements.month) IN (SELECT * FROM unnest($1::bigint[], $2::date[]))"""  # noqa: S608 (constant text)


def money(fen: int) -> str:
    """Fen as the API writes a Decimal: two decimals."""
    fen = int(fen)  # sum() of bigint comes back as numeric
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def month(day: date) -> str:
    """A date's month as "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def global_id(*parts: object) -> str:
    """The API's opaque ID."""
    return base64.urlsafe_b64encode(":".join(map(str, parts)).encode()).decode().rstrip("=")


def cursor(kind: str, value: str | int) -> str:
    """The API's opaque cursor of a one-column sort key."""
    raw = orjson.dumps([kind, value])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def invoice_status(status: str | None) -> str:
    """How a month shows, given its active application's status."""
    if status is None or status in _RELEASING:
        return "NOT_INVOICED"
    return "IN_APPLICATION" if status == "PENDING" else "INVOICED"


class Floor:
    """The floor's handlers over one asyncpg pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def fetch(self, sql: str, *args: Any) -> list[Record]:
        """One statement on a pooled connection."""
        async with self.pool.acquire() as connection:
            return list(await connection.fetch(sql, *args))

    async def viewer(self, request: Request) -> Record | None:
        """The live token of the request's bearer secret."""
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        digest = hashlib.sha256(secret.strip().encode()).hexdigest()
        rows = await self.fetch(VIEWER_SQL, digest, datetime.now(UTC))
        return rows[0] if rows else None

    async def statement_pages(self, account_ids: list[int], size: int) -> dict[int, list[Record]]:
        """Each account's newest `size` statements, and one more to tell if more follow."""
        pages: dict[int, list[Record]] = {}
        for row in await self.fetch(STATEMENT_PAGES_SQL, account_ids, size + 1):
            pages.setdefault(row["account_id"], []).append(row)
        return pages

    async def console(self, viewer: Record, _: dict[str, Any]) -> dict[str, Any]:
        """ConsoleStatements."""
        rows = await self.fetch(ACCOUNTS_BY_IDS_SQL, [viewer["account_id"]])
        if not rows:
            return {"viewer": {"account": None}}
        account = rows[0]
        page = (await self.statement_pages([account["id"]], 12)).get(account["id"], [])
        edges = [{"node": _statement(row)} for row in page[:12]]
        last = page[:12][-1]["month"].isoformat() if page else None
        return {
            "viewer": {
                "account": {
                    "id": global_id("Account", account["id"]),
                    "accountNumber": account["account_number"],
                    "name": account["name"],
                    "statements": {
                        "pageInfo": {
                            "hasNextPage": len(page) > 12,
                            "endCursor": cursor("statement", last) if last else None,
                        },
                        "edges": edges,
                    },
                }
            }
        }

    async def partner(self, viewer: Record, _: dict[str, Any]) -> dict[str, Any]:
        """PartnerView."""
        accounts = await self.fetch(PARTNER_ACCOUNTS_SQL, viewer["partner_id"], 51)
        shown = accounts[:50]
        ids = [row["id"] for row in shown]
        sums, pages = await asyncio.gather(self.fetch(INVOICEABLE_SQL, ids), self.statement_pages(ids, 12))
        by_account = {row["account_id"]: row for row in sums}
        keys = [
            (row["account_id"], row["application_id"])
            for page in pages.values()
            for row in page[:12]
            if row["application_id"] is not None
        ]
        applications: dict[tuple[int, int], Record] = {}
        if keys:
            found = await self.fetch(APPLICATIONS_BY_IDS_SQL, [k[0] for k in keys], [k[1] for k in keys])
            applications = {(row["account_id"], row["id"]): row for row in found}
        edges = [
            {"node": _partner_account(row, by_account.get(row["id"]), pages.get(row["id"], []), applications)}
            for row in shown
        ]
        last = shown[-1]["account_number"] if shown else None
        return {
            "viewer": {
                "accounts": {
                    "pageInfo": {
                        "hasNextPage": len(accounts) > 50,
                        "endCursor": cursor("account", last) if last else None,
                    },
                    "edges": edges,
                }
            }
        }

    async def documents(self, viewer: Record, variables: dict[str, Any]) -> dict[str, Any]:
        """InvoiceDocuments: the application by its ID, through its account, then its files."""
        account_id, application_id = _decoded(variables["id"])
        visible = await self.fetch(VISIBLE_ACCOUNT_SQL, [viewer["account_id"]], account_id)
        if not visible:
            return {"node": None}
        found = await self.fetch(APPLICATIONS_BY_IDS_SQL, [account_id], [application_id])
        if not found:
            return {"node": None}
        files = await self.fetch(DOCUMENTS_BY_APPLICATIONS_SQL, [account_id], [application_id])
        return {
            "node": {
                "number": found[0]["number"],
                "status": found[0]["status"],
                "documents": [
                    {
                        "invoiceNumber": row["invoice_number"],
                        "format": row["format"],
                        "sizeBytes": row["size_bytes"],
                        "sha256": row["sha256"],
                    }
                    for row in files
                ],
            }
        }

    async def ledger(self, viewer: Record, _: dict[str, Any]) -> dict[str, Any]:
        """DeficitLedger: the account, then its ledger's page and its size."""
        rows = await self.fetch(ACCOUNTS_BY_IDS_SQL, [viewer["account_id"]])
        if not rows:
            return {"viewer": {"account": None}}
        account = rows[0]
        page, counts = await asyncio.gather(
            self.fetch(DEFICIT_PAGES_SQL, [account["id"]], 21),
            self.fetch(DEFICIT_COUNTS_SQL, [account["id"]]),
        )
        edges = [
            {
                "cursor": cursor("deficitEntry", row["id"]),
                "node": {
                    "id": global_id("InvoiceDeficitEntry", row["account_id"], row["id"]),
                    "kind": row["kind"],
                    "amount": {"amount": money(row["amount_fen"])},
                    "balance": {"amount": money(row["balance_fen"])},
                    "at": row["at"].isoformat(),
                    "lineId": row["line_id"],
                },
            }
            for row in page[:20]
        ]
        return {
            "viewer": {
                "account": {
                    "invoiceDeficit": {"amount": money(account["invoice_deficit_fen"])},
                    "invoiceDeficitEntries": {
                        "totalCount": counts[0]["count"] if counts else 0,
                        "edges": edges,
                    },
                }
            }
        }

    async def apply(self, viewer: Record, variables: dict[str, Any]) -> dict[str, Any]:
        """applyForInvoice: the same checks and inserts as the service, in one transaction."""
        given = variables["input"]
        account_id = _decoded(given["accountId"])[0]
        months = [date.fromisoformat(value + "-01") for value in given["months"]]
        async with self.pool.acquire() as connection, connection.transaction():
            account = await connection.fetchrow("SELECT * FROM accounts WHERE id = $1", account_id)
            if account is None or account["partner_id"] != viewer["partner_id"]:
                return _payload("applyForInvoice", None, "NOT_FOUND")
            # The invoice deficit, read under the account's row lock (SPEC 11); the bench has none.
            await connection.fetchval(
                "SELECT invoice_deficit_fen FROM accounts WHERE id = $1 FOR NO KEY UPDATE", account_id
            )
            title = await connection.fetchrow(
                "SELECT * FROM invoice_titles WHERE account_id = $1 AND id = $2",
                account_id,
                _decoded(given["titleId"])[1],
            )
            address = await connection.fetchrow(
                "SELECT * FROM invoice_addresses WHERE account_id = $1 AND id = $2",
                account_id,
                _decoded(given["addressId"])[1],
            )
            facts = await connection.fetch(STATEMENTS_BY_MONTHS_SQL, [account_id] * len(months), months)
            cloud = sum(row["invoiceable_cloud_fen"] for row in facts)
            market = sum(row["invoiceable_market_fen"] for row in facts)
            if title is None or address is None or len(facts) != len(months):
                return _payload("applyForInvoice", None, "NOT_FOUND")
            if any(row["application_id"] is not None for row in facts):
                return _payload("applyForInvoice", None, "MONTH_ALREADY_INVOICED")
            if money(cloud + market) != given["confirmedAmount"]:
                return _payload("applyForInvoice", None, "AMOUNT_MISMATCH")
            now = datetime.now(UTC)
            new_id = await connection.fetchval(
                "SELECT nextval(pg_get_serial_sequence('invoice_applications', 'id'))"
            )
            row = await connection.fetchrow(
                """INSERT INTO invoice_applications (account_id, id, number, status, medium, months,
                    cloud_fen, market_fen, amount_fen, title, address, remark, submitted_at, due_by,
                    idempotency_key, request_fingerprint)
                VALUES ($1, $2, $3, 'PENDING', 'PAPER', $4, $5, $6, $7, $8, $9, NULL, $10, $11, NULL, $12)
                RETURNING *""",
                account_id,
                new_id,
                f"INV{now:%Y%m%d}{new_id:08d}",
                sorted(months),
                cloud,
                market,
                cloud + market,
                orjson.dumps({name: title[name] for name in _TITLE_FIELDS}).decode(),
                orjson.dumps({name: address[name] for name in _ADDRESS_FIELDS}).decode(),
                now,
                (now + timedelta(days=3)).date(),
                hashlib.sha256(orjson.dumps(given, option=orjson.OPT_SORT_KEYS)).hexdigest(),
            )
            await connection.executemany(
                "INSERT INTO invoice_application_months (account_id, application_id, month, active)"
                " VALUES ($1, $2, $3, true)",
                [(account_id, new_id, value) for value in sorted(months)],
            )
            await connection.execute(
                "INSERT INTO invoice_application_events (account_id, application_id, at, status, actor_role)"
                " VALUES ($1, $2, $3, 'PENDING', $4)",
                account_id,
                new_id,
                now,
                viewer["role"],
            )
            await _outbox(connection, "INVOICE_APPLICATION_SUBMITTED", account, row)
        return _payload("applyForInvoice", row, None)

    async def cancel(self, viewer: Record, variables: dict[str, Any]) -> dict[str, Any]:
        """cancelInvoiceApplication: lock, update, free the months, record the event."""
        account_id, application_id = _decoded(variables["id"])
        async with self.pool.acquire() as connection, connection.transaction():
            account = await connection.fetchrow("SELECT * FROM accounts WHERE id = $1", account_id)
            if account is None or account["partner_id"] != viewer["partner_id"]:
                return _payload("cancelInvoiceApplication", None, "NOT_FOUND")
            row = await connection.fetchrow(
                "SELECT * FROM invoice_applications WHERE account_id = $1 AND id = $2 FOR UPDATE",
                account_id,
                application_id,
            )
            if row is None or row["status"] != "PENDING":
                return _payload("cancelInvoiceApplication", None, "INVALID_STATUS_TRANSITION")
            row = await connection.fetchrow(
                "UPDATE invoice_applications SET status = 'CANCELLED', updated_at = now()"
                " WHERE account_id = $1 AND id = $2 RETURNING *",
                account_id,
                application_id,
            )
            await connection.execute(
                "UPDATE invoice_application_months SET active = false"
                " WHERE account_id = $1 AND application_id = $2",
                account_id,
                application_id,
            )
            await connection.execute(
                "INSERT INTO invoice_application_events (account_id, application_id, at, status, actor_role)"
                " VALUES ($1, $2, now(), 'CANCELLED', $3)",
                account_id,
                application_id,
                viewer["role"],
            )
            await _outbox(connection, "INVOICE_APPLICATION_STATUS_CHANGED", account, row)
        return _payload("cancelInvoiceApplication", row, None)


_FAN_OUT = """
WITH deliveries AS (
    INSERT INTO webhook_deliveries (endpoint_id, event_id, next_attempt_at)
    SELECT e.id, $1, now() FROM webhook_endpoints e, accounts a
    WHERE a.id = $2 AND e.enabled AND $3 = ANY(e.events)
      AND (e.owner_role = 'FINANCE'
           OR (e.owner_role = 'PARTNER' AND e.owner_partner_id = a.partner_id)
           OR (e.owner_role = 'CUSTOMER' AND e.owner_account_id = a.id))
    RETURNING id
)
INSERT INTO jobs (kind, payload, max_attempts)
SELECT 'webhook_delivery', jsonb_build_object('delivery_id', id), 7 FROM deliveries
"""


async def _outbox(
    connection: "asyncpg.pool.PoolConnectionProxy[Record]", kind: str, account: Record, application: Record
) -> None:
    """The application's event, its webhook deliveries and jobs, and the subscribers' notice, as the
    API writes them in the change's transaction (SPEC 12)."""
    data = {
        "id": global_id("InvoiceApplication", application["account_id"], application["id"]),
        "number": application["number"],
        "accountNumber": account["account_number"],
        "status": application["status"],
    }
    event = await connection.fetchval(
        "INSERT INTO events (event_id, type, account_id, data) VALUES ($1, $2, $3, $4) RETURNING id",
        f"msg_{uuid.uuid4().hex}",
        kind,
        account["id"],
        orjson.dumps(data).decode(),
    )
    await connection.execute(_FAN_OUT, event, account["id"], kind)
    notice = {
        "accountId": account["id"],
        "partnerId": account["partner_id"],
        "applicationId": application["id"],
    }
    await connection.execute(
        "SELECT pg_notify('invoice_graph_applications', $1)", orjson.dumps(notice).decode()
    )


_TITLE_FIELDS = (
    "kind",
    "invoice_type",
    "name",
    "taxpayer_id",
    "registered_address",
    "registered_phone",
    "bank_name",
    "bank_account",
)
_ADDRESS_FIELDS = ("recipient", "phone", "province", "city", "district", "street", "postal_code")


def _decoded(value: str) -> tuple[int, int]:
    parts = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":")
    return int(parts[1]), int(parts[-1])


def _payload(field: str, row: Record | None, code: str | None) -> dict[str, Any]:
    errors = [{"code": code, "field": None, "message": code}] if code else []
    application = (
        {
            "id": global_id("InvoiceApplication", row["account_id"], row["id"]),
            "status": row["status"],
            "amount": {"amount": money(row["amount_fen"])},
        }
        if row is not None
        else None
    )
    return {field: {"invoiceApplication": application, "userErrors": errors}}


def _statement(row: Record) -> dict[str, Any]:
    cloud, market = row["cloud_expense_fen"], row["market_expense_fen"]
    inv_cloud, inv_market = row["invoiceable_cloud_fen"], row["invoiceable_market_fen"]
    return {
        "id": global_id("MonthlyStatement", row["account_id"], row["id"]),
        "month": month(row["month"]),
        "cloudExpense": {"amount": money(cloud), "currency": "CNY"},
        "marketExpense": {"amount": money(market), "currency": "CNY"},
        "totalExpense": {"amount": money(cloud + market), "currency": "CNY"},
        "invoiceableCloud": {"amount": money(inv_cloud), "currency": "CNY"},
        "invoiceableMarket": {"amount": money(inv_market), "currency": "CNY"},
        "invoiceableTotal": {"amount": money(inv_cloud + inv_market), "currency": "CNY"},
        "exclusions": [
            {"reason": reason, "amount": {"amount": money(row[column]), "currency": "CNY"}}
            for reason, column in _EXCLUSIONS
            if row[column]
        ],
        "invoiceStatus": invoice_status(row["application_status"]),
    }


def _partner_account(
    row: Record, sums: Record | None, page: list[Record], applications: dict[tuple[int, int], Record]
) -> dict[str, Any]:
    cloud, market = (sums["cloud_fen"], sums["market_fen"]) if sums else (0, 0)
    statements = []
    for statement in page[:12]:
        found = applications.get((statement["account_id"], statement["application_id"]))
        statements.append(
            {
                "node": {
                    "month": month(statement["month"]),
                    "totalExpense": {
                        "amount": money(statement["cloud_expense_fen"] + statement["market_expense_fen"])
                    },
                    "invoiceableTotal": {
                        "amount": money(
                            statement["invoiceable_cloud_fen"] + statement["invoiceable_market_fen"]
                        )
                    },
                    "invoiceStatus": invoice_status(statement["application_status"]),
                    "application": {"number": found["number"], "status": found["status"]} if found else None,
                }
            }
        )
    return {
        "id": global_id("Account", row["id"]),
        "accountNumber": row["account_number"],
        "name": row["name"],
        "invoiceableTotals": {
            "months": sorted(month(value) for value in sums["months"]) if sums else [],
            "cloud": {"amount": money(cloud)},
            "market": {"amount": money(market)},
            "total": {"amount": money(cloud + market)},
        },
        "statements": {"edges": statements},
    }


Handler = Callable[[Floor, Record, dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]
HANDLERS: dict[str, Handler] = {
    documents.CONSOLE: Floor.console,
    documents.PARTNER: Floor.partner,
    documents.DOCUMENTS: Floor.documents,
    documents.LEDGER: Floor.ledger,
    documents.APPLY: Floor.apply,
    documents.CANCEL: Floor.cancel,
}


async def _json_codec(connection: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await connection.set_type_codec(name, encoder=str, decoder=orjson.loads, schema="pg_catalog")


def floor_app(
    floor_of: Callable[[], Floor], lifespan: Any = None, extensions: dict[str, Any] | None = None
) -> Starlette:
    """The floor's one route, answering with the Floor that floor_of returns.

    `extensions` maps a document to the `extensions` object the API adds to its answer (its cost
    report): a constant for a given document and settings, which the floor copies rather than computes.
    """
    added = extensions or {}

    async def graphql(request: Request) -> Response:
        floor = floor_of()
        viewer = await floor.viewer(request)
        if viewer is None:
            return Response(b'{"errors":[{"message":"unauthenticated"}]}', 401, media_type="application/json")
        payload = orjson.loads(await request.body())
        handler = HANDLERS[payload["query"]]
        data = await handler(floor, viewer, payload.get("variables") or {})
        answer = (
            {"data": data, "extensions": added[payload["query"]]}
            if payload["query"] in added
            else {"data": data}
        )
        return Response(orjson.dumps(answer), media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


async def create_pool(dsn: str, *, size: int = 10, init: Any = None) -> asyncpg.Pool:
    """The floor's pool, decoding JSON as the API does; `init` runs on each new connection first."""

    async def setup(connection: asyncpg.Connection) -> None:
        if init is not None:
            init(connection)
        await _json_codec(connection)

    async def keep(_: asyncpg.Connection) -> None:
        """No reset query on release (asyncpg's default costs a round trip): nothing is left to reset."""

    return await asyncpg.create_pool(dsn, min_size=1, max_size=size, init=setup, reset=keep)


def create_floor(dsn: str, *, pool_size: int = 10, extensions: dict[str, Any] | None = None) -> Starlette:
    """The floor application over the database at dsn."""
    state: dict[str, Floor] = {}

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        pool = await create_pool(dsn, size=pool_size)
        state["floor"] = Floor(pool)
        yield
        await pool.close()

    return floor_app(lambda: state["floor"], lifespan, extensions)


def main() -> None:
    """Serve the floor with one uvicorn worker, as the API is served."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True, help="A postgresql:// DSN (not +asyncpg).")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--extensions", type=Path, help="JSON: document -> the API's `extensions` object.")
    arguments = parser.parse_args()
    extensions = orjson.loads(arguments.extensions.read_bytes()) if arguments.extensions else None
    app = create_floor(arguments.dsn, extensions=extensions)
    uvicorn.run(app, host="127.0.0.1", port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
