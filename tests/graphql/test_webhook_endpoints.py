"""Webhook endpoints through GraphQL: made by any role, scoped to what the owner may see, signed,
logged, and redelivered with the same webhook-id."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.tables import jobs
from invoice_graph.domain.viewer import Role
from invoice_graph.jobs.handlers import HANDLERS
from invoice_graph.jobs.runner import JobRunner
from tests.graphql.conftest import LINK_SECRET, Api
from tests.graphql.documents import APPLY_FOR_INVOICE, CANCEL_INVOICE_APPLICATION
from tests.graphql.helpers import mutate, query_data, ready_to_apply
from tests.receivers import receiving

CREATE = """
mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  webhookEndpoint { id url events enabled createdAt } secret userErrors { code field message } } }
"""
DELETE = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId userErrors { code } } }"
REDELIVER = """
mutation($id: ID!) { redeliverWebhookDelivery(id: $id) {
  webhookDelivery { id eventId status attempts } userErrors { code } } }
"""
ENDPOINTS = """
{ viewer { webhookEndpoints { id url events deliveries(first: 10) { totalCount edges { node {
  id eventId eventType status attempts lastResponseStatus lastError nextAttemptAt createdAt deliveredAt
} } } } } }
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on WebhookEndpoint { url } } }"
EVENTS = ["INVOICE_APPLICATION_SUBMITTED", "INVOICE_APPLICATION_STATUS_CHANGED"]


@pytest.fixture
async def open_api(database: Database) -> AsyncIterator[tuple[Api, Settings]]:
    """The application with WEBHOOK_ALLOW_PRIVATE_URLS, so that loopback receivers may be used."""
    settings = Settings(environment="test", download_link_secret=LINK_SECRET, webhook_allow_private_urls=True)
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, database=database), settings


async def _create(api: Api, token: str, url: str, events: list[str] = EVENTS) -> dict[str, Any]:
    return await mutate(api, CREATE, {"input": {"url": url, "events": events}}, token)


async def _run_jobs(api: Api, settings: Settings) -> None:
    runner = JobRunner(api.database, settings, HANDLERS)
    while await runner.run_once():
        pass


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",
        "ftp://example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://user:pass@8.8.8.8/hook",
        "not a url",
    ],
)
async def test_an_unsafe_url_is_invalid_url_and_saves_nothing(api: Api, tmp_path: Path, url: str) -> None:
    customer, _ = await ready_to_apply(api, tmp_path)
    payload = await _create(api, customer, url)
    assert payload["webhookEndpoint"] is None
    assert [(error["code"], error["field"]) for error in payload["userErrors"]] == [
        ("INVALID_URL", ["input", "url"])
    ]
    assert (await query_data(api, ENDPOINTS, {}, customer))["viewer"]["webhookEndpoints"] == []


async def test_an_endpoint_shows_its_secret_once_and_at_most_ten_per_owner(api: Api, tmp_path: Path) -> None:
    # given a partner
    await ready_to_apply(api, tmp_path)
    partner = await api.token(Role.PARTNER, partner="P-1")
    # when it makes an endpoint on a public address
    made = await _create(api, partner, "https://8.8.8.8/hooks/invoices")
    # then the secret is shown in the payload, in the Standard Webhooks form, and never again
    assert made["userErrors"] == []
    assert made["secret"].startswith("whsec_")
    Webhook(made["secret"])  # a secret the reference library accepts
    listed = (await query_data(api, ENDPOINTS, {}, partner))["viewer"]["webhookEndpoints"]
    assert [endpoint["url"] for endpoint in listed] == ["https://8.8.8.8/hooks/invoices"]
    assert made["secret"] not in json.dumps(listed)
    # and no event types, or a repeated one, is refused
    assert [e["code"] for e in (await _create(api, partner, "https://8.8.8.8/a", []))["userErrors"]] == [
        "INVALID"
    ]
    # and the eleventh is refused
    for index in range(9):
        assert (await _create(api, partner, f"https://8.8.8.8/{index}"))["userErrors"] == []
    refused = await _create(api, partner, "https://8.8.8.8/eleventh")
    assert [error["code"] for error in refused["userErrors"]] == ["LIMIT_REACHED"]
    # and another owner (customer B-1, of no partner) sees none of them, as a list or as nodes, and
    # cannot delete them
    other = await api.token(Role.CUSTOMER, account="B-1")
    assert (await query_data(api, ENDPOINTS, {}, other))["viewer"]["webhookEndpoints"] == []
    endpoint_id = made["webhookEndpoint"]["id"]
    assert (await query_data(api, NODE, {"id": endpoint_id}, other))["node"] is None
    assert [e["code"] for e in (await mutate(api, DELETE, {"id": endpoint_id}, other))["userErrors"]] == [
        "NOT_FOUND"
    ]
    # while its owner fetches and deletes it
    assert (await query_data(api, NODE, {"id": endpoint_id}, partner))["node"]["url"] == made[
        "webhookEndpoint"
    ]["url"]
    assert (await mutate(api, DELETE, {"id": endpoint_id}, partner))["deletedId"] == endpoint_id


async def test_events_reach_only_the_endpoints_that_may_see_them_signed_and_redeliverable(
    open_api: tuple[Api, Settings], tmp_path: Path
) -> None:
    api, settings = open_api
    # given A-1's partner P-1 and customer B-1 (no partner), each with an endpoint on a real receiver
    customer, values = await ready_to_apply(api, tmp_path)
    partner = await api.token(Role.PARTNER, partner="P-1")
    other_customer = await api.token(Role.CUSTOMER, account="B-1")
    with receiving() as receiver:
        partners = await _create(api, partner, receiver.hook("/partner"))
        others = await _create(api, other_customer, receiver.hook("/other"))
        # when A-1 applies and cancels, and the jobs run
        applied = await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer)
        application = applied["invoiceApplication"]
        await mutate(api, CANCEL_INVOICE_APPLICATION, {"id": application["id"]}, customer)
        await _run_jobs(api, settings)
        # then the partner's endpoint got both events, signed, and B-1's got nothing
        assert [request.path for request in receiver.received] == ["/partner", "/partner"]
        # (the two jobs run side by side, so they may arrive in either order)
        receiver.received.sort(key=lambda request: EVENTS.index(json.loads(request.body)["type"]))
        bodies = [
            _verified(partners["secret"], request.headers, request.body) for request in receiver.received
        ]
        assert [body["type"] for body in bodies] == EVENTS
        assert bodies[0]["data"] == {
            "id": application["id"],
            "number": application["number"],
            "accountNumber": "A-1",
            "status": "PENDING",
        }
        assert bodies[1]["data"]["status"] == "CANCELLED"
        assert others["userErrors"] == []
        # and the partner's delivery log shows both, SUCCEEDED, with the webhook-id sent
        [endpoint] = (await query_data(api, ENDPOINTS, {}, partner))["viewer"]["webhookEndpoints"]
        log = [edge["node"] for edge in endpoint["deliveries"]["edges"]]
        assert [(entry["eventType"], entry["status"], entry["attempts"]) for entry in log] == [
            ("INVOICE_APPLICATION_STATUS_CHANGED", "SUCCEEDED", 1),
            ("INVOICE_APPLICATION_SUBMITTED", "SUCCEEDED", 1),
        ]
        assert log[1]["eventId"] == receiver.received[0].headers["webhook-id"]
        # when the submission is redelivered
        again = await mutate(api, REDELIVER, {"id": log[1]["id"]}, partner)
        assert again["webhookDelivery"]["status"] == "PENDING"
        await _run_jobs(api, settings)
        # then the same event comes again with the same webhook-id and body
        resent = receiver.received[-1]
        assert resent.headers["webhook-id"] == log[1]["eventId"]
        assert resent.body == receiver.received[0].body
        assert _verified(partners["secret"], resent.headers, resent.body)["type"] == EVENTS[0]
        # and another owner cannot redeliver it
        refused = await mutate(api, REDELIVER, {"id": log[1]["id"]}, other_customer)
        assert [error["code"] for error in refused["userErrors"]] == ["NOT_FOUND"]


def _verified(secret: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The body, once the reference library has checked its signature (it raises otherwise)."""
    verified: dict[str, Any] = Webhook(secret).verify(body, headers)
    return verified


async def test_redelivering_a_delivery_that_waits_for_a_retry_sends_it_now_once(
    open_api: tuple[Api, Settings], tmp_path: Path
) -> None:
    api, settings = open_api
    # given a delivery whose first attempt got a 500, so it waits for its retry
    customer, values = await ready_to_apply(api, tmp_path)
    finance = await api.token(Role.FINANCE)
    with receiving() as receiver:
        receiver.statuses.append(500)
        await _create(api, finance, receiver.hook(), EVENTS[:1])
        await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer)
        await _run_jobs(api, settings)
        [endpoint] = (await query_data(api, ENDPOINTS, {}, finance))["viewer"]["webhookEndpoints"]
        [waiting] = [edge["node"] for edge in endpoint["deliveries"]["edges"]]
        assert (waiting["status"], waiting["attempts"], waiting["lastResponseStatus"]) == ("PENDING", 1, 500)
        # when it is redelivered, twice
        for _ in range(2):
            await mutate(api, REDELIVER, {"id": waiting["id"]}, finance)
        # then its one job is due now (no second schedule of retries beside it), and it is sent once
        async with api.database.read() as connection:
            queued = (
                await connection.execute(
                    select(func.count()).select_from(jobs).where(jobs.c.status == "QUEUED")
                )
            ).scalar_one()
        assert queued == 1
        await _run_jobs(api, settings)
        assert len(receiver.received) == 2
        [endpoint] = (await query_data(api, ENDPOINTS, {}, finance))["viewer"]["webhookEndpoints"]
        [sent] = [edge["node"] for edge in endpoint["deliveries"]["edges"]]
        assert (sent["status"], sent["attempts"]) == ("SUCCEEDED", 2)
