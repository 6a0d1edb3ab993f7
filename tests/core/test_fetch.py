"""The SSRF-safe fetcher (design/reliability.md, API and web): the corpus is refused before any connection is
made, redirects are re-checked hop by hop, the connection goes to the address that was checked, and huge or
slow bodies are cut off."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from api.core.config import Settings
from api.core.fetch import (
    FetchFailed,
    FetchPolicy,
    FetchTimedOut,
    FetchTooLarge,
    UrlNotAllowed,
    fetch_url,
    is_public_address,
    parse_ip_host,
)
from tests.fixtures.servers import (
    ConnectionRecorder,
    connection_recorder,
    endless_body,
    http_server,
    redirect,
    serve_bytes,
    slow_body,
)

MB = 1_048_576


@pytest.fixture
def listener() -> Iterator[ConnectionRecorder]:
    with connection_recorder() as recorder:
        yield recorder


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the fetcher's HTTP client sends (none may be sent for a refused URL)."""
    sent: list[str] = []
    original = httpx.AsyncClient.send

    async def recording_send(self: httpx.AsyncClient, request: httpx.Request, **kwargs: object) -> httpx.Response:
        sent.append(str(request.url))
        return await original(self, request, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(httpx.AsyncClient, "send", recording_send)
    return sent


def ssrf_corpus(port: int) -> list[str]:
    """Loopback in every spelling (aimed at the recording listener's port), then the private, link-local,
    metadata and reserved ranges, then schemes and forms that are never fetched."""
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://2130706433:{port}/",  # decimal
        f"http://0177.0.0.1:{port}/",  # octal
        f"http://0x7f.0.0.1:{port}/",  # hex
        f"http://0x7f000001:{port}/",
        f"http://127.1:{port}/",  # short form
        f"http://017700000001:{port}/",  # octal, one number
        f"http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped IPv6
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[::1]:{port}/",
        f"http://[0:0:0:0:0:0:0:1]:{port}/",
        f"http://[::127.0.0.1]:{port}/",  # IPv4-compatible IPv6
        f"http://[64:ff9b::7f00:1]:{port}/",  # NAT64
        f"http://[2002:7f00:1::]:{port}/",  # 6to4
        f"http://0.0.0.0:{port}/",
        f"http://0:{port}/",
        f"http://127.0.0.2:{port}/",
        f"https://127.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://2852039166/latest/meta-data/",  # 169.254.169.254 in decimal
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal./computeMetadata/v1/",
        "http://100.100.100.200/latest/meta-data/",  # Alibaba, in CGNAT
        "http://168.63.129.16/metadata/",  # Azure
        "http://10.0.0.1/",
        "http://10.255.255.254/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://198.18.0.1/",
        "http://192.0.0.8/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",  # Teredo
        f"http://user:pass@127.0.0.1:{port}/",
        f"http://example.com@127.0.0.1:{port}/",
        f"ftp://127.0.0.1:{port}/",
        "file:///etc/passwd",
        f"gopher://127.0.0.1:{port}/_GET",
        f"dict://127.0.0.1:{port}/",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "//127.0.0.1/",
        "not a url",
        "",
    ]


async def test_ssrf_corpus_is_refused_without_any_connection(listener: ConnectionRecorder, sends: list[str]) -> None:
    policy = FetchPolicy(timeout=2)
    for url in ssrf_corpus(listener.port):
        with pytest.raises(UrlNotAllowed):
            await fetch_url(url, policy, max_bytes=MB)
    assert sends == [], "the fetcher sent a request for a refused URL"
    assert listener.accepted == [], "the fetcher connected to loopback"


async def test_names_that_resolve_to_private_addresses_are_refused(sends: list[str]) -> None:
    answers = {
        "internal.example.test": ["10.0.0.5"],
        "meta.example.test": ["169.254.169.254"],
        "mapped.example.test": ["::ffff:127.0.0.1"],
        # One public and one private answer: refused, or a second lookup could pick the private one.
        "rebind.example.test": ["93.184.215.14", "127.0.0.1"],
    }
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return answers[host]

    policy = FetchPolicy(timeout=2, resolver=resolver)
    for host in answers:
        with pytest.raises(UrlNotAllowed):
            await fetch_url(f"http://{host}/photo.jpg", policy, max_bytes=MB)
    assert sends == []
    assert lookups == list(answers)


def test_address_classification() -> None:
    import ipaddress

    public = ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"]
    private = ["127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1"]
    assert all(is_public_address(ipaddress.ip_address(a)) for a in public)
    assert not any(is_public_address(ipaddress.ip_address(a)) for a in private)
    assert str(parse_ip_host("2130706433")) == "127.0.0.1"
    assert str(parse_ip_host("0177.0.0.1")) == "127.0.0.1"
    assert str(parse_ip_host("0x7f.1")) == "127.0.0.1"
    assert parse_ip_host("images.example.com") is None


async def test_redirects_to_internal_hosts_are_refused(listener: ConnectionRecorder) -> None:
    targets = {
        "/to-loopback": f"http://127.0.0.1:{listener.port}/",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/iam/",
        "/to-decimal": f"http://2130706433:{listener.port}/",
        "/to-mapped": f"http://[::ffff:127.0.0.1]:{listener.port}/",
        "/to-file": "file:///etc/passwd",
    }
    with http_server({path: redirect(location) for path, location in targets.items()}) as server:
        # Only this server's /allowed/ prefix is on the allowlist, like a sandbox emulator's.
        policy = FetchPolicy(timeout=3, allowed_prefixes=(f"{server.base}/",))
        for path in targets:
            with pytest.raises(UrlNotAllowed):
                await fetch_url(f"{server.base}{path}", policy, max_bytes=MB)
    assert listener.accepted == []


async def test_the_allowlist_is_an_exact_prefix(listener: ConnectionRecorder) -> None:
    with http_server({"/sandbox/ok.jpg": serve_bytes(b"\xff\xd8\xffimage"), "/secret": serve_bytes(b"s")}) as server:
        policy = FetchPolicy(timeout=3, allowed_prefixes=(f"{server.base}/sandbox/",))
        fetched = await fetch_url(f"{server.base}/sandbox/ok.jpg", policy, max_bytes=MB)
        assert fetched.body == b"\xff\xd8\xffimage"
        for url in (
            f"{server.base}/secret",
            f"{server.base}/sandbox/../secret",
            f"{server.base}/sandbox/%2e%2e/secret",
            f"http://localhost:{server.port}/sandbox/ok.jpg",  # same server, another name: not the prefix
            f"http://127.0.0.1:{listener.port}/sandbox/ok.jpg",
        ):
            with pytest.raises(UrlNotAllowed):
                await fetch_url(url, policy, max_bytes=MB)
        assert [path for path, _ in server.requests] == ["/sandbox/ok.jpg"]
    assert listener.accepted == []


def test_the_allowlist_is_ignored_in_production() -> None:
    prefixes = ["http://127.0.0.1:9000/"]
    assert Settings(env="local", fetch_allowed_prefixes=prefixes).fetch_allowlist == ("http://127.0.0.1:9000/",)
    production = Settings(env="production", secret_key="x" * 40, fetch_allowed_prefixes=prefixes)
    assert production.fetch_allowlist == ()


async def test_redirect_chains_are_capped() -> None:
    with http_server({}) as server:
        server.routes.update({f"/r{i}": redirect(f"{server.base}/r{i + 1}") for i in range(6)})
        server.routes["/r6"] = serve_bytes(b"\xff\xd8\xff")
        policy = FetchPolicy(timeout=3, max_redirects=3, allowed_prefixes=(f"{server.base}/",))
        assert (await fetch_url(f"{server.base}/r3", policy, max_bytes=MB)).body == b"\xff\xd8\xff"
        with pytest.raises(FetchFailed, match="redirected more than 3 times"):
            await fetch_url(f"{server.base}/r0", policy, max_bytes=MB)


async def test_connection_goes_to_the_vetted_address_with_the_real_host_header() -> None:
    """The name is resolved once, by us; the request goes to that IP and still says which site it wants."""
    lookups: list[str] = []
    with http_server({"/photo.jpg": serve_bytes(b"\xff\xd8\xffpinned")}) as server:

        async def resolver(host: str, port: int) -> list[str]:
            lookups.append(host)
            return ["127.0.0.1"]  # images.example.test exists nowhere else: only the pinned IP can work

        url = f"http://images.example.test:{server.port}/photo.jpg"
        policy = FetchPolicy(
            timeout=3, resolver=resolver, allowed_prefixes=(f"http://images.example.test:{server.port}/",)
        )
        fetched = await fetch_url(url, policy, max_bytes=MB)
        assert fetched.body == b"\xff\xd8\xffpinned"
        assert server.requests == [("/photo.jpg", f"images.example.test:{server.port}")]
    assert lookups == ["images.example.test"]


async def test_huge_bodies_are_cut_off_at_the_cap() -> None:
    with http_server({"/endless": endless_body(), "/declared": endless_body(declare_length=500 * MB)}) as server:
        policy = FetchPolicy(timeout=10, allowed_prefixes=(f"{server.base}/",))
        for path in ("/endless", "/declared"):
            started = time.monotonic()
            with pytest.raises(FetchTooLarge):
                await fetch_url(f"{server.base}{path}", policy, max_bytes=2 * MB)
            assert time.monotonic() - started < 2


async def test_slow_bodies_hit_the_time_cap() -> None:
    with http_server({"/slow": slow_body(0.3)}) as server:
        policy = FetchPolicy(timeout=1.0, allowed_prefixes=(f"{server.base}/",))
        started = time.monotonic()
        with pytest.raises(FetchTimedOut):
            await fetch_url(f"{server.base}/slow", policy, max_bytes=MB)
        assert time.monotonic() - started < 1.5


async def test_only_image_content_types_are_accepted() -> None:
    with http_server(
        {"/page": serve_bytes(b"<html></html>", "text/html"), "/err": lambda h: h.send_error(500)}
    ) as server:
        policy = FetchPolicy(timeout=3, allowed_prefixes=(f"{server.base}/",))
        with pytest.raises(UrlNotAllowed, match="text/html"):
            await fetch_url(f"{server.base}/page", policy, max_bytes=MB, accept=("image/",))
        with pytest.raises(FetchFailed, match="500"):
            await fetch_url(f"{server.base}/err", policy, max_bytes=MB)
