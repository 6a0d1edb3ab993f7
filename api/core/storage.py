"""File storage behind one interface: the local filesystem (default) or an S3-compatible bucket.

Keys are built by the server only (`product_image_key`), from ids, never from a file name or anything else a
client sent; `validate_key` refuses anything outside that alphabet, so even a bug upstream cannot reach outside
the storage root. Clients never get a key's bytes from an API response, only a time-limited signed URL:

- local: `/api/v1/files/<key>?expires=<unix>&signature=<hmac>`, HMAC-SHA256 with the app's secret key, checked
  by the public route in `api/media/router.py`;
- S3: a SigV4 presigned GET URL (query-string auth), signed here with the bucket's own keys.

Expiry times are rounded up to a window (`URL_WINDOW_SECONDS`), so the same image keeps the same URL for a few
minutes: browsers can cache it and a list that is refetched does not reload every thumbnail.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlencode

import httpx
from fastapi import Request

from api.core.config import Settings
from api.core.errors import EpoxError, NotFound, PermissionDenied
from api.core.time import utc_now

URL_WINDOW_SECONDS = 300
FILES_ROUTE = "/api/v1/files/"
_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)*$")
_MAX_KEY_LENGTH = 512
ImageVariant = Literal["original", "preview"]


class StoredFileNotFound(NotFound):
    code, title = "file_not_found", "File not found"


class InvalidSignature(PermissionDenied):
    code, title = "invalid_signature", "The link is not valid"


class SignedUrlExpired(PermissionDenied):
    code, title = "signed_url_expired", "The link has expired"


class StorageUnavailable(EpoxError):
    status, code, title = 503, "storage_unavailable", "File storage is unavailable"


def validate_key(key: str) -> str:
    """Keys are lowercase ASCII path segments; no `..`, no leading `/`, no backslashes, nothing else."""
    if len(key) > _MAX_KEY_LENGTH or not _KEY.fullmatch(key) or any(p in {".", ".."} for p in key.split("/")):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def product_image_key(
    organization_id: uuid.UUID, product_id: uuid.UUID, image_id: uuid.UUID, variant: ImageVariant, extension: str
) -> str:
    """`org/<org>/products/<product>/<image>/original.<ext>` or `.../preview.webp`: ids and a fixed suffix only."""
    if extension not in {"jpg", "png", "webp"}:
        raise ValueError(f"unexpected extension {extension!r}")
    return validate_key(f"org/{organization_id}/products/{product_id}/{image_id}/{variant}.{extension}")


def asset_key(organization_id: uuid.UUID, asset_id: uuid.UUID, variant: ImageVariant, extension: str) -> str:
    """`org/<org>/assets/<asset>/original.<ext>` or `.../preview.webp`: ids and a fixed suffix only."""
    if extension not in {"jpg", "png", "webp", "mp4"}:
        raise ValueError(f"unexpected extension {extension!r}")
    return validate_key(f"org/{organization_id}/assets/{asset_id}/{variant}.{extension}")


def _expiry(now: float, ttl: int) -> int:
    return (int(now + ttl) // URL_WINDOW_SECONDS + 1) * URL_WINDOW_SECONDS


class Storage(ABC):
    @abstractmethod
    async def put(self, key: str, data: bytes, *, content_type: str) -> None: ...

    @abstractmethod
    async def get(self, key: str) -> bytes:
        """The object's bytes; `StoredFileNotFound` when there is none."""

    @abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove the object; removing a missing one is not an error (deletes are retried)."""

    @abstractmethod
    def signed_url(self, key: str, ttl: int) -> str:
        """A URL that serves the object to whoever holds it, for at least `ttl` seconds."""

    async def aclose(self) -> None:
        return None


class LocalStorage(Storage):
    """Files under `root`; served by the API's signed `/files/` route."""

    def __init__(self, root: Path, secret: bytes, public_url: str) -> None:
        self.root = root.resolve()
        self.secret = hashlib.sha256(b"epox-storage-url\x00" + secret).digest()  # a key for this purpose only
        self.public_url = public_url.rstrip("/")

    def path_for(self, key: str) -> Path:
        path = (self.root / validate_key(key)).resolve()
        if not path.is_relative_to(self.root):  # belt and braces: validate_key already rules this out
            raise ValueError(f"key escapes the storage root: {key!r}")
        return path

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path_for(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        # Write then rename, so a reader never sees half a file and a crash leaves no truncated object.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise StoredFileNotFound() from exc

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_for(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_for(key).unlink, missing_ok=True)

    def _signature(self, key: str, expires: int) -> str:
        return hmac.new(self.secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def signed_url(self, key: str, ttl: int) -> str:
        expires = _expiry(time.time(), ttl)
        query = urlencode({"expires": expires, "signature": self._signature(validate_key(key), expires)})
        return f"{self.public_url}{FILES_ROUTE}{key}?{query}"

    def verify(self, key: str, expires: int, signature: str, *, now: float | None = None) -> Path:
        """The file a signed URL names, after checking its signature (first) and expiry."""
        try:
            validate_key(key)
        except ValueError as exc:
            raise InvalidSignature() from exc
        if not hmac.compare_digest(self._signature(key, expires), signature.lower()):
            raise InvalidSignature()
        if expires < (time.time() if now is None else now):
            raise SignedUrlExpired("This link has expired. Reload the page to get a fresh one.")
        path = self.path_for(key)
        if not path.is_file():
            raise StoredFileNotFound()
        return path


# S3: AWS Signature Version 4, written out here (about sixty lines) rather than pulling in boto3 and its
# dependencies for four calls. `tests/core/test_storage.py` checks it against AWS's published example and
# against botocore's signer.

SIGV4 = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
S3_MAX_EXPIRES = 7 * 24 * 3600  # the longest a SigV4 presigned URL may live


def _uri_encode(value: str, *, safe: str) -> str:
    return quote(value, safe=safe)  # quote leaves A-Z a-z 0-9 - _ . ~ alone, as SigV4 requires


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _host(url: httpx.URL) -> str:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.host if url.port in (None, default) else f"{url.host}:{url.port}"


def sigv4_sign(
    method: str,
    url: str,
    *,
    region: str,
    access_key: str,
    secret_key: str,
    now: datetime,
    headers: dict[str, str] | None = None,
    payload_hash: str = UNSIGNED_PAYLOAD,
    expires: int | None = None,
    service: str = "s3",
) -> tuple[str, dict[str, str]]:
    """Sign a request: with `expires`, a presigned URL (query-string auth, only `host` signed); otherwise the
    headers to send (`Authorization`, `x-amz-date`, `x-amz-content-sha256`). Returns (url, headers)."""
    parsed = httpx.URL(url)
    amz_date = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    signed: dict[str, str] = {k.lower(): " ".join(v.strip().split()) for k, v in (headers or {}).items()}
    signed["host"] = _host(parsed)
    query = [(k, v) for k, v in httpx.QueryParams(parsed.query.decode()).multi_items()]
    if expires is None:
        signed["x-amz-date"] = amz_date
        signed["x-amz-content-sha256"] = payload_hash
    else:
        payload_hash = UNSIGNED_PAYLOAD
        signed = {"host": signed["host"]}
    names = ";".join(sorted(signed))
    if expires is not None:
        query += [
            ("X-Amz-Algorithm", SIGV4),
            ("X-Amz-Credential", f"{access_key}/{scope}"),
            ("X-Amz-Date", amz_date),
            ("X-Amz-Expires", str(expires)),
            ("X-Amz-SignedHeaders", names),
        ]
    canonical_query = "&".join(f"{_uri_encode(k, safe='~')}={_uri_encode(v, safe='~')}" for k, v in sorted(query))
    canonical_request = "\n".join(
        [
            method.upper(),
            _uri_encode(parsed.path or "/", safe="/~"),
            canonical_query,
            "".join(f"{name}:{signed[name]}\n" for name in sorted(signed)),
            names,
            payload_hash,
        ]
    )
    to_sign = "\n".join([SIGV4, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
    signature = hmac.new(
        _signing_key(secret_key, amz_date[:8], region, service), to_sign.encode(), hashlib.sha256
    ).hexdigest()
    base = str(parsed.copy_with(query=None))
    if expires is not None:
        return f"{base}?{canonical_query}&X-Amz-Signature={signature}", {}
    out = {k: v for k, v in signed.items() if k != "host"}
    out["authorization"] = f"{SIGV4} Credential={access_key}/{scope}, SignedHeaders={names}, Signature={signature}"
    return (f"{base}?{canonical_query}" if canonical_query else base), out


class S3Storage(Storage):
    """An S3-compatible bucket (AWS S3, MinIO, R2, ...), path-style addressing: `<endpoint>/<bucket>/<key>`."""

    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        region: str,
        access_key: str,
        secret_key: str,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.bucket = bucket
        self.region = region
        self.access_key = access_key
        self.secret_key = secret_key
        # trust_env=False: credentials-bearing requests never take a proxy from the environment.
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0), trust_env=False)

    def _url(self, key: str | None = None) -> str:
        return f"{self.endpoint_url}/{self.bucket}" + (f"/{validate_key(key)}" if key is not None else "")

    async def _send(
        self, method: str, url: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        signed_url, signed = sigv4_sign(
            method,
            url,
            region=self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
            now=utc_now(),
            headers=headers,
            payload_hash=hashlib.sha256(body).hexdigest(),
        )
        try:
            return await self.client.request(method, signed_url, content=body, headers={**(headers or {}), **signed})
        except httpx.HTTPError as exc:
            raise StorageUnavailable() from exc

    @staticmethod
    def _check(response: httpx.Response, *ok: int) -> None:
        if response.status_code not in ok:
            raise StorageUnavailable(f"The object store answered {response.status_code}.")

    async def ensure_bucket(self) -> None:
        """Create the bucket when it is missing (local emulators; a real bucket is made by the operator)."""
        response = await self._send("HEAD", self._url())
        if response.status_code == 404:
            self._check(await self._send("PUT", self._url()), 200)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        self._check(await self._send("PUT", self._url(key), body=data, headers={"content-type": content_type}), 200)

    async def get(self, key: str) -> bytes:
        response = await self._send("GET", self._url(key))
        if response.status_code == 404:
            raise StoredFileNotFound()
        self._check(response, 200)
        return response.content

    async def exists(self, key: str) -> bool:
        response = await self._send("HEAD", self._url(key))
        if response.status_code == 404:
            return False
        self._check(response, 200)
        return True

    async def delete(self, key: str) -> None:
        self._check(await self._send("DELETE", self._url(key)), 200, 204, 404)

    def signed_url(self, key: str, ttl: int) -> str:
        # The signing time is the start of the current window and the lifetime covers ttl past its end, so the
        # URL is stable within a window and always valid for at least ttl seconds.
        now = time.time()
        start = int(now) // URL_WINDOW_SECONDS * URL_WINDOW_SECONDS
        url, _ = sigv4_sign(
            "GET",
            self._url(key),
            region=self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
            now=datetime.fromtimestamp(start, UTC),
            expires=min(_expiry(now, ttl) - start, S3_MAX_EXPIRES),
        )
        return url

    async def aclose(self) -> None:
        await self.client.aclose()


def create_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        # Settings refuse to load without these, so the asserts only narrow the types.
        assert settings.s3_endpoint_url is not None
        assert settings.s3_bucket is not None
        assert settings.s3_access_key_id is not None
        assert settings.s3_secret_access_key is not None
        return S3Storage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            access_key=settings.s3_access_key_id,
            secret_key=settings.s3_secret_access_key.get_secret_value(),
        )
    return LocalStorage(
        settings.resolved_storage_root, settings.secret_key.get_secret_value().encode(), settings.public_url
    )


def get_storage(request: Request) -> Storage:
    """The app's storage (opened in the lifespan), as a route dependency."""
    storage: Storage = request.app.state.storage
    return storage
