"""The upload-bomb corpus (design/reliability.md, API and web): every hostile file is refused with a clear 4xx
in well under a second, before its pixels are decoded, and nothing is stored."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI

from api.core.storage import LocalStorage
from tests.helpers import Browser, assert_problem, signup
from tests.products import images

MB = 1_048_576

# (name, file bytes, file name, declared type, status, code)
CORPUS: list[tuple[str, Callable[[], bytes], str, str, int, str]] = [
    (
        "png-100k-x-100k-ihdr",
        lambda: images.png_header_only(100_000, 100_000),
        "bomb.png",
        "image/png",
        422,
        "image_too_many_pixels",
    ),
    (
        "jpeg-50k-x-50k-tiny-file",
        lambda: images.jpeg_claiming(50_000, 50_000),
        "bomb.jpg",
        "image/jpeg",
        422,
        "image_too_many_pixels",
    ),
    (
        "jpeg-42-megapixels",
        lambda: images.jpeg_claiming(7_000, 6_000),
        "big.jpg",
        "image/jpeg",
        422,
        "image_too_many_pixels",
    ),
    (
        "png-42-megapixels",
        lambda: images.png_header_only(7_000, 6_000),
        "big.png",
        "image/png",
        422,
        "image_too_many_pixels",
    ),
    (
        "gif-65535-square-screen",
        lambda: images.gif_claiming(65_535, 65_535),
        "bomb.gif",
        "image/gif",
        422,
        "image_too_many_pixels",
    ),
    ("truncated-jpeg", images.truncated_jpeg, "half.jpg", "image/jpeg", 422, "invalid_image"),
    ("truncated-png", images.truncated_png, "half.png", "image/png", 422, "invalid_image"),
    (
        "text-named-jpg",
        lambda: b"just some text, honestly\n" * 20,
        "notes.jpg",
        "image/jpeg",
        415,
        "unsupported_image_type",
    ),
    ("svg-with-script", lambda: images.SVG, "logo.svg", "image/svg+xml", 415, "unsupported_image_type"),
    ("svg-named-jpg", lambda: images.SVG, "logo.jpg", "image/jpeg", 415, "unsupported_image_type"),
    ("html-named-png", lambda: images.HTML, "page.png", "image/png", 415, "unsupported_image_type"),
    ("html-jpeg-polyglot", images.html_jpeg_polyglot, "poly.jpg", "image/jpeg", 415, "unsupported_image_type"),
    (
        "jpeg-magic-then-html",
        lambda: b"\xff\xd8\xff\xe0" + images.HTML,
        "magic.jpg",
        "image/jpeg",
        415,
        "unsupported_image_type",
    ),
    ("pdf", lambda: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "sheet.jpg", "image/jpeg", 415, "unsupported_image_type"),
    ("jpeg-header-only", lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "stub.jpg", "image/jpeg", 422, "invalid_image"),
    ("webp-header-only", lambda: b"RIFF\x10\x00\x00\x00WEBPVP8 ", "stub.webp", "image/webp", 422, "invalid_image"),
    ("over-15-mb", lambda: b"\xff\xd8\xff" + b"\0" * (15 * MB + 100), "huge.jpg", "image/jpeg", 413, "image_too_large"),
    (
        "over-the-body-cap",
        lambda: b"\xff\xd8\xff" + b"\0" * (17 * MB),
        "huger.jpg",
        "image/jpeg",
        413,
        "payload_too_large",
    ),
]

TIMINGS: dict[str, float] = {}


@pytest.mark.parametrize(
    ("name", "make", "filename", "content_type", "status", "code"), CORPUS, ids=[c[0] for c in CORPUS]
)
async def test_hostile_upload_is_refused_quickly(
    app: FastAPI,
    browser: Browser,
    name: str,
    make: Callable[[], bytes],
    filename: str,
    content_type: str,
    status: int,
    code: str,
) -> None:
    await signup(browser)
    product = (await browser.post("/products", json={"name": "Target"})).json()
    data = make()
    started = time.perf_counter()
    response = await browser.post(f"/products/{product['id']}/images", files={"file": (filename, data, content_type)})
    elapsed = time.perf_counter() - started
    TIMINGS[name] = elapsed
    print(f"\n[upload-bomb] {name:28} {len(data):>10} bytes -> {response.status_code} in {elapsed * 1000:.1f} ms")
    body = assert_problem(response, status, code)
    assert body["detail"]
    assert elapsed < 1.0, f"{name} took {elapsed:.2f}s"
    assert (await browser.get(f"/products/{product['id']}")).json()["images"] == []
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    org_dir = storage.root / "org"
    assert not any(p.is_file() for p in org_dir.rglob(f"*{product['id']}*")) if org_dir.exists() else True


async def test_the_pixel_cap_is_checked_before_decoding(browser: Browser) -> None:
    """A file that is small on disk but would be 10 gigapixels: refused from its header, no allocation."""
    await signup(browser)
    product = (await browser.post("/products", json={"name": "Target"})).json()
    data = images.png_header_only(100_000, 100_000)
    assert len(data) < 200
    started = time.perf_counter()
    response = await browser.post(f"/products/{product['id']}/images", files={"file": ("b.png", data, "image/png")})
    assert time.perf_counter() - started < 0.5
    assert_problem(response, 422, "image_too_many_pixels")
