"""Webhook signing secrets (SPEC section 12): made in the Standard Webhooks form, sealed at rest.

A secret is shown to its owner once; the database keeps it sealed with AES-GCM under the server's
key (`Settings.secret_box_key`), so a copy of the database alone cannot sign as the server.
"""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
SECRET_BYTES = 32
# The sealed form's version: a new algorithm or key gets a new prefix, and the old ones still open.
SEALED_PREFIX = "v1:"
NONCE_BYTES = 12
# Binds a sealed value to its use: a value sealed for something else under the same key does not open.
_ASSOCIATED_DATA = b"invoice-graph webhook secret"


class SealedSecretError(Exception):
    """A sealed secret that does not open: tampered with, truncated, or sealed under another key."""


def new_secret() -> str:
    """A new signing secret: "whsec_" and the base64 of 32 random bytes (the Standard Webhooks form)."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode("ascii")


def seal(key: bytes, secret: str) -> str:
    """Encrypt and authenticate a secret for storage: "v1:" and base64 of nonce + ciphertext."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, secret.encode("utf-8"), _ASSOCIATED_DATA)
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def unseal(key: bytes, sealed: str) -> str:
    """The secret `seal` stored.

    Raises:
        SealedSecretError: the value was altered or cut short, has an unknown version, or was
            sealed under another key (the server's key changed since the endpoint was made).
    """
    if not sealed.startswith(SEALED_PREFIX):
        raise SealedSecretError("the sealed secret has no known version prefix; create the endpoint again")
    try:
        raw = base64.b64decode(sealed[len(SEALED_PREFIX) :], validate=True)
    except binascii.Error as error:
        raise SealedSecretError("the sealed secret is not valid base64; create the endpoint again") from error
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        opened = AESGCM(key).decrypt(nonce, ciphertext, _ASSOCIATED_DATA)
    except (InvalidTag, ValueError) as error:
        raise SealedSecretError(
            "the sealed secret does not open: it was altered, or sealed under another server key; "
            "create the endpoint again"
        ) from error
    return opened.decode("utf-8")
