"""Where webhooks may go: https URLs of public hosts; loopback, private and link-local addresses
(in any IPv6 disguise) are refused unless WEBHOOK_ALLOW_PRIVATE_URLS. Literal addresses resolve
without the network."""

import ipaddress

import pytest

from invoice_graph.webhooks.urls import (
    MAX_URL_LENGTH,
    UnsafeUrlError,
    check_url,
    check_url_resolves,
    is_public,
    pinned_url,
    resolve_public,
    target_of,
)

GOOD = [
    "https://example.com/hooks",
    "https://example.com:8443/hooks?tenant=7",
    "https://xn--exmple-cua.com/hooks",
    "https://exämple.com/hooks",
    "https://8.8.8.8/hooks",
    "HTTPS://EXAMPLE.COM/hooks",
]


@pytest.mark.parametrize("url", GOOD)
def test_an_https_url_with_a_host_is_accepted(url: str) -> None:
    assert check_url(url, allow_private=False) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://example.com/hooks", "Use an https:// URL"),
        ("ftp://example.com/hooks", "Use an https:// URL"),
        ("example.com/hooks", "Use an https:// URL"),
        ("not a url", "spaces or control characters"),
        ("https://exa mple.com/", "spaces or control characters"),
        ("https://example.com/\r\nX-Injected: 1", "spaces or control characters"),
        ("https://example.com/\x00", "spaces or control characters"),
        ("https://example.com/\x7f", "spaces or control characters"),
        ("https:///hooks", "no host"),
        ("https://", "no host"),
        ("https://user:pass@example.com/hooks", "Remove the user name and password"),
        ("https://token@example.com/hooks", "Remove the user name and password"),
        ("https://example.com:99999/hooks", "not a valid URL"),
        ("https://example.com:port/hooks", "not a valid URL"),
        ("https://example.com:0/hooks", "port must be from 1 to 65535"),
        ("https://[::1/hooks", "not a valid URL"),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, f"longer than {MAX_URL_LENGTH}"),
    ],
)
def test_a_url_that_is_not_a_plain_https_url_is_refused_saying_what_to_do(url: str, says: str) -> None:
    problem = check_url(url, allow_private=False)
    assert problem is not None
    assert says in problem


def test_allowing_private_urls_permits_http_but_nothing_else() -> None:
    assert check_url("http://127.0.0.1:8080/hooks", allow_private=True) is None
    assert check_url("https://localhost/hooks", allow_private=True) is None
    assert check_url("ftp://127.0.0.1/hooks", allow_private=True) == "Use an http:// or https:// URL."
    problem = check_url("http://user:pw@127.0.0.1/", allow_private=True)
    assert problem is not None
    assert "user name" in problem


def test_a_url_at_the_length_limit_is_accepted() -> None:
    url = "https://example.com/"
    assert check_url(url + "a" * (MAX_URL_LENGTH - len(url)), allow_private=False) is None


def test_a_target_is_the_ascii_host_its_port_and_the_host_header() -> None:
    assert target_of("https://exämple.com/hooks").host == "xn--exmple-cua.com"
    assert target_of("https://example.com/hooks").port == 443
    assert target_of("http://example.com/hooks").port == 80
    target = target_of("https://[2001:db8::1]:8443/hooks")
    assert (target.host, target.port, target.host_header) == ("2001:db8::1", 8443, "[2001:db8::1]:8443")


def test_a_pinned_url_keeps_everything_but_the_host() -> None:
    assert (
        str(pinned_url("https://example.com:8443/a?b=1", "93.184.216.34"))
        == "https://93.184.216.34:8443/a?b=1"
    )
    assert str(pinned_url("https://example.com/a", "2606:2800::1")) == "https://[2606:2800::1]/a"


UNSAFE = [
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",  # noqa: S104 (an address refused, not one bound to)
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",  # cloud metadata
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2001:4860:4860::8888", "2606:4700:4700::1111"]


@pytest.mark.parametrize("address", UNSAFE)
def test_a_non_public_address_is_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", UNSAFE)
async def test_resolving_a_non_public_literal_is_refused(address: str) -> None:
    with pytest.raises(UnsafeUrlError, match="does not resolve to public internet addresses only"):
        await resolve_public(address, 443, allow_private=False)


@pytest.mark.parametrize("address", PUBLIC)
async def test_resolving_a_public_literal_gives_it(address: str) -> None:
    assert await resolve_public(address, 443, allow_private=False) == [address]


async def test_allowing_private_addresses_resolves_them() -> None:
    assert await resolve_public("127.0.0.1", 80, allow_private=True) == ["127.0.0.1"]
    assert await resolve_public("::1", 80, allow_private=True) == ["::1"]


async def test_a_name_that_resolves_to_a_private_address_is_refused_naming_both() -> None:
    # localhost resolves from the hosts file, without the network
    with pytest.raises(UnsafeUrlError, match="localhost does not resolve to public internet addresses only"):
        await resolve_public("localhost", 443, allow_private=False)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://8.8.8.8/hooks", "Use an https:// URL"),
        ("https://127.0.0.1/hooks", "does not resolve to public internet addresses only"),
        ("https://[::ffff:127.0.0.1]/hooks", "does not resolve to public internet addresses only"),
        ("https://169.254.169.254/latest/meta-data", "does not resolve to public internet addresses only"),
        ("https://localhost:8443/hooks", "does not resolve to public internet addresses only"),
        ("https://no-such-host.invalid/hooks", "does not resolve"),
    ],
)
async def test_a_new_endpoints_url_is_checked_for_syntax_and_addresses(url: str, says: str) -> None:
    problem = await check_url_resolves(url, allow_private=False)
    assert problem is not None
    assert says in problem
    # and it names no address the host resolves to (no map of internal names for callers)
    assert "127.0.0.1" not in problem or "127.0.0.1" in url


async def test_a_public_url_passes_and_allowing_private_urls_skips_the_lookup() -> None:
    assert await check_url_resolves("https://8.8.8.8/hooks", allow_private=False) is None
    assert await check_url_resolves("http://127.0.0.1:9/hooks", allow_private=True) is None
    assert await check_url_resolves("http://no-such-host.invalid/", allow_private=True) is None
