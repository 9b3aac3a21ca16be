"""The README's walk-through, run as written against the demo data: its documents stay true."""

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.demo import load_demo

README = Path(__file__).parents[2] / "README.md"
BLOCK = re.compile(r"```(graphql|json)\n(.*?)```", re.DOTALL)


def walkthrough() -> list[tuple[str, str]]:
    """The (language, text) code blocks of the README's walk-through section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Walk-through", 1)[1].split("\n## ", 1)[0]
    return [(match.group(1), match.group(2)) for match in BLOCK.finditer(section)]


def documents() -> dict[str, str]:
    """The walk-through's GraphQL documents by operation name."""
    found = {}
    for language, text in walkthrough():
        if language == "graphql":
            name = re.search(r"(?:query|mutation) (\w+)", text)
            assert name, text
            found[name.group(1)] = text
    return found


def variables_after(operation: str, values: dict[str, Any]) -> dict[str, Any]:
    """The JSON variables block that follows an operation (or the next operations), filled in."""
    blocks = walkthrough()
    start = next(n for n, (language, text) in enumerate(blocks) if f" {operation}" in text.split("{")[0])
    for language, text in blocks[start + 1 :]:
        if language == "json":
            filled = text
            for placeholder, value in values.items():
                filled = filled.replace(f'"<{placeholder}>"', json.dumps(value))
            assert "<" not in filled, f"unfilled placeholder in {filled}"
            loaded: dict[str, Any] = json.loads(filled)
            return loaded
    pytest.fail(f"no variables after {operation}")


async def test_the_readme_walkthrough_runs_as_written(database: Database) -> None:
    # given the demo data and a token per role
    tokens = await load_demo(database)
    docs = documents()
    assert list(docs) == [
        "MyAccount",
        "AddTitle",
        "AddAddress",
        "Preview",
        "Apply",
        "WorkQueue",
        "Issue",
        "Ship",
        "Deliver",
    ]
    app = create_app(Settings(environment="test"), database)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:

        async def run(operation: str, token: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
            response = await client.post(
                "/graphql",
                json={"query": docs[operation], "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
            body: dict[str, Any] = response.json()
            assert response.status_code == 200, body
            assert "errors" not in body, body
            data: dict[str, Any] = body["data"]
            return data

        customer, finance = tokens.customer.secret, tokens.finance.secret
        # step 1: the account needs a title and an address first
        account = (await run("MyAccount", customer))["viewer"]["account"]
        assert account["invoiceEligibility"]["problems"] == ["TITLE_REQUIRED", "ADDRESS_REQUIRED"]
        month = next(
            edge["node"]["month"]
            for edge in account["statements"]["edges"]
            if edge["node"]["invoiceStatus"] == "NOT_INVOICED"
            and edge["node"]["invoiceableTotal"]["amount"] != "0.00"
        )
        values: dict[str, Any] = {"account id": account["id"], "month": month}
        # steps 2 and 3
        title = (await run("AddTitle", customer, variables_after("AddTitle", values)))["createInvoiceTitle"]
        assert title["userErrors"] == []
        address = (await run("AddAddress", customer, variables_after("AddAddress", values)))[
            "createInvoiceAddress"
        ]
        assert address["userErrors"] == []
        values |= {"title id": title["invoiceTitle"]["id"], "address id": address["invoiceAddress"]["id"]}
        # step 4
        preview = (await run("Preview", customer, variables_after("Preview", values)))["viewer"]["account"]
        assert preview["invoiceEligibility"] == {"canApply": True, "problems": []}
        assert preview["invoicePreview"]["problems"] == []
        values["amount"] = preview["invoicePreview"]["amount"]["amount"]
        # step 5
        applied = (await run("Apply", customer, variables_after("Apply", values)))["applyForInvoice"]
        assert applied["userErrors"] == []
        application = applied["invoiceApplication"]
        assert (application["status"], application["amount"]["amount"]) == ("PENDING", values["amount"])
        # steps 6 and 7, as finance
        queue = (await run("WorkQueue", finance))["invoiceApplications"]
        assert [edge["node"]["id"] for edge in queue["edges"]] == [application["id"]]
        values["application id"] = application["id"]
        statuses = []
        for operation in ("Issue", "Ship", "Deliver"):
            payload = next(iter((await run(operation, finance, variables_after("Deliver", values))).values()))
            assert payload["userErrors"] == []
            statuses.append(payload["invoiceApplication"]["status"])
        assert statuses == ["ISSUED", "SHIPPED", "DELIVERED"]
