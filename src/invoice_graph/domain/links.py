"""Signed, expiring download links (SPEC section 9): an HMAC over the path and the expiry.

The link is its own authorization, so it reveals nothing when it fails: an expired, altered or
made-up link gets the same refusal.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class SignedLink:
    """An absolute link and when it stops working."""

    url: str
    expires_at: datetime


def _signature(key: bytes, path: str, expires: int) -> str:
    return hmac.new(key, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def sign(key: bytes, *, base_url: str, path: str, now: datetime, ttl_seconds: int) -> SignedLink:
    """A link to `path` on `base_url` that works for `ttl_seconds` from `now`.

    Args:
        key: the signing secret.
        base_url: scheme and host, e.g. "https://invoices.example.com".
        path: the path, already percent-encoded where needed.
        now: the time the link is made.
        ttl_seconds: how long it works.
    """
    expires_at = (now + timedelta(seconds=ttl_seconds)).replace(microsecond=0)
    expires = int(expires_at.timestamp())
    query = f"expires={expires}&signature={_signature(key, path, expires)}"
    return SignedLink(url=f"{base_url.rstrip('/')}{path}?{query}", expires_at=expires_at)


def is_valid(key: bytes, *, path: str, expires: str | None, signature: str | None, now: datetime) -> bool:
    """Whether a link's expiry and signature are ours and it has not expired yet."""
    if expires is None or signature is None or not expires.isdigit() or len(expires) > 12:
        return False
    expected = _signature(key, path, int(expires))
    if not hmac.compare_digest(expected, signature.lower()):
        return False
    return datetime.fromtimestamp(int(expires), UTC) > now


def document_path(account_id: int, document_id: int, file_name: str) -> str:
    """The path a document is downloaded from; the file name makes browsers save it as such."""
    return f"/documents/{account_id}/{document_id}/{quote(file_name)}"
