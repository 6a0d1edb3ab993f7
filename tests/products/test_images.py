"""Product images: upload and URL import, cleaned originals and WebP previews behind signed URLs, reorder,
primary, delete (files included), keys that never come from a file name."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from PIL import Image

from api.core.storage import LocalStorage
from tests.fixtures.servers import connection_recorder, http_server, redirect, serve_bytes
from tests.helpers import Browser, assert_problem, make_browser, signup
from tests.products.images import jpeg_with_metadata, photo


async def _product(client: Browser, name: str = "Oak side table") -> dict[str, Any]:
    response = await client.post("/products", json={"name": name})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _upload(
    client: Browser, product_id: str, data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"
) -> dict[str, Any]:
    response = await client.post(f"/products/{product_id}/images", files={"file": (filename, data, content_type)})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _key(signed_url: str) -> str:
    return urlsplit(signed_url).path.removeprefix("/api/v1/files/")


async def _download(client: Browser, url: str) -> bytes:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.content


async def test_upload_stores_a_clean_oriented_original_and_a_webp_preview(browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    image = await _upload(browser, product["id"], jpeg_with_metadata(40, 20, orientation=6))
    assert image["is_primary"] is True
    assert image["position"] == 0
    assert (image["width"], image["height"]) == (20, 40), "EXIF orientation applied"
    assert image["content_type"] == "image/jpeg"

    response = await browser.get(image["original_url"])
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    original = Image.open(io.BytesIO(response.content))
    assert original.size == (20, 40)
    assert not original.getexif(), "EXIF (orientation, camera, GPS) is gone"
    assert "comment" not in original.info
    assert b"SpyCam" not in response.content
    assert b"12 Rue X" not in response.content

    preview = Image.open(io.BytesIO(await _download(browser, image["preview_url"])))
    assert preview.format == "WEBP"
    assert preview.size == (20, 40)

    listed = (await browser.get(f"/products/{product['id']}")).json()
    assert [i["id"] for i in listed["images"]] == [image["id"]]


@pytest.mark.parametrize(
    ("data", "content_type", "stored_type"),
    [
        (photo(30, 30, "PNG"), "image/png", "image/png"),
        (photo(30, 30, "WEBP"), "image/webp", "image/webp"),
        (photo(30, 30, "GIF", mode="P"), "image/gif", "image/png"),
        (photo(30, 30, "AVIF"), "image/avif", "image/webp"),
    ],
    ids=["png", "webp", "gif", "avif"],
)
async def test_formats_are_kept_or_converted(
    browser: Browser, data: bytes, content_type: str, stored_type: str
) -> None:
    await signup(browser)
    product = await _product(browser)
    # The declared type and name are ignored: the bytes decide.
    image = await _upload(browser, product["id"], data, "whatever.bin", "application/octet-stream")
    assert image["content_type"] == stored_type
    stored = Image.open(io.BytesIO(await _download(browser, image["original_url"])))
    assert Image.MIME[stored.format or ""] == stored_type


async def test_large_images_get_a_1024px_preview(browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    big = io.BytesIO()
    Image.linear_gradient("L").resize((2400, 1200)).convert("RGB").save(big, "PNG")
    image = await _upload(browser, product["id"], big.getvalue(), "big.png")
    assert (image["width"], image["height"]) == (2400, 1200)
    preview = Image.open(io.BytesIO(await _download(browser, image["preview_url"])))
    assert preview.size == (1024, 512)


async def test_reorder_and_primary(browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    first, second, third = [await _upload(browser, product["id"], photo(20 + i, 20)) for i in range(3)]
    assert [first["is_primary"], second["is_primary"], third["is_primary"]] == [True, False, False]

    moved = await browser.patch(f"/products/{product['id']}/images/{third['id']}", json={"position": 0})
    assert moved.status_code == 200
    assert moved.json()["position"] == 0
    images = (await browser.get(f"/products/{product['id']}")).json()["images"]
    assert [i["id"] for i in images] == [third["id"], first["id"], second["id"]]
    assert [i["position"] for i in images] == [0, 1, 2]

    far = await browser.patch(f"/products/{product['id']}/images/{third['id']}", json={"position": 99})
    assert far.json()["position"] == 2, "positions past the end move to the end"

    primary = await browser.patch(f"/products/{product['id']}/images/{second['id']}", json={"is_primary": True})
    assert primary.json()["is_primary"] is True
    images = (await browser.get(f"/products/{product['id']}")).json()["images"]
    assert [i["id"] for i in images if i["is_primary"]] == [second["id"]]
    body = assert_problem(
        await browser.patch(f"/products/{product['id']}/images/{second['id']}", json={"is_primary": False}), 422
    )
    assert body["errors"][0]["field"] == "is_primary"
    assert_problem(await browser.patch(f"/products/{product['id']}/images/{second['id']}", json={"position": -1}), 422)


async def test_delete_removes_the_stored_files_and_promotes_the_next_primary(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    first = await _upload(browser, product["id"], photo(30, 20))
    second = await _upload(browser, product["id"], photo(20, 30))
    storage = app.state.storage
    keys = [_key(first["original_url"]), _key(first["preview_url"])]
    assert all([await storage.exists(k) for k in keys])

    assert (await browser.delete(f"/products/{product['id']}/images/{first['id']}")).status_code == 204
    assert not any([await storage.exists(k) for k in keys])
    assert_problem(await browser.get(first["preview_url"]), 404, "file_not_found")
    images = (await browser.get(f"/products/{product['id']}")).json()["images"]
    assert [(i["id"], i["position"], i["is_primary"]) for i in images] == [(second["id"], 0, True)]
    assert_problem(await browser.delete(f"/products/{product['id']}/images/{first['id']}"), 404)


async def test_image_count_is_capped(browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.products.service.MAX_IMAGES_PER_PRODUCT", 2)
    await signup(browser)
    product = await _product(browser)
    for _ in range(2):
        await _upload(browser, product["id"], photo())
    response = await browser.post(f"/products/{product['id']}/images", files={"file": ("x.jpg", photo(), "image/jpeg")})
    assert_problem(response, 409, "too_many_images")


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/passwd.jpg",
        "..\\..\\windows\\evil.jpg",
        "/abs/olute.jpg",
        "a/../../b.jpg",
        "x\x00.jpg",
        "%2e%2e%2fx.jpg",
    ],
)
async def test_file_names_never_reach_storage_keys(app: FastAPI, browser: Browser, filename: str) -> None:
    created = await signup(browser)
    product = await _product(browser)
    image = await _upload(browser, product["id"], photo(), filename)
    org = created["organization"]["id"]
    base = f"org/{org}/products/{product['id']}/{image['id']}"
    assert _key(image["original_url"]) == f"{base}/original.jpg"
    assert _key(image["preview_url"]) == f"{base}/preview.webp"
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    stored = sorted(p.relative_to(storage.root).as_posix() for p in storage.root.rglob("*") if p.is_file())
    assert f"{base}/original.jpg" in stored
    assert all(s.startswith("org/") for s in stored)
    assert not (storage.root.parent / "etc").exists()


async def test_signed_urls_refuse_tampering_and_expiry(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    one = await _upload(browser, product["id"], photo())
    two = await _upload(browser, product["id"], photo(40, 40))
    parts = urlsplit(one["preview_url"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path
    origin = f"{parts.scheme}://{parts.netloc}"

    def url(path: str = path, **changes: str) -> str:
        params = {**query, **changes}
        return f"{origin}{path}?" + "&".join(f"{k}={v}" for k, v in params.items())

    assert (await browser.get(url())).status_code == 200
    assert_problem(await browser.get(url(signature="0" * 64)), 403, "invalid_signature")
    assert_problem(await browser.get(url(signature=query["signature"][:-1])), 403, "invalid_signature")
    assert_problem(await browser.get(url(expires=str(int(query["expires"]) + 3600))), 403, "invalid_signature")
    assert_problem(await browser.get(url(path=urlsplit(two["preview_url"]).path)), 403, "invalid_signature")
    assert_problem(await browser.get(origin + path), 403, "invalid_signature")
    for traversal in ("/api/v1/files/../../etc/passwd", "/api/v1/files/%2e%2e/%2e%2e/etc/passwd"):
        assert (await browser.get(url(path=traversal))).status_code in {403, 404}

    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    key = _key(one["preview_url"])
    past = int(time.time()) - 10
    expired = f"{origin}{path}?expires={past}&signature={storage._signature(key, past)}"
    assert_problem(await browser.get(expired), 403, "signed_url_expired")

    # Signed links work without a session: they are how <img> tags load.
    async with make_browser(app) as anonymous:
        assert (await anonymous.get(one["preview_url"])).status_code == 200


async def test_import_from_an_allowlisted_url(app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    await signup(browser)
    product = await _product(browser)
    with connection_recorder() as listener, http_server({}) as server:
        server.routes.update(
            {
                "/catalog/lamp.png": serve_bytes(photo(50, 60, "PNG"), "image/png"),
                "/catalog/page": serve_bytes(b"<html></html>", "text/html"),
                "/catalog/escape": redirect(f"http://127.0.0.1:{listener.port}/"),
                "/catalog/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            }
        )
        settings = app.state.settings
        monkeypatch.setattr(settings, "fetch_allowed_prefixes", [f"{server.base}/catalog/"])

        response = await browser.post(
            f"/products/{product['id']}/images", json={"url": f"{server.base}/catalog/lamp.png"}
        )
        assert response.status_code == 201, response.text
        image = response.json()
        assert image["source_url"] == f"{server.base}/catalog/lamp.png"
        assert (image["width"], image["height"]) == (50, 60)
        assert image["content_type"] == "image/png"

        # The same through a form: multipart (what the web app sends) and urlencoded.
        response = await browser.post(
            f"/products/{product['id']}/images", files={"url": (None, f"{server.base}/catalog/lamp.png")}
        )
        assert response.status_code == 201, response.text
        response = await browser.post(
            f"/products/{product['id']}/images", data={"url": f"{server.base}/catalog/lamp.png"}
        )
        assert response.status_code == 201, response.text

        assert_problem(
            await browser.post(f"/products/{product['id']}/images", json={"url": f"{server.base}/catalog/page"}),
            422,
            "url_not_allowed",
        )
        for path in ("/catalog/escape", "/catalog/metadata"):
            response = await browser.post(f"/products/{product['id']}/images", json={"url": f"{server.base}{path}"})
            assert_problem(response, 422, "url_not_allowed")
        for url in (f"http://127.0.0.1:{listener.port}/x.jpg", "http://169.254.169.254/", "file:///etc/passwd"):
            response = await browser.post(f"/products/{product['id']}/images", json={"url": url})
            assert_problem(response, 422, "url_not_allowed")
        assert listener.accepted == []
    assert len((await browser.get(f"/products/{product['id']}")).json()["images"]) == 3


async def test_bad_image_requests(browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser)
    url = f"/products/{product['id']}/images"
    assert_problem(await browser.post(url, json={}), 422)
    assert_problem(await browser.post(url, json={"url": "http://x", "extra": 1}), 422)
    assert_problem(await browser.post(url, content=b"not json", headers={"content-type": "application/json"}), 422)
    assert_problem(await browser.post(url, data={"other": "x"}, files={"nope": ("a", b"b", "text/plain")}), 422)
    assert_problem(await browser.post(url, files={"file": ("empty.jpg", b"", "image/jpeg")}), 422)
    too_long = {"url": (None, "https://example.com/" + "x" * 3000)}
    assert assert_problem(await browser.post(url, files=too_long), 422)["errors"][0]["field"] == "url"
    missing = "/products/00000000-0000-7000-8000-000000000000/images"
    assert_problem(await browser.post(missing, files={"file": ("a.jpg", photo(), "image/jpeg")}), 404)


def test_storage_root_is_the_test_data_dir(app: FastAPI, tmp_path_factory: pytest.TempPathFactory) -> None:
    storage = app.state.storage
    assert isinstance(storage, LocalStorage)
    assert Path(tmp_path_factory.getbasetemp()) in storage.root.parents


async def test_an_upload_retried_with_its_idempotency_key_stores_one_image(browser: Browser) -> None:
    """A retry of the same upload comes with a new multipart boundary; it is still the same request."""
    await signup(browser)
    product = await _product(browser)
    data, headers = photo(), {"Idempotency-Key": "upload-photo-1"}
    responses = [
        await browser.post(
            f"/products/{product['id']}/images", files={"file": ("photo.jpg", data, "image/jpeg")}, headers=headers
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[1].headers["Idempotent-Replayed"] == "true"
    assert responses[1].json()["id"] == responses[0].json()["id"]
    assert len((await browser.get(f"/products/{product['id']}")).json()["images"]) == 1

    different = await browser.post(
        f"/products/{product['id']}/images",
        files={"file": ("photo.jpg", photo(80, 60), "image/jpeg")},
        headers=headers,
    )
    assert_problem(different, 409, "idempotency_key_reused")
