"""Storage: server-built keys only, local files behind HMAC-signed expiring URLs, and the S3 backend's SigV4
signing (AWS's published examples, botocore as a second opinion) against a local S3 emulator (moto)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from api.core.storage import (
    URL_WINDOW_SECONDS,
    InvalidSignature,
    LocalStorage,
    S3Storage,
    SignedUrlExpired,
    StoredFileNotFound,
    product_image_key,
    sigv4_sign,
    validate_key,
)
from tests.helpers import free_port

AWS_ACCESS = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "org/../../etc/passwd",
        "/etc/passwd",
        "org/./x",
        "org//x",
        "org\\..\\x",
        "org/x/",
        "ORG/x",
        "org/x y",
        "org/%2e%2e/x",
        "org/\x00/x",
        "",
        "a" * 600,
    ],
)
def test_keys_outside_the_alphabet_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        validate_key(key)


def test_image_keys_are_built_from_ids_only() -> None:
    org, product, image = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    key = product_image_key(org, product, image, "original", "jpg")
    assert key == f"org/{org}/products/{product}/{image}/original.jpg"
    with pytest.raises(ValueError, match="unexpected extension"):
        product_image_key(org, product, image, "original", "html")


async def test_local_signed_urls_verify_and_expire(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path, b"secret", "http://testserver")
    key = product_image_key(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "preview", "webp")
    await storage.put(key, b"RIFF....WEBP", content_type="image/webp")
    assert await storage.exists(key)
    url = storage.signed_url(key, 600)
    parts = urlsplit(url)
    assert parts.path == f"/api/v1/files/{key}"
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    expires = int(query["expires"])
    assert time.time() + 600 <= expires <= time.time() + 600 + URL_WINDOW_SECONDS + 1
    assert storage.signed_url(key, 600) == url, "stable within a window, so browsers can cache it"
    assert storage.verify(key, expires, query["signature"]).read_bytes() == b"RIFF....WEBP"

    other = product_image_key(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "preview", "webp")
    with pytest.raises(InvalidSignature):
        storage.verify(other, expires, query["signature"])  # a signature is for one key
    with pytest.raises(InvalidSignature):
        storage.verify(key, expires + 1, query["signature"])  # and one expiry
    with pytest.raises(InvalidSignature):
        storage.verify("../../etc/passwd", expires, query["signature"])
    with pytest.raises(SignedUrlExpired):
        storage.verify(key, expires, query["signature"], now=expires + 1)
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    with pytest.raises(StoredFileNotFound):
        storage.verify(key, expires, query["signature"])
    with pytest.raises(StoredFileNotFound):
        await storage.get(key)


def test_sigv4_matches_the_aws_documentation_examples() -> None:
    """docs.aws.amazon.com, "Authenticating Requests: Using Query Parameters" and "...: Using the Authorization
    Header" (GET Object example): the same inputs must give the published signatures."""
    now = datetime(2013, 5, 24, tzinfo=UTC)
    url, _ = sigv4_sign(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        region="us-east-1",
        access_key=AWS_ACCESS,
        secret_key=AWS_SECRET,
        now=now,
        expires=86400,
    )
    assert url.endswith("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    _, headers = sigv4_sign(
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        region="us-east-1",
        access_key=AWS_ACCESS,
        secret_key=AWS_SECRET,
        now=now,
        headers={"Range": "bytes=0-9"},
        payload_hash="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    )
    assert headers["authorization"].endswith(
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_sigv4_presigned_urls_match_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.auth
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    now = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)
    url = "http://127.0.0.1:9000/epox-media/org/0193/products/ab/cd/original.jpg"
    ours, _ = sigv4_sign(
        "GET", url, region="eu-west-3", access_key=AWS_ACCESS, secret_key=AWS_SECRET, now=now, expires=3900
    )
    request = AWSRequest(method="GET", url=url)
    signer = S3SigV4QueryAuth(Credentials(AWS_ACCESS, AWS_SECRET), "s3", "eu-west-3", expires=3900)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: now.replace(tzinfo=None))
    signer.add_auth(request)
    assert parse_qs(urlsplit(ours).query) == parse_qs(urlsplit(request.url).query)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 emulator on a free loopback port."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
async def s3(s3_endpoint: str) -> AsyncIterator[S3Storage]:
    storage = S3Storage(
        endpoint_url=s3_endpoint,
        bucket=f"epox-{uuid.uuid4().hex[:8]}",
        region="us-east-1",
        access_key=AWS_ACCESS,
        secret_key=AWS_SECRET,
    )
    await storage.ensure_bucket()
    yield storage
    await storage.aclose()


async def test_s3_put_get_signed_url_delete(s3: S3Storage) -> None:
    key = product_image_key(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "original", "png")
    await s3.put(key, b"\x89PNG\r\n\x1a\nbytes", content_type="image/png")
    assert await s3.exists(key)
    assert await s3.get(key) == b"\x89PNG\r\n\x1a\nbytes"

    url = s3.signed_url(key, 600)
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert int(query["X-Amz-Expires"][0]) >= 600
    assert s3.signed_url(key, 600) == url, "stable within a window"
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
        assert response.status_code == 200
        assert response.content == b"\x89PNG\r\n\x1a\nbytes"
        assert response.headers["content-type"] == "image/png"

    await s3.delete(key)
    await s3.delete(key)
    assert not await s3.exists(key)
    with pytest.raises(StoredFileNotFound):
        await s3.get(key)
