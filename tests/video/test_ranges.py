"""Signed file URLs serve HTTP Range requests so players can seek (acceptance 4): bytes=0-99 is 206 with exactly
those 100 bytes and a correct Content-Range, open-ended and suffix ranges work, a range outside the file is a 416
problem naming the size; clips and WebM are served with video content types."""

from __future__ import annotations

import os
import uuid

import pytest
from fastapi import FastAPI

from api.core.storage import LocalStorage
from tests.helpers import Browser, assert_problem


@pytest.fixture
async def clip(app: FastAPI) -> tuple[str, bytes]:
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    data = os.urandom(5000)
    key = f"org/{uuid.uuid4()}/assets/{uuid.uuid4()}/original.mp4"
    await storage.put(key, data, content_type="video/mp4")
    return storage.signed_url(key, 600), data


async def test_a_range_of_the_first_100_bytes_is_206_with_those_bytes(
    anonymous: Browser, clip: tuple[str, bytes]
) -> None:
    url, data = clip
    response = await anonymous.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.content == data[:100]
    assert response.headers["content-range"] == "bytes 0-99/5000"
    assert response.headers["content-length"] == "100"
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"


async def test_open_ended_and_suffix_ranges(anonymous: Browser, clip: tuple[str, bytes]) -> None:
    url, data = clip
    tail = await anonymous.get(url, headers={"Range": "bytes=4000-"})
    assert (tail.status_code, tail.headers["content-range"]) == (206, "bytes 4000-4999/5000")
    assert tail.content == data[4000:]
    suffix = await anonymous.get(url, headers={"Range": "bytes=-300"})
    assert (suffix.status_code, suffix.headers["content-range"]) == (206, "bytes 4700-4999/5000")
    assert suffix.content == data[-300:]
    beyond = await anonymous.get(url, headers={"Range": "bytes=4990-9999"})
    assert (beyond.status_code, beyond.content) == (206, data[4990:])
    whole = await anonymous.get(url)
    assert (whole.status_code, whole.content) == (200, data)


@pytest.mark.parametrize(
    "header", ["bytes=5000-", "bytes=6000-7000", "bytes=100-50", "bytes=-0", "items=0-5", "bytes=x-"]
)
async def test_a_range_outside_the_file_is_416(anonymous: Browser, clip: tuple[str, bytes], header: str) -> None:
    url, _ = clip
    response = await anonymous.get(url, headers={"Range": header})
    body = assert_problem(response, 416, "range_not_satisfiable")
    assert response.headers["content-range"] == "bytes */5000"
    assert "5000 bytes" in body["detail"]


async def test_a_range_needs_a_valid_signature_first(anonymous: Browser, clip: tuple[str, bytes]) -> None:
    url, _ = clip
    forged = url.replace("signature=", "signature=0")
    assert_problem(await anonymous.get(forged, headers={"Range": "bytes=0-99"}), 403, "invalid_signature")


async def test_webm_is_served_as_video(app: FastAPI, anonymous: Browser) -> None:
    storage = app.state.storage
    key = f"org/{uuid.uuid4()}/assets/{uuid.uuid4()}/preview.webm"
    await storage.put(key, b"\x1a\x45\xdf\xa3webm", content_type="video/webm")
    response = await anonymous.get(storage.signed_url(key, 600))
    assert response.headers["content-type"] == "video/webm"
    assert "media-src 'self'" in response.headers["content-security-policy"]
