"""The one way the server downloads a URL someone gave it (image imports, store media): SSRF-safe.

Every hop (the URL, then each redirect) is checked before any connection is made:
- http or https only, no credentials in the URL;
- the host is resolved here, once, and every address it resolves to must be public: loopback, private,
  link-local (169.254.169.254 and the other cloud metadata endpoints), CGNAT, multicast, reserved and
  documentation ranges are refused, in IPv4 and IPv6, including IPv4 hidden inside IPv6 (mapped, NAT64, 6to4)
  and numeric hosts in decimal, octal or hex (`2130706433`, `0177.0.0.1`, `0x7f.1`), which are decoded the way
  the C resolver would and checked as the address they really are;
- the connection goes to the address that was checked (the URL is rewritten to the IP, the `Host` header and
  TLS SNI/certificate check keep the real name), so a second DNS answer (rebinding) can never be used;
- redirects are followed by hand, at most `max_redirects`, each one re-checked from the start;
- the body is streamed and abandoned as soon as it passes `max_bytes`; the whole exchange, DNS included, has
  one deadline; the response's content type must be one the caller accepts.

Local sandbox emulators (Shopify/WooCommerce fakes on loopback) can be reached only through
`Settings.fetch_allowed_prefixes`, exact URL prefixes, which `Settings.fetch_allowlist` drops in production.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

import certifi
import httpx

from api.core.config import Settings
from api.core.errors import EpoxError

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "EpoxFetcher/1.0 (+https://epox.app)"

# Not covered by `is_global` on every Python version, or public on paper but never a place to fetch from.
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "100.64.0.0/10",  # CGNAT (Alibaba's metadata service lives at 100.100.100.200)
        "168.63.129.16/32",  # Azure's wire server / metadata
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/3",  # multicast and the old class E, up to the broadcast address
        "fd00:ec2::254/128",  # AWS metadata over IPv6 (also ULA, refused anyway)
        "2001::/32",  # Teredo: tunnels to an IPv4 address we cannot check
        "ff00::/8",  # IPv6 multicast
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class UrlNotAllowed(EpoxError):
    status, code, title = 422, "url_not_allowed", "This URL cannot be fetched"


class FetchFailed(EpoxError):
    status, code, title = 422, "fetch_failed", "The URL could not be downloaded"


class FetchTimedOut(EpoxError):
    status, code, title = 422, "fetch_timeout", "The download took too long"


class FetchTooLarge(EpoxError):
    status, code, title = 413, "fetch_too_large", "The download is too large"


FETCH_ERRORS = (UrlNotAllowed, FetchFailed, FetchTimedOut, FetchTooLarge)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    body: bytes
    status: int = 200
    headers: httpx.Headers = field(default_factory=httpx.Headers)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    allowed_prefixes: tuple[str, ...] = ()
    timeout: float = 20.0
    max_redirects: int = 3
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        return cls(
            allowed_prefixes=settings.fetch_allowlist,
            timeout=settings.fetch_timeout_seconds,
            max_redirects=settings.fetch_max_redirects,
        )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, NAT64, 6to4, or the deprecated compatible form)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if int(address) >> 32 == 0 and int(address) > 1:  # ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def is_public_address(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if any(address in network for network in _BLOCKED_NETWORKS if network.version == address.version):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a host names if it is numeric in any form the C resolver accepts, else None (a DNS name)."""
    candidate = host.strip("[]")
    try:
        return ipaddress.ip_address(candidate.split("%", 1)[0] if ":" in candidate else candidate)
    except ValueError:
        pass
    labels = candidate.split(".")
    if candidate and all(label and (label.isdigit() or label.lower().startswith("0x")) for label in labels):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(candidate))  # 2130706433, 0177.0.0.1, 0x7f.1, 127.1
        except OSError:
            raise UrlNotAllowed("The URL's host is not a valid address.") from None
    return None


@dataclass(frozen=True)
class _Hop:
    url: httpx.URL
    host: str
    port: int
    address: str  # the vetted IP to connect to


def _allowlisted(url: httpx.URL, prefixes: Sequence[str]) -> bool:
    for prefix in prefixes:
        allowed = httpx.URL(prefix)
        if (
            url.scheme == allowed.scheme
            and url.host == allowed.host
            and url.port == allowed.port
            and url.path.startswith(allowed.path or "/")
            and not {".", ".."} & set(url.path.split("/"))  # `%2e%2e` survives URL parsing as `..`
        ):
            return True
    return False


async def _vet(url: httpx.URL, policy: FetchPolicy) -> _Hop:
    if url.scheme not in {"http", "https"}:
        raise UrlNotAllowed("Only http and https URLs can be fetched.")
    if url.userinfo:
        raise UrlNotAllowed("URLs with a user name or password cannot be fetched.")
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS, SNI and the Host header want it
    if not host:
        raise UrlNotAllowed("The URL has no host.")
    port = url.port or (443 if url.scheme == "https" else 80)
    allowlisted = _allowlisted(url, policy.allowed_prefixes)
    literal = parse_ip_host(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        if host.endswith(".") or "%" in host:
            raise UrlNotAllowed("The URL's host is not valid.")
        try:
            addresses = await policy.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchFailed(f"The host {host} could not be found.") from exc
        if not addresses:
            raise FetchFailed(f"The host {host} could not be found.")
    parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    # Every answer must be public, not just the first: a mixed answer is how rebinding attacks start.
    if not allowlisted and not all(is_public_address(a) for a in parsed):
        raise UrlNotAllowed("The URL points to a private or reserved network address.")
    return _Hop(url=url, host=host, port=port, address=str(parsed[0]))


def _pinned_request(client: httpx.AsyncClient, hop: _Hop, call: _Call) -> httpx.Request:
    default_port = 443 if hop.url.scheme == "https" else 80
    host_header = f"[{hop.host}]" if ":" in hop.host else hop.host
    if hop.port != default_port:
        host_header += f":{hop.port}"
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity", **call.headers}
    return client.build_request(
        call.method,
        hop.url.copy_with(host=hop.address, port=hop.port),
        headers={**headers, "Host": host_header},
        content=call.content,
        # TLS: SNI and the certificate's name check use the real host, not the IP we connect to.
        extensions={"sni_hostname": hop.host},
    )


def _content_type_ok(content_type: str, accept: Sequence[str]) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return any(media == a or (a.endswith("/") and media.startswith(a)) for a in accept)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle takes ~50 ms, which a client per download would pay every time."""
    return ssl.create_default_context(cafile=certifi.where())


@dataclass(frozen=True)
class _Call:
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    accept: Sequence[str] | None = None  # None: any content type, and any status is returned, not raised


async def _run(url: str, policy: FetchPolicy, max_bytes: int, call: _Call) -> Fetched:
    current = httpx.URL(url)
    timeout = httpx.Timeout(policy.timeout, connect=min(policy.timeout, 10.0))
    # trust_env=False: no proxy or netrc from the environment; redirects are ours to check, never httpx's.
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()
    ) as client:
        for _ in range(policy.max_redirects + 1):
            hop = await _vet(current, policy)
            response = await client.send(_pinned_request(client, hop, call), stream=True)
            try:
                # Only a GET follows redirects: replaying a write (and its credentials) elsewhere is never safe.
                if response.status_code in REDIRECT_STATUSES and call.method == "GET":
                    location = response.headers.get("location")
                    if not location:
                        raise FetchFailed("The server answered with a redirect that goes nowhere.")
                    current = httpx.URL(urljoin(str(current), location))
                    continue
                content_type = response.headers.get("content-type", "")
                if call.accept is not None:
                    if response.status_code != 200:
                        raise FetchFailed(f"The server answered {response.status_code}.")
                    if not _content_type_ok(content_type, call.accept):
                        raise UrlNotAllowed(f"The URL serves {content_type or 'an unknown type'}, not an image.")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchTooLarge(f"The file is larger than {max_bytes // 1_048_576} MB.")
                body = bytearray()
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchTooLarge(f"The file is larger than {max_bytes // 1_048_576} MB.")
                return Fetched(
                    url=str(current),
                    content_type=content_type,
                    body=bytes(body),
                    status=response.status_code,
                    headers=response.headers,
                )
            finally:
                await response.aclose()
    raise FetchFailed(f"The URL redirected more than {policy.max_redirects} times.")


async def _guarded(url: str, policy: FetchPolicy, max_bytes: int, call: _Call) -> Fetched:
    if len(url) > 2048:
        raise UrlNotAllowed("The URL is too long.")
    try:
        async with asyncio.timeout(policy.timeout):
            return await _run(url.strip(), policy, max_bytes, call)
    except TimeoutError as exc:
        raise FetchTimedOut(f"The request did not finish within {policy.timeout:g} seconds.") from exc
    except httpx.TimeoutException as exc:
        raise FetchTimedOut(f"The request did not finish within {policy.timeout:g} seconds.") from exc
    except httpx.InvalidURL as exc:
        raise UrlNotAllowed("This is not a valid URL.") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed("The server could not be reached.") from exc


async def fetch_url(
    url: str, policy: FetchPolicy, *, max_bytes: int, accept: Sequence[str] = ("image/", "application/octet-stream")
) -> Fetched:
    """GET `url` under the rules above. Raises `UrlNotAllowed`, `FetchFailed`, `FetchTimedOut`, `FetchTooLarge`."""
    return await _guarded(url, policy, max_bytes, _Call(accept=accept))


async def request_url(
    method: str,
    url: str,
    policy: FetchPolicy,
    *,
    max_bytes: int,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Fetched:
    """An API call to a server someone else named (a WooCommerce site): the same checks as `fetch_url`, any
    status and content type returned to the caller; only GET follows redirects."""
    return await _guarded(url, policy, max_bytes, _Call(method=method, headers=headers or {}, content=content))
