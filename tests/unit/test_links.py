"""Signed download links (SPEC section 9): valid until they expire, refused when altered."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from invoice_graph.config import Settings
from invoice_graph.domain.links import document_path, is_valid, sign

KEY = b"k" * 32
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _parts(url: str) -> tuple[str, str, str]:
    split = urlsplit(url)
    query = parse_qs(split.query)
    return split.path, query["expires"][0], query["signature"][0]


def test_a_link_works_until_it_expires_and_only_as_signed() -> None:
    path = document_path(7, 42, "26332000000123456789.pdf")
    link = sign(KEY, base_url="https://invoices.example.com/", path=path, now=NOW, ttl_seconds=900)
    assert link.url.startswith("https://invoices.example.com/documents/7/42/26332000000123456789.pdf?")
    assert link.expires_at == NOW + timedelta(seconds=900)
    signed_path, expires, signature = _parts(link.url)
    assert is_valid(KEY, path=signed_path, expires=expires, signature=signature, now=NOW)
    later = NOW + timedelta(seconds=901)
    assert not is_valid(KEY, path=signed_path, expires=expires, signature=signature, now=later)
    other = document_path(7, 43, "26332000000123456789.pdf")
    assert not is_valid(KEY, path=other, expires=expires, signature=signature, now=NOW)
    assert not is_valid(KEY, path=signed_path, expires=str(int(expires) + 3600), signature=signature, now=NOW)
    assert not is_valid(b"x" * 32, path=signed_path, expires=expires, signature=signature, now=NOW)
    for bad in (None, "", "-1", "1e9", "9" * 40):
        assert not is_valid(KEY, path=signed_path, expires=bad, signature=signature, now=NOW)
    assert not is_valid(KEY, path=signed_path, expires=expires, signature=None, now=NOW)


def test_without_a_secret_every_process_on_the_machine_signs_with_one_stored_key(tmp_path: Path) -> None:
    first = Settings(environment="test", data_dir=tmp_path).download_link_key()
    assert Settings(environment="test", data_dir=tmp_path).download_link_key() == first
    assert len(first) == 32
    assert Settings(environment="test", download_link_secret="s" * 16).download_link_key() == b"s" * 16
