"""Query.account(accountNumber:): text no row can hold is BAD_USER_INPUT."""

import json

import pytest

from tests.graphql.conftest import Api
from tests.graphql.documents import ACCOUNT_ID
from tests.graphql.helpers import LITERAL_ESCAPES, error_codes

UNSTORABLE = ["A-\x001", "A-\ud8001", "bell\x07"]


@pytest.mark.parametrize("value", UNSTORABLE)
async def test_text_with_control_characters_or_lone_surrogates(api: Api, token: str, value: str) -> None:
    # json.dumps escapes them as \\uXXXX, as a client's JSON encoder would.
    document = {
        "query": ACCOUNT_ID,
        "variables": {"number": value},
    }
    response = await api.client.post(
        "/graphql",
        content=json.dumps(document),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


@pytest.mark.parametrize("escape", LITERAL_ESCAPES)
async def test_control_characters_written_as_literals_in_the_document(
    api: Api, token: str, escape: str
) -> None:
    body = await api.query(f'{{ account(accountNumber: "A-{escape}1") {{ id }} }}', token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"] is None


async def test_block_strings_are_checked_too(api: Api, token: str) -> None:
    body = await api.query('{ account(accountNumber: """A-\x011""") { id } }', token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
