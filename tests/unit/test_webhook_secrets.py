"""Webhook signing secrets: the Standard Webhooks form, sealed with AES-GCM, refused when tampered with."""

import base64
import os

import pytest
from standardwebhooks import Webhook

from invoice_graph.webhooks.secrets import SEALED_PREFIX, SealedSecretError, new_secret, seal, unseal

KEY = bytes(range(32))


def test_a_new_secret_is_whsec_and_32_random_bytes_the_reference_library_accepts() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    Webhook(secret)
    assert secret != new_secret()


def test_a_sealed_secret_opens_with_its_key_and_does_not_show_the_secret() -> None:
    secret = new_secret()
    sealed = seal(KEY, secret)
    assert sealed.startswith(SEALED_PREFIX)
    assert secret not in sealed
    assert secret.removeprefix("whsec_") not in sealed
    assert unseal(KEY, sealed) == secret


def test_sealing_twice_gives_different_values_each_of_which_opens() -> None:
    secret = new_secret()
    first, second = seal(KEY, secret), seal(KEY, secret)
    assert first != second  # a fresh nonce each time
    assert unseal(KEY, first) == unseal(KEY, second) == secret


def _flip_a_byte(sealed: str, index: int) -> str:
    raw = bytearray(base64.b64decode(sealed.removeprefix(SEALED_PREFIX)))
    raw[index] ^= 0x01
    return SEALED_PREFIX + base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("index", [0, 11, 12, -1])  # the nonce, the ciphertext, the tag
def test_a_tampered_sealed_secret_is_refused(index: int) -> None:
    sealed = seal(KEY, new_secret())
    with pytest.raises(SealedSecretError, match="altered"):
        unseal(KEY, _flip_a_byte(sealed, index))


def test_a_secret_sealed_under_another_key_is_refused() -> None:
    sealed = seal(os.urandom(32), new_secret())
    with pytest.raises(SealedSecretError, match="another server key"):
        unseal(KEY, sealed)


@pytest.mark.parametrize(
    "sealed",
    [
        "whsec_notsealed",  # a plain secret
        "v2:" + base64.b64encode(os.urandom(60)).decode(),  # an unknown version
        "v1:not base64!",
        "v1:" + base64.b64encode(b"short").decode(),  # cut short: no room for nonce and tag
        "v1:",
    ],
)
def test_a_malformed_sealed_secret_is_refused(sealed: str) -> None:
    with pytest.raises(SealedSecretError, match="create the endpoint again"):
        unseal(KEY, sealed)
