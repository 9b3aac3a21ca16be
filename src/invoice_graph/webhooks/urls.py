"""Where webhooks may be sent (SPEC section 12): https URLs whose host resolves only to public addresses.

`check_url` is the syntax; `resolve_public` the addresses, checked at creation and again before
every attempt (a name may be pointed elsewhere after its endpoint was made). The delivery job
connects to the address it checked, not to a second lookup's, so a name that answers public once
and private next (DNS rebinding) cannot steer it. WEBHOOK_ALLOW_PRIVATE_URLS lifts both rules,
for development and tests.
"""

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

MAX_URL_LENGTH = 2000
# A lookup when an endpoint is made may take this long before the URL is refused.
RESOLVE_TIMEOUT_SECONDS = 5.0
# NAT64 (RFC 6052): an IPv6 address standing for the IPv4 address in its last 32 bits.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# The schemes allowed without and with WEBHOOK_ALLOW_PRIVATE_URLS, and what to say otherwise.
_SCHEMES = {
    False: (("https",), "Use an https:// URL; plain http is not accepted."),
    True: (("http", "https"), "Use an http:// or https:// URL."),
}
_PUBLIC_ONLY = "webhooks go only to public internet addresses; use a URL whose host resolves to one"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUrlError(Exception):
    """A webhook host that resolves to an address that is not public (private, loopback, ...)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL points: its scheme, host (ASCII, IDNA-encoded), port and Host header value."""

    scheme: str
    host: str
    port: int
    host_header: str


def check_url(url: str, *, allow_private: bool) -> str | None:
    """What is wrong with a webhook URL's syntax, as a message saying how to fix it; None if nothing.

    https only, unless `allow_private` (which permits http too); a host; no user name or password;
    at most MAX_URL_LENGTH characters; no spaces or control characters.
    """
    if len(url) > MAX_URL_LENGTH:
        return f"The URL is longer than {MAX_URL_LENGTH} characters; use a shorter one."
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return "The URL contains spaces or control characters; percent-encode or remove them."
    try:
        parsed = urlsplit(url)
        port = parsed.port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return "This is not a valid URL; give one like https://example.com/webhooks."
    schemes, wrong_scheme = _SCHEMES[allow_private]
    rules = (
        (parsed.scheme.lower() not in schemes, wrong_scheme),
        (not parsed.hostname, "The URL has no host; give one like https://example.com/webhooks."),
        ("@" in parsed.netloc, "Remove the user name and password from the URL; signatures authenticate."),
        (port == 0, "The URL's port must be from 1 to 65535; leave it out for the default."),
    )
    return next((message for broken, message in rules if broken), None)


def target_of(url: str) -> Target:
    """The host and port a URL (one `check_url` accepts) connects to."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return Target(parsed.scheme, parsed.raw_host.decode("ascii"), port, parsed.netloc.decode("ascii"))


def pinned_url(url: str, address: str) -> httpx.URL:
    """The URL with its host replaced by one of the addresses it was checked to resolve to."""
    return httpx.URL(url).copy_with(host=address)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for: mapped, 6to4, Teredo or NAT64."""
    found = [v4 for v4 in (address.ipv4_mapped, address.sixtofour) if v4 is not None]
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: IPAddress) -> bool:
    """True for a globally reachable unicast address; False for private, loopback, link-local,
    multicast, reserved, unspecified, shared (CGNAT), and IPv6 forms of any of those."""
    if isinstance(address, ipaddress.IPv6Address) and not all(map(is_public, _embedded_ipv4(address))):
        return False
    special = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not special


async def resolve_public(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses a host resolves to (a literal address is itself), in the resolver's order.

    Raises:
        UnsafeUrlError: any address is not public (unless `allow_private`); one bad answer is enough,
            as a client may pick any of them.
        OSError: the name does not resolve (socket.gaierror).
    """
    answers = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise socket.gaierror(f"{host} resolves to no address")
    if allow_private:
        return addresses
    if not all(is_public(ipaddress.ip_address(address)) for address in addresses):
        raise UnsafeUrlError(_not_public(host))
    return addresses


def _not_public(host: str) -> str:
    # Names no address: a caller must not learn what an internal name resolves to.
    return f"{host} does not resolve to public internet addresses only: {_PUBLIC_ONLY}."


async def check_url_resolves(url: str, *, allow_private: bool) -> str | None:
    """What is wrong with a new endpoint's URL, syntax or addresses, as a message; None if nothing.

    With `allow_private` the host is not looked up at all: every address is allowed.
    """
    problem = check_url(url, allow_private=allow_private)
    if problem is not None or allow_private:
        return problem
    target = target_of(url)
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            await resolve_public(target.host, target.port, allow_private=False)
    except UnsafeUrlError as error:
        return str(error)
    except (TimeoutError, OSError):
        # The same answer as for a private address: which names resolve is not told either.
        return _not_public(target.host)
    return None
