"""Subscription.invoiceApplicationChanged over graphql-transport-ws, with a real websocket client
against the real app under uvicorn (SPEC section 12).

A subscriber receives, for its own viewer, each application that is made or changes status; never
one of an account it may not see. Where a test shows that something did NOT arrive, a later event
that must arrive follows it: notices reach a subscriber in commit order, so the later event coming
first proves the earlier one was never sent (no test passes by merely waiting).
"""

import asyncio
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from invoice_graph import app as app_module
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.events import APPLICATIONS_CHANNEL
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.view import GraphQLView
from invoice_graph.services.application_feed import (
    FEED_APPLICATION_NAME,
    ApplicationFeed,
    ApplicationNotice,
    FeedUnavailableError,
)
from invoice_graph.services.tokens import create_token, revoke_token
from tests.factories_applications import account_id_of, add_address, add_title
from tests.graphql.conftest import Api
from tests.graphql.documents import (
    APPLY_FOR_INVOICE,
    CANCEL_INVOICE_APPLICATION,
    ISSUE_INVOICE_APPLICATION,
    REJECT_INVOICE_APPLICATION,
)
from tests.graphql.helpers import apply_input, make_billing, mutate
from tests.network import free_port
from tests.serve_process import start_serve

PROTOCOL = Subprotocol("graphql-transport-ws")
CHANGED = """
subscription($accountId: ID) { invoiceApplicationChanged(accountId: $accountId) {
  id status account { accountNumber } events { status } } }
"""
# The servers' limits, low enough for small documents to pass over them.
MAX_DEPTH = 8
MAX_COST = 50
# Selections of an InvoiceApplication over those limits, in a subscription as in a query.
TOO_DEEP = (
    "account { invoiceApplications(first: 1) { edges { node {"
    " account { invoiceApplications(first: 1) { edges { node { id } } } } } } } }"
)
TOO_COSTLY = "account { statements(first: 100) { edges { node { id } } } }"
RECEIVE_SECONDS = 10.0
QUIET_SECONDS = 1.0


# The server


def view_of(application: Starlette) -> GraphQLView:
    """The GraphQL view behind the app's /graphql route and its middleware."""
    for route in application.router.routes:
        endpoint: Any = getattr(route, "app", None)
        while endpoint is not None:
            if isinstance(endpoint, GraphQLView):
                return endpoint
            endpoint = getattr(endpoint, "app", None)
    raise LookupError("no GraphQL view")


@dataclass
class Server:
    """invoice_graph under uvicorn on a loopback port."""

    base: str
    view: GraphQLView

    @property
    def ws_url(self) -> str:
        return self.base.replace("http", "ws", 1) + "/graphql"

    async def subscribed(self, count: int) -> None:
        """Wait until `count` subscriptions listen for notices."""
        feed = self.view.feed
        await until(lambda: feed.subscriber_count == count and feed.listening)


@pytest.fixture
def server(migrated_url: str, database: Database) -> Iterator[Server]:
    """The app under uvicorn, in a thread with its own event loop and database pool."""
    port = free_port()
    own = Database.connect(migrated_url, pool_size=3)
    settings = Settings(
        environment="test", run_jobs=False, max_query_depth=MAX_DEPTH, max_query_cost=MAX_COST
    )
    application = app_module.create_app(settings, own)
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)

    async def run() -> None:
        try:
            await server.serve()
        finally:
            await own.dispose()

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the server did not start")
        threading.Event().wait(0.05)
    yield Server(base=f"http://127.0.0.1:{port}", view=view_of(application))
    server.should_exit = True
    thread.join(timeout=30)


async def until(condition: Callable[[], bool], seconds: float = RECEIVE_SECONDS) -> None:
    """Wait for a condition another thread or process makes true."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 (another thread's state: nothing to await)
            await asyncio.sleep(0.02)


# The client


@dataclass
class Socket:
    """A graphql-transport-ws client connection."""

    connection: ClientConnection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(RECEIVE_SECONDS):
            message: dict[str, Any] = json.loads(await self.connection.recv())
        return message

    async def subscribe(
        self, id_: str, query: str = CHANGED, variables: dict[str, Any] | None = None
    ) -> None:
        await self.send({"id": id_, "type": "subscribe", "payload": {"query": query, "variables": variables}})

    async def next_change(self, id_: str = "1") -> dict[str, Any]:
        """The application of the next message, which must be a `next` of subscription `id_`."""
        message = await self.receive()
        assert (message["type"], message["id"]) == ("next", id_), message
        assert "errors" not in message["payload"], message
        change: dict[str, Any] = message["payload"]["data"]["invoiceApplicationChanged"]
        return change

    async def quiet(self) -> None:
        """Nothing arrives for QUIET_SECONDS."""
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(QUIET_SECONDS):
                pytest.fail(f"unexpected message {await self.connection.recv()!r}")

    async def closed_with(self) -> int | None:
        """The close code the server ends the connection with."""
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(RECEIVE_SECONDS):
                await self.connection.recv()
        return closed.value.rcvd.code if closed.value.rcvd else None


@asynccontextmanager
async def opened(url: str, payload: dict[str, Any] | None) -> AsyncIterator[Socket]:
    """A connection that has sent its `connection_init` (with `payload` when given)."""
    async with connect(url, subprotocols=[PROTOCOL]) as connection:
        socket = Socket(connection)
        init: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            init["payload"] = payload
        await socket.send(init)
        yield socket


@asynccontextmanager
async def subscriber(url: str, token: str) -> AsyncIterator[Socket]:
    """An acknowledged connection of a token."""
    async with opened(url, {"Authorization": f"Bearer {token}"}) as socket:
        assert await socket.receive() == {"type": "connection_ack"}
        yield socket


# The data


@dataclass
class Applicant:
    """A customer that can apply: its token, account number and what applyForInvoice needs."""

    number: str
    token: str
    account: int
    title: int
    address: int

    def input(self, month: str) -> dict[str, Any]:
        return apply_input(
            encode_id("Account", self.account),
            encode_id("InvoiceTitle", self.account, self.title),
            encode_id("InvoiceAddress", self.account, self.address),
            [month],
            "100.00",
        )


async def applicants(api: Api, tmp_path: Path) -> dict[str, Applicant]:
    """A-1 (partner P-1's, 2024-01 to 2024-03 invoiceable) and B-1 (no partner's, 2024-01)."""
    await make_billing(api, tmp_path)
    made: dict[str, Applicant] = {}
    for number in ("A-1", "B-1"):
        made[number] = Applicant(
            number=number,
            token=await api.token(Role.CUSTOMER, account=number),
            account=await account_id_of(api.database, number),
            title=await add_title(api.database, number),
            address=await add_address(api.database, number),
        )
    return made


async def apply(api: Api, applicant: Applicant, month: str = "2024-01", *, token: str | None = None) -> str:
    """Apply for the month as the customer (with its token, unless another is given); the application's ID."""
    variables = {"input": applicant.input(month)}
    payload = await mutate(api, APPLY_FOR_INVOICE, variables, token or applicant.token)
    assert payload["userErrors"] == [], payload
    application_id: str = payload["invoiceApplication"]["id"]
    return application_id


async def act(api: Api, document: str, variables: dict[str, Any], token: str) -> None:
    """Run a mutation that must succeed."""
    payload = await mutate(api, document, variables, token)
    assert payload["userErrors"] == [], payload


def error_codes(message: dict[str, Any]) -> list[str]:
    """The codes of an `error` message, or of a `next` message's errors."""
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return [error["extensions"]["code"] for error in errors]


# Receiving changes


async def test_a_customer_receives_its_new_application_and_each_status_change(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given customer A-1 subscribed, and finance
    a1 = (await applicants(api, tmp_path))["A-1"]
    finance = await api.token(Role.FINANCE)
    async with subscriber(server.ws_url, a1.token) as socket:
        await socket.subscribe("1")
        await server.subscribed(1)

        # when it applies, then it receives the new application, read as it is now
        first = await apply(api, a1, "2024-01")
        change = await socket.next_change()
        assert change == {
            "id": first,
            "status": "PENDING",
            "account": {"accountNumber": "A-1"},
            "events": [{"status": "PENDING"}],
        }
        # when it cancels: the cancelled application, its events read afresh
        await act(api, CANCEL_INVOICE_APPLICATION, {"id": first}, a1.token)
        change = await socket.next_change()
        assert (change["id"], change["status"]) == (first, "CANCELLED")
        assert change["events"] == [{"status": "PENDING"}, {"status": "CANCELLED"}]

        # when finance rejects one and issues another, then each change arrives with its status
        second = await apply(api, a1, "2024-02")
        assert (await socket.next_change())["id"] == second
        await act(api, REJECT_INVOICE_APPLICATION, {"input": {"id": second, "reason": "wrong"}}, finance)
        change = await socket.next_change()
        assert (change["id"], change["status"]) == (second, "REJECTED")
        third = await apply(api, a1, "2024-03")
        assert (await socket.next_change())["id"] == third
        issued = {"input": {"id": third, "invoiceNumbers": ["00000001"]}}
        await act(api, ISSUE_INVOICE_APPLICATION, issued, finance)
        change = await socket.next_change()
        assert (change["id"], change["status"]) == (third, "ISSUED")


async def test_the_rate_limiter_charges_a_subscription_once_without_failing_it(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given a subscribed customer
    a1 = (await applicants(api, tmp_path))["A-1"]
    async with subscriber(server.ws_url, a1.token) as socket:
        await socket.subscribe("1")
        await server.subscribed(1)
        # when an event arrives, then it reports what subscribing cost and the token's bucket
        await apply(api, a1)
        message = await socket.receive()
    cost = message["payload"]["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 3
    assert cost["throttleStatus"]["currentlyAvailable"] == cost["throttleStatus"]["maximumAvailable"] - 3


async def test_a_subscriber_never_receives_an_application_of_an_account_it_may_not_see(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given customer B-1 and partner P-1 (who manages A-1, not B-1) subscribed
    made = await applicants(api, tmp_path)
    a1, b1 = made["A-1"], made["B-1"]
    partner = await api.token(Role.PARTNER, partner="P-1")
    async with subscriber(server.ws_url, b1.token) as customer, subscriber(server.ws_url, partner) as agent:
        await customer.subscribe("1")
        await agent.subscribe("1")
        await server.subscribed(2)

        # when A-1 applies: the partner receives it; customer B-1 does not
        a1_application = await apply(api, a1)
        assert (await agent.next_change())["id"] == a1_application
        await customer.quiet()
        # when B-1 then applies: what B-1 receives first is its own (so A-1's was never sent to it)
        b1_application = await apply(api, b1)
        change = await customer.next_change()
        assert (change["id"], change["account"]) == (b1_application, {"accountNumber": "B-1"})
        # and when A-1 then cancels: the partner's next is that (so B-1's was never sent to it)
        await act(api, CANCEL_INVOICE_APPLICATION, {"id": a1_application}, a1.token)
        change = await agent.next_change()
        assert (change["id"], change["status"]) == (a1_application, "CANCELLED")
        await agent.quiet()
        await customer.quiet()


async def test_an_account_id_limits_a_subscription_to_that_account(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given finance subscribed twice on one connection: to B-1 only, and to every account
    made = await applicants(api, tmp_path)
    finance = await api.token(Role.FINANCE)
    async with subscriber(server.ws_url, finance) as socket:
        await socket.subscribe("only-b1", variables={"accountId": encode_id("Account", made["B-1"].account)})
        await socket.subscribe("all")
        await server.subscribed(2)

        # when A-1 applies, then B-1 does
        a1_application = await apply(api, made["A-1"])
        b1_application = await apply(api, made["B-1"])

        # then B-1's subscription receives B-1's application alone; the other receives both, in order
        received: dict[str, list[str]] = {"only-b1": [], "all": []}
        for _ in range(3):
            message = await socket.receive()
            assert message["type"] == "next", message
            received[message["id"]].append(message["payload"]["data"]["invoiceApplicationChanged"]["id"])
        await socket.quiet()
    assert received == {"only-b1": [b1_application], "all": [a1_application, b1_application]}


@pytest.mark.parametrize(
    ("account", "code"),
    [
        (lambda made: "not-an-id", "BAD_USER_INPUT"),
        (lambda made: encode_id("InvoiceTitle", made["A-1"].account, made["A-1"].title), "BAD_USER_INPUT"),
        (lambda made: encode_id("Account", made["B-1"].account), "NOT_FOUND"),
        (lambda made: encode_id("Account", 999_999), "NOT_FOUND"),
    ],
    ids=["malformed", "another-type", "another-customers", "unknown"],
)
async def test_an_account_id_the_viewer_may_not_use_is_refused_as_a_query_would_be(
    server: Server, api: Api, tmp_path: Path, account: Callable[[dict[str, Applicant]], str], code: str
) -> None:
    # given customer A-1
    made = await applicants(api, tmp_path)
    async with subscriber(server.ws_url, made["A-1"].token) as socket:
        # when it subscribes with such an accountId, then the subscription gets one error
        await socket.subscribe("1", variables={"accountId": account(made)})
        message = await socket.receive()
        assert (message["type"], message["id"], error_codes(message)) == ("error", "1", [code])
        assert message["payload"][0]["extensions"]["requestId"]
        # and the connection goes on: a subscription to its own account receives its application
        await socket.subscribe("2", variables={"accountId": encode_id("Account", made["A-1"].account)})
        await server.subscribed(1)
        application = await apply(api, made["A-1"])
        assert (await socket.next_change("2"))["id"] == application


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("subscription {", "GRAPHQL_PARSE_FAILED"),
        ("subscription { nope }", "GRAPHQL_VALIDATION_FAILED"),
        ("subscription { invoiceApplicationChanged(accountId: 1.5) { id } }", "BAD_USER_INPUT"),
    ],
)
async def test_a_document_that_cannot_run_gets_one_error_with_its_code(
    server: Server, api: Api, tmp_path: Path, document: str, code: str
) -> None:
    a1 = (await applicants(api, tmp_path))["A-1"]
    async with subscriber(server.ws_url, a1.token) as socket:
        await socket.subscribe("1", document)
        message = await socket.receive()
    assert (message["type"], message["id"], error_codes(message)) == ("error", "1", [code])


async def test_a_query_or_mutation_over_the_websocket_is_refused_and_changes_nothing(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given a customer's socket and its pending application
    a1 = (await applicants(api, tmp_path))["A-1"]
    application_id = await apply(api, a1)
    cancel = f'mutation {{ cancelInvoiceApplication(id: "{application_id}") {{ userErrors {{ code }} }} }}'
    async with subscriber(server.ws_url, a1.token) as socket:
        # when it sends a query and a mutation as operations of the socket
        await socket.subscribe("1", "{ viewer { role } }")
        query = await socket.receive()
        await socket.subscribe("2", cancel)
        mutation = await socket.receive()
    # then both are refused with BAD_REQUEST: only subscriptions run over a websocket (a token
    # revoked meanwhile would otherwise go on acting on the open socket)
    assert (query["type"], query["id"], error_codes(query)) == ("error", "1", ["BAD_REQUEST"])
    assert (mutation["type"], mutation["id"], error_codes(mutation)) == ("error", "2", ["BAD_REQUEST"])
    # and the application is still pending
    body = await api.query(
        f'{{ node(id: "{application_id}") {{ ... on InvoiceApplication {{ status }} }} }}', token=a1.token
    )
    assert body["data"]["node"]["status"] == "PENDING"


async def test_a_subscription_sent_over_http_is_refused(api: Api, tmp_path: Path) -> None:
    a1 = (await applicants(api, tmp_path))["A-1"]
    response = await api.post("subscription { invoiceApplicationChanged { id } }", token=a1.token)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "graphql-transport-ws" in error["message"]


# Authentication


async def test_a_connection_with_a_live_token_under_either_key_is_acknowledged(
    server: Server, api: Api, tmp_path: Path
) -> None:
    made = await applicants(api, tmp_path)
    for key in ("Authorization", "authorization"):
        async with opened(server.ws_url, {key: f"Bearer {made['A-1'].token}"}) as socket:
            assert await socket.receive() == {"type": "connection_ack"}


@pytest.mark.parametrize("refused", ["none", "no-payload", "unknown", "not-bearer", "revoked", "expired"])
async def test_a_connection_without_a_live_token_is_closed_4403(
    server: Server, api: Api, tmp_path: Path, refused: str
) -> None:
    # given a token of each kind that must not get in
    made = await applicants(api, tmp_path)
    secret = made["A-1"].token
    payload: dict[str, Any] | None = {"Authorization": f"Bearer {secret}"}
    if refused == "none":
        payload = {}
    elif refused == "no-payload":
        payload = None
    elif refused == "unknown":
        payload = {"Authorization": "Bearer igt_not-a-token"}
    elif refused == "not-bearer":
        payload = {"Authorization": f"Basic {secret}"}
    elif refused == "revoked":
        assert await revoke_token(api.database, secret)
    else:
        past = datetime.now(UTC) - timedelta(minutes=1)
        expired = await create_token(api.database, role=Role.CUSTOMER, account_number="A-1", expires_at=past)
        payload = {"Authorization": f"Bearer {expired.secret}"}
    # when it connects, then the server closes the connection as Forbidden
    async with opened(server.ws_url, payload) as socket:
        assert await socket.closed_with() == 4403


async def test_a_token_revoked_while_subscribed_ends_the_subscription_before_its_next_event(
    server: Server, api: Api, tmp_path: Path
) -> None:
    # given customer A-1 subscribed
    a1 = (await applicants(api, tmp_path))["A-1"]
    async with subscriber(server.ws_url, a1.token) as socket:
        await socket.subscribe("1")
        await server.subscribed(1)
        # when its token is revoked, and then the account applies (with another token of it)
        assert await revoke_token(api.database, a1.token)
        await apply(api, a1, token=await api.token(Role.CUSTOMER, account="A-1"))
        # then the subscription ends with UNAUTHENTICATED, without the application
        message = await socket.receive()
        assert message["payload"]["data"] is None
        assert error_codes(message) == ["UNAUTHENTICATED"]
        assert await socket.receive() == {"id": "1", "type": "complete"}


# Limits


@pytest.mark.parametrize(
    ("selection", "code"), [(TOO_DEEP, "QUERY_TOO_DEEP"), (TOO_COSTLY, "QUERY_TOO_COSTLY")]
)
async def test_the_query_limits_apply_to_subscription_documents(
    server: Server, api: Api, tmp_path: Path, selection: str, code: str
) -> None:
    # given a connected customer
    a1 = (await applicants(api, tmp_path))["A-1"]
    async with subscriber(server.ws_url, a1.token) as socket:
        # when it subscribes with a document over a limit, then it is refused before it runs
        await socket.subscribe("1", f"subscription {{ invoiceApplicationChanged {{ {selection} }} }}")
        message = await socket.receive()
    assert (message["type"], error_codes(message)) == ("error", [code])
    assert server.view.feed.subscriber_count == 0
    # with the code the same selection gets in a query
    query = f"query {{ invoiceApplications(first: 1) {{ edges {{ node {{ {selection} }} }} }} }}"
    async with httpx.AsyncClient(base_url=server.base) as client:
        headers = {"Authorization": f"Bearer {a1.token}"}
        response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == [code]


# Two server processes


def _start(url: str) -> tuple[subprocess.Popen[str], str]:
    """`invoice-graph serve` on a free port over the test database, jobs off; its base URL."""
    environment = {
        **os.environ,
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": url,
        "RUN_JOBS": "false",
    }
    return start_serve(environment)


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@pytest.fixture
def two_servers(migrated_url: str, database: Database) -> Iterator[tuple[str, str]]:
    """Two `invoice-graph serve` processes over the test database: their base URLs."""
    first = _start(migrated_url)
    try:
        second = _start(migrated_url)
    except BaseException:
        _stop(first[0])
        raise
    yield first[1], second[1]
    _stop(first[0])
    _stop(second[0])


async def _listening_connections(database: Database) -> int:
    """How many feed connections LISTEN on the database now."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND query LIKE 'LISTEN%'"
    )
    async with database.read() as connection:
        return int((await connection.execute(query, {"name": FEED_APPLICATION_NAME})).scalar_one())


async def test_a_change_made_through_one_process_reaches_a_subscriber_of_another(
    two_servers: tuple[str, str], api: Api, tmp_path: Path
) -> None:
    # given customer A-1 subscribed on process B
    process_a, process_b = two_servers
    a1 = (await applicants(api, tmp_path))["A-1"]
    url_b = process_b.replace("http", "ws", 1) + "/graphql"
    async with subscriber(url_b, a1.token) as socket:
        await socket.subscribe("1")
        deadline = time.monotonic() + RECEIVE_SECONDS
        while await _listening_connections(api.database) == 0:
            assert time.monotonic() < deadline, "process B never listened"
            await asyncio.sleep(0.05)

        # when A-1 applies and cancels through process A's HTTP API
        async with httpx.AsyncClient(base_url=process_a, timeout=10) as client:
            headers = {"Authorization": f"Bearer {a1.token}"}
            applied = await client.post(
                "/graphql",
                json={"query": APPLY_FOR_INVOICE, "variables": {"input": a1.input("2024-01")}},
                headers=headers,
            )
            application = applied.json()["data"]["applyForInvoice"]["invoiceApplication"]["id"]
            change = await socket.next_change()
            assert (change["id"], change["status"]) == (application, "PENDING")
            await client.post(
                "/graphql",
                json={"query": CANCEL_INVOICE_APPLICATION, "variables": {"id": application}},
                headers=headers,
            )

        # then process B's subscriber receives both
        change = await socket.next_change()
        assert (change["id"], change["status"]) == (application, "CANCELLED")


# The feed itself


async def _notify(database: Database, *payloads: str) -> None:
    """Send each payload on the applications channel, each in a transaction of its own."""
    for payload in payloads:
        async with database.transaction() as connection:
            await connection.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": APPLICATIONS_CHANNEL, "payload": payload},
            )


def _notice(number: int) -> str:
    return json.dumps({"accountId": number, "applicationId": number})


async def _feed_pids(database: Database) -> list[int]:
    """The backends of the feed connections LISTENing now."""
    query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name AND query LIKE 'LISTEN%'")
    async with database.read() as connection:
        return [
            int(pid) for pid in (await connection.execute(query, {"name": FEED_APPLICATION_NAME})).scalars()
        ]


async def _eventually(database: Database, condition: Callable[[list[int]], bool]) -> list[int]:
    """The feed backends, once they satisfy the condition."""
    async with asyncio.timeout(RECEIVE_SECONDS):
        while not condition(pids := await _feed_pids(database)):  # noqa: ASYNC110 (the server's state)
            await asyncio.sleep(0.05)
    return pids


async def test_the_feed_listens_while_it_has_subscribers_only(database: Database) -> None:
    # given a feed: no connection before its first subscriber
    feed = ApplicationFeed(database)
    assert await _feed_pids(database) == []
    # when two subscribe, then one connection listens for both
    async with feed.subscription() as first, feed.subscription() as second:
        assert len(await _eventually(database, lambda pids: len(pids) == 1)) == 1
        await _notify(database, _notice(1))
        for subscriber in (first, second):
            assert await asyncio.wait_for(anext(aiter(subscriber)), RECEIVE_SECONDS) == ApplicationNotice(
                1, 1
            )
    # when the last has left, then the connection is closed
    assert feed.subscriber_count == 0
    await _eventually(database, lambda pids: pids == [])


async def test_the_feed_skips_malformed_notices(database: Database, caplog: pytest.LogCaptureFixture) -> None:
    feed = ApplicationFeed(database)
    async with feed.subscription() as subscriber:
        # when junk comes before a notice, then the notice is the first thing the subscriber reads
        junk = [
            "junk",
            "[1]",
            '{"accountId": 1}',
            '{"accountId": true, "applicationId": 2}',
            '{"accountId": 0}',
        ]
        await _notify(database, *junk, _notice(7))
        assert await asyncio.wait_for(anext(aiter(subscriber)), RECEIVE_SECONDS) == ApplicationNotice(7, 7)
    skipped = [record for record in caplog.records if "malformed notice" in record.getMessage()]
    assert len(skipped) == len(junk)


async def test_a_subscriber_that_falls_behind_is_ended_and_the_others_go_on(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    # given two subscribers with room for two notices, one of which never reads
    feed = ApplicationFeed(database, queue_size=2)
    async with feed.subscription() as slow, feed.subscription() as reader:
        notices = aiter(reader)
        # when three notices come, then the reader reads each; the slow one is ended at the third
        for number in (1, 2, 3):
            await _notify(database, _notice(number))
            assert await asyncio.wait_for(anext(notices), RECEIVE_SECONDS) == ApplicationNotice(
                number, number
            )
        assert feed.subscriber_count == 1
        assert [notice async for notice in slow] == []
    assert any("notices behind" in record.getMessage() for record in caplog.records)


async def test_the_feed_listens_again_after_losing_its_connection(database: Database) -> None:
    # given a subscribed feed
    feed = ApplicationFeed(database, retry_seconds=0.1)
    async with feed.subscription() as subscriber:
        (lost,) = await _eventually(database, lambda pids: len(pids) == 1)
        # when its connection is killed
        async with database.read() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
        # then it opens another, and notices reach the subscriber again
        await _eventually(database, lambda pids: len(pids) == 1 and lost not in pids)
        await _notify(database, _notice(5))
        assert await asyncio.wait_for(anext(aiter(subscriber)), RECEIVE_SECONDS) == ApplicationNotice(5, 5)


async def test_subscribing_while_the_database_is_unreachable_fails_at_once() -> None:
    unreachable = Database.connect(f"postgresql+asyncpg://nobody:x@127.0.0.1:{free_port()}/none")
    feed = ApplicationFeed(unreachable, connect_timeout=1.0)
    with pytest.raises(FeedUnavailableError):
        async with feed.subscription():
            pass
    assert feed.subscriber_count == 0
    assert not feed.listening
    await unreachable.dispose()
