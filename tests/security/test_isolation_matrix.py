"""Tenant isolation: another customer's objects do not exist for a customer or an unrelated partner.

The victim is account B-1 (managed by partner P-1) with a statement, a line, a title, an address, a
refund after invoicing (an invoice deficit entry) and a pending application that took the deficit
off. The attackers are customer A-1 and partner P-2, who manages C-1 only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from invoice_graph.db.engine import Database
from invoice_graph.db.tables import metadata, rate_limit_buckets
from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from invoice_graph.services.tokens import create_token, revoke_token
from tests.factories import import_rows, line, make_statements
from tests.factories_applications import account_id_of, add_address, add_title
from tests.graphql.conftest import Api

ATTACKERS = ("customer", "partner")
VICTIM_IDS = """
query($number: String!) { account(accountNumber: $number) { id
  statements { edges { node { id lines { edges { node { id } } } } } }
  invoiceApplications { edges { node { id } } } invoiceTitles { id } invoiceAddresses { id }
  invoiceDeficitEntries { edges { node { id kind } } } } }
"""
APPLY = """mutation($input: ApplyForInvoiceInput!) { applyForInvoice(input: $input) {
  invoiceApplication { id } userErrors { code } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
CREATE_ENDPOINT = """mutation { createWebhookEndpoint(input: {url: "https://8.8.8.8/hook",
  events: [INVOICE_APPLICATION_SUBMITTED]}) { webhookEndpoint { id } userErrors { code } } }"""
ENDPOINT_LOG = "{ viewer { webhookEndpoints { deliveries { edges { node { id } } } } } }"
START_EXPORT = "mutation { startExport(input: {kind: STATEMENTS}) { exportJob { id } userErrors { code } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
EVERYTHING_VISIBLE = """
{ viewer { account { id } accounts(first: 10) { edges { node { id invoiceTitles { id } invoiceAddresses { id }
    invoiceApplications(first: 10) { edges { node { id } } } invoiceDeficit { amount }
    invoiceDeficitEntries(first: 10) { edges { node { id application { id } } } }
    statements(first: 10) { edges { node { id lines(first: 10) { edges { node { id } } } } } } } } } }
  invoiceApplications(first: 10) { edges { node { id } } }
  account(accountNumber: "B-1") { id } }
"""
EVERYTHING_VISIBLE = EVERYTHING_VISIBLE.replace(
    "{ viewer {",
    "{ viewer { webhookEndpoints { id deliveries { edges { node { id } } } }"
    " exports { edges { node { id } } }",
    1,
)


@dataclass(frozen=True)
class Victim:
    """B-1's object IDs by type."""

    ids: dict[str, str]

    @property
    def all(self) -> list[str]:
        return list(self.ids.values())


@dataclass(frozen=True)
class World:
    """The victim's objects and every token of the scenario."""

    victim: Victim
    tokens: dict[str, str]


async def _world(api: Api, tmp_path: Path) -> World:
    rows = [
        line(account_number="A-1", billed_on="2024-01-10"),
        *(line(account_number="B-1", partner="P-1", billed_on=f"2024-0{m}-10") for m in (1, 2)),
        line(account_number="C-1", partner="P-2", billed_on="2024-01-10"),
    ]
    await make_statements(api.database, tmp_path, rows)
    # February is refunded 30.00 after its statement: B-1's deficit, taken off its application
    refund = {**rows[2], "line_id": "B-REFUND", "refund_of": rows[2]["line_id"], "billed_on": "2024-03-01"}
    await import_rows(api.database, tmp_path, [{**refund, "amount": "30.00", "cash_amount": "30.00"}])
    account_id = await account_id_of(api.database, "B-1")
    title = encode_id("InvoiceTitle", account_id, await add_title(api.database, "B-1"))
    address = encode_id("InvoiceAddress", account_id, await add_address(api.database, "B-1"))
    tokens = {
        "customer": await api.token(Role.CUSTOMER, account="A-1"),
        "partner": await api.token(Role.PARTNER, partner="P-2"),
        "owner": await api.token(Role.CUSTOMER, account="B-1"),
        "owner's partner": await api.token(Role.PARTNER, partner="P-1"),
    }
    values = {
        "accountId": encode_id("Account", account_id),
        "months": ["2024-01"],
        "titleId": title,
        "addressId": address,
        "confirmedAmount": "70.00",
        "acceptTerms": True,
    }
    # the owner's partner has a webhook endpoint (on a public address: nothing is sent in this test)
    created = await api.query(CREATE_ENDPOINT, token=tokens["owner's partner"])
    endpoint = created["data"]["createWebhookEndpoint"]["webhookEndpoint"]["id"]
    applied = await api.query(APPLY, {"input": values}, token=tokens["owner"])
    assert applied["data"]["applyForInvoice"]["userErrors"] == [], applied
    partner_view = await api.query(ENDPOINT_LOG, token=tokens["owner's partner"])
    [delivery] = partner_view["data"]["viewer"]["webhookEndpoints"][0]["deliveries"]["edges"]
    finance = await api.token(Role.FINANCE)
    account = (await api.query(VICTIM_IDS, {"number": "B-1"}, token=finance))["data"]["account"]
    statement = account["statements"]["edges"][0]["node"]
    ids = {
        "Account": account["id"],
        "MonthlyStatement": statement["id"],
        "StatementLine": statement["lines"]["edges"][0]["node"]["id"],
        "InvoiceTitle": title,
        "InvoiceAddress": address,
        "InvoiceApplication": account["invoiceApplications"]["edges"][0]["node"]["id"],
        **{
            f"InvoiceDeficitEntry {edge['node']['kind']}": edge["node"]["id"]
            for edge in account["invoiceDeficitEntries"]["edges"]
        },
    }
    exported = await api.query(START_EXPORT, token=tokens["owner"])
    ids |= {
        "WebhookEndpoint": endpoint,
        "WebhookDelivery": delivery["node"]["id"],
        "ExportJob": exported["data"]["startExport"]["exportJob"]["id"],
    }
    assert len(ids) == 11, ids  # the REFUND and the OFFSET entries among them
    return World(victim=Victim(ids), tokens=tokens)


async def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the rate-limit buckets, which requests legitimately fill."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    async with database.read() as connection:
        for table in metadata.sorted_tables:
            if table is not rate_limit_buckets:
                rows = (await connection.execute(select(table))).all()
                state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return state


@pytest.mark.parametrize("attacker", ATTACKERS)
async def test_node_and_nodes_give_null_for_each_of_the_victims_objects(
    api: Api, tmp_path: Path, attacker: str
) -> None:
    world = await _world(api, tmp_path)
    token = world.tokens[attacker]
    for type_name, object_id in world.victim.ids.items():
        body = await api.query(NODE, {"id": object_id}, token=token)
        assert "errors" not in body, body
        assert body["data"]["node"] is None, type_name
    body = await api.query(NODES, {"ids": world.victim.all}, token=token)
    assert "errors" not in body, body
    assert body["data"]["nodes"] == [None] * len(world.victim.ids)


@pytest.mark.parametrize("attacker", ATTACKERS)
async def test_connections_and_lists_omit_the_victims_objects(
    api: Api, tmp_path: Path, attacker: str
) -> None:
    world = await _world(api, tmp_path)
    body = await api.query(EVERYTHING_VISIBLE, token=world.tokens[attacker])
    assert "errors" not in body
    assert body["data"]["account"] is None
    assert body["data"]["viewer"]["accounts"]["edges"], "the attacker sees its own account"
    text = repr(body)
    assert [name for name, object_id in world.victim.ids.items() if object_id in text] == []


def _mutation(name: str, argument: str, type_name: str, payload: str = "userErrors { code }") -> str:
    return f"mutation($v: {type_name}!) {{ {name}({argument}: $v) {{ {payload} }} }}"


TITLE_INPUT = {
    "kind": "COMPANY",
    "invoiceType": "VAT_GENERAL",
    "name": "Evil",
    "taxpayerId": "91350100M000100Y43",
}
ADDRESS_INPUT = {
    "recipient": "Evil",
    "phone": "13800138000",
    "province": "北京市",
    "city": "北京市",
    "district": "海淀区",
    "street": "1号",
    "postalCode": "100080",
}
RETURN = {"reason": "wrong", "courier": "SF", "trackingNumber": "SF1"}
# (mutation document, builds its variable from the victim's IDs)
CUSTOMER_MUTATIONS: dict[str, tuple[str, Any]] = {
    "createInvoiceTitle": (
        _mutation("createInvoiceTitle", "input", "CreateInvoiceTitleInput"),
        lambda ids: {**TITLE_INPUT, "accountId": ids["Account"]},
    ),
    "updateInvoiceTitle": (
        _mutation("updateInvoiceTitle", "input", "UpdateInvoiceTitleInput"),
        lambda ids: {"id": ids["InvoiceTitle"], "name": "Evil"},
    ),
    "deleteInvoiceTitle": (_mutation("deleteInvoiceTitle", "id", "ID"), lambda ids: ids["InvoiceTitle"]),
    "createInvoiceAddress": (
        _mutation("createInvoiceAddress", "input", "CreateInvoiceAddressInput"),
        lambda ids: {**ADDRESS_INPUT, "accountId": ids["Account"]},
    ),
    "updateInvoiceAddress": (
        _mutation("updateInvoiceAddress", "input", "UpdateInvoiceAddressInput"),
        lambda ids: {"id": ids["InvoiceAddress"], "recipient": "Evil"},
    ),
    "deleteInvoiceAddress": (
        _mutation("deleteInvoiceAddress", "id", "ID"),
        lambda ids: ids["InvoiceAddress"],
    ),
    "applyForInvoice": (
        _mutation("applyForInvoice", "input", "ApplyForInvoiceInput"),
        lambda ids: {
            "accountId": ids["Account"],
            "months": ["2024-02"],
            "titleId": ids["InvoiceTitle"],
            "addressId": ids["InvoiceAddress"],
            "confirmedAmount": "100.00",
            "acceptTerms": True,
        },
    ),
    "cancelInvoiceApplication": (
        _mutation("cancelInvoiceApplication", "id", "ID"),
        lambda ids: ids["InvoiceApplication"],
    ),
    "requestInvoiceReturn": (
        _mutation("requestInvoiceReturn", "input", "RequestInvoiceReturnInput"),
        lambda ids: {**RETURN, "id": ids["InvoiceApplication"]},
    ),
    "requestInvoiceReversal": (
        _mutation("requestInvoiceReversal", "input", "RequestInvoiceReversalInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "reason": "ISSUE_ERROR"},
    ),
    "resendInvoiceEmail": (
        _mutation("resendInvoiceEmail", "input", "ResendInvoiceEmailInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "emails": ["evil@example.com"]},
    ),
    "deleteWebhookEndpoint": (
        _mutation("deleteWebhookEndpoint", "id", "ID"),
        lambda ids: ids["WebhookEndpoint"],
    ),
    "redeliverWebhookDelivery": (
        _mutation("redeliverWebhookDelivery", "id", "ID"),
        lambda ids: ids["WebhookDelivery"],
    ),
    "startExport": (
        _mutation("startExport", "input", "StartExportInput"),
        lambda ids: {"kind": "STATEMENTS", "accountIds": [ids["Account"]]},
    ),
}
# Mutations that name no object of another owner: what they make is the caller's own, scoped to
# what it may see (tests/graphql/test_webhook_endpoints.py: an endpoint gets only its owner's events).
OWN_SCOPE_MUTATIONS = {"createWebhookEndpoint"}
FINANCE_MUTATIONS: dict[str, tuple[str, Any]] = {
    "issueInvoiceApplication": (
        _mutation("issueInvoiceApplication", "input", "IssueInvoiceApplicationInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "invoiceNumbers": ["12345678"]},
    ),
    "shipInvoiceApplication": (
        _mutation("shipInvoiceApplication", "input", "ShipInvoiceApplicationInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "courier": "SF", "trackingNumber": "SF1"},
    ),
    "markInvoiceApplicationDelivered": (
        _mutation("markInvoiceApplicationDelivered", "id", "ID"),
        lambda ids: ids["InvoiceApplication"],
    ),
    "rejectInvoiceApplication": (
        _mutation("rejectInvoiceApplication", "input", "RejectInvoiceApplicationInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "reason": "no"},
    ),
    "confirmInvoiceReturn": (
        _mutation("confirmInvoiceReturn", "id", "ID"),
        lambda ids: ids["InvoiceApplication"],
    ),
    "rejectInvoiceReturn": (
        _mutation("rejectInvoiceReturn", "input", "RejectInvoiceReturnInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "reason": "no"},
    ),
    "confirmInvoiceReversal": (
        _mutation("confirmInvoiceReversal", "input", "ConfirmInvoiceReversalInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "redInvoiceNumbers": ["87654321"]},
    ),
    "rejectInvoiceReversal": (
        _mutation("rejectInvoiceReversal", "input", "RejectInvoiceReversalInput"),
        lambda ids: {"id": ids["InvoiceApplication"], "reason": "no"},
    ),
}


def test_the_matrix_covers_every_mutation_of_the_schema() -> None:
    from invoice_graph.graphql.schema import schema  # noqa: PLC0415 (only this test needs the schema)

    mutation_type = schema._schema.mutation_type
    assert mutation_type is not None
    assert set(mutation_type.fields) == set(CUSTOMER_MUTATIONS) | set(FINANCE_MUTATIONS) | OWN_SCOPE_MUTATIONS


async def _codes(api: Api, name: str, document: str, variable: Any, token: str) -> list[str]:
    body = await api.query(document, {"v": variable}, token=token)
    assert "errors" not in body, body
    return [error["code"] for error in body["data"][name]["userErrors"]]


@pytest.mark.parametrize("name", sorted(CUSTOMER_MUTATIONS))
async def test_a_mutation_on_the_victims_object_gives_not_found_and_changes_nothing(
    api: Api, tmp_path: Path, name: str
) -> None:
    world = await _world(api, tmp_path)
    document, variable = CUSTOMER_MUTATIONS[name]
    before = await _snapshot(api.database)
    for attacker in ATTACKERS:
        codes = await _codes(api, name, document, variable(world.victim.ids), world.tokens[attacker])
        assert codes == ["NOT_FOUND"], attacker
    assert await _snapshot(api.database) == before


@pytest.mark.parametrize("name", sorted(FINANCE_MUTATIONS))
async def test_a_finance_mutation_with_a_customer_or_partner_token_is_refused_and_changes_nothing(
    api: Api, tmp_path: Path, name: str
) -> None:
    world = await _world(api, tmp_path)
    document, variable = FINANCE_MUTATIONS[name]
    before = await _snapshot(api.database)
    # The application's own customer and partner see it, so they are told FORBIDDEN; for the
    # attackers it does not exist (SPEC section 6), so they get NOT_FOUND, as for a made-up ID.
    expected = {
        "owner": "FORBIDDEN",
        "owner's partner": "FORBIDDEN",
        "customer": "NOT_FOUND",
        "partner": "NOT_FOUND",
    }
    for holder, code in expected.items():
        codes = await _codes(api, name, document, variable(world.victim.ids), world.tokens[holder])
        assert codes == [code], holder
    assert await _snapshot(api.database) == before


async def test_revoked_and_expired_tokens_get_401(api: Api, tmp_path: Path) -> None:
    await _world(api, tmp_path)
    revoked = await api.token(Role.CUSTOMER, account="B-1")
    assert await revoke_token(api.database, revoked)
    past = datetime.now(UTC) - timedelta(seconds=1)
    expired = (await create_token(api.database, role=Role.FINANCE, expires_at=past)).secret
    for token in (revoked, expired):
        response = await api.post("{ viewer { role } }", token=token)
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert "data" not in response.json()
