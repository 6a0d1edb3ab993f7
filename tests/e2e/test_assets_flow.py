"""Acceptance 7: a merchant with a connected (sandbox) Shopify store and a few generated images filters the Assets
page, selects three images, approves them, publishes them and watches them turn Synced, then crops one in the editor
and sees the new revision (real SPA, real API, arq workers on the store and image queues, headless Chromium)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from playwright.async_api import expect

from sandbox.shopify import ShopifySandbox
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

IMAGES = 4
PICKED = 3


async def _api(page, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The API as the signed-in browser calls it (its session cookie and CSRF token)."""
    cookies = {cookie["name"]: cookie["value"] for cookie in await page.context.cookies()}
    response = await page.request.fetch(
        f"/api/v1{path}",
        method=method,
        headers={"X-CSRF-Token": cookies.get("epox_csrf", ""), "Content-Type": "application/json"},
        data=json.dumps(body) if body is not None else None,
    )
    assert response.ok, f"{method} {path}: {response.status} {await response.text()}"
    return await response.json()


async def _until(page, path: str, done) -> Any:
    """Reads `path` twice a second until `done(body)` (a job the workers run), for at most three minutes."""
    for _ in range(360):
        body = await _api(page, "GET", path)
        if done(body):
            return body
        await asyncio.sleep(0.5)
    raise AssertionError(f"{path} did not finish: {body}")


async def _connect_and_import(page, shop: str) -> dict[str, Any]:
    """The store connected through its real OAuth redirects, and one of its products imported by the worker."""
    await page.goto("/store")
    form = page.get_by_role("form", name="Connect Shopify")
    await form.get_by_label("Shop address").fill(shop)
    await form.get_by_role("button", name="Continue to Shopify").click()
    await page.locator(".store-notice").get_by_text("Store connected").wait_for()
    store = (await _api(page, "GET", "/stores"))["items"][0]
    remote = (await _api(page, "GET", f"/stores/{store['id']}/remote-products?limit=5"))["items"][0]
    job = await _api(page, "POST", f"/stores/{store['id']}/imports", {"external_ids": [remote["external_id"]]})
    await _until(page, f"/jobs/{job['id']}", lambda body: body["status"] == "succeeded")
    products = (await _api(page, "GET", "/products?source=imported"))["items"]
    assert [product["name"] for product in products] == [remote["title"]]
    return products[0]


async def test_filter_select_approve_publish_and_crop(
    page, live_server: str, e2e_shopify: ShopifySandbox, sync_worker, image_worker
) -> None:
    shop = f"assets-{uuid.uuid4().hex[:8]}.myshopify.com"
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Lea Marchetti")
    await page.get_by_label("Work email").fill(unique_email("assets"))
    await page.get_by_label("Password").fill("teak benches on a terrace")
    await page.get_by_label("Workspace name (optional)").fill("Marchetti Casa")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()

    product = await _connect_and_import(page, shop)
    legacy_id = int(product["external_id"].rsplit("/", 1)[1])
    media_before = len(e2e_shopify.product_media(shop, legacy_id))
    started = await _api(page, "POST", "/generations", {"product_ids": [product["id"]], "variants": IMAGES})
    await _until(
        page, f"/generations/{started['job']['id']}", lambda body: body["job"]["status"] in ("succeeded", "failed")
    )

    # Filter: the product's images (the filter lives in the address bar).
    await page.get_by_role("navigation").get_by_role("link", name="Assets", exact=True).click()
    grid = page.get_by_role("list", name="Assets")
    await grid.get_by_role("listitem").first.wait_for()
    await page.get_by_role("combobox", name="Product").select_option(label=product["name"])
    await page.wait_for_url(f"**/assets?product={product['id']}")
    await expect(grid.get_by_role("listitem")).to_have_count(IMAGES)
    await expect(grid.get_by_text("To review")).to_have_count(IMAGES)

    # Select three: a click, then a shift-click on the third selects the range.
    boxes = grid.get_by_role("checkbox")
    await boxes.nth(0).click()
    await boxes.nth(PICKED - 1).click(modifiers=["Shift"])
    bar = page.get_by_role("region", name="Selected assets")
    await bar.get_by_text(f"{PICKED} selected").wait_for()
    for index in range(PICKED):
        await expect(boxes.nth(index)).to_be_checked()
    await expect(boxes.nth(PICKED)).not_to_be_checked()

    # Approve, then publish: each batch reports what it did, per asset.
    await bar.get_by_role("button", name="Approve").click()
    await page.get_by_text(f"{PICKED} images approved").wait_for()
    await expect(grid.get_by_text("Approved", exact=True)).to_have_count(PICKED)
    await bar.get_by_role("button", name="Publish").click()
    await page.get_by_text(f"{PICKED} images queued for publishing").wait_for()
    await page.screenshot(path=screenshot_path("assets-publishing"))

    # The sync worker puts them on the store's product; the page follows them to Synced.
    await expect(grid.get_by_text("Synced", exact=True)).to_have_count(PICKED, timeout=120_000)
    await expect(grid.get_by_text("Not published", exact=True)).to_have_count(IMAGES - PICKED)
    media = e2e_shopify.product_media(shop, legacy_id)
    assert len(media) == media_before + PICKED
    assert all(item.status == "READY" for item in media)
    await page.screenshot(path=screenshot_path("assets-synced"))

    # The Store page's sync history lists them as published to the shop.
    await page.get_by_role("navigation").get_by_role("link", name="Store", exact=True).click()
    history = page.get_by_role("region", name="Sync history")
    published = history.get_by_role("region", name="Published")
    await expect(published.get_by_role("listitem")).to_have_count(PICKED)
    await expect(published.get_by_text(f"{product['name']} · publish to {shop}")).to_have_count(PICKED)
    await history.screenshot(path=screenshot_path("store-sync-history"))
    await page.go_back()

    # The list view shows the same state side by side.
    await page.get_by_role("group", name="View").get_by_role("button", name="List").click()
    table = page.get_by_role("table", name="Assets")
    await expect(table.get_by_text("Synced", exact=True)).to_have_count(PICKED)
    await page.screenshot(path=screenshot_path("assets-list"))
    await page.get_by_role("group", name="View").get_by_role("button", name="Grid").click()

    # Crop one in the editor: a 4:5 preset, applied as a new revision.
    await grid.get_by_role("button", name="Open", exact=False).first.click()
    preview = page.get_by_role("dialog", name=product["name"])
    await preview.get_by_role("button", name="Edit", exact=True).click()
    editor = page.get_by_role("dialog", name="Edit image")
    await editor.get_by_role("group", name="Aspect ratio").get_by_role("button", name="4:5").click()
    width = int(await editor.get_by_label("Width").input_value())
    height = int(await editor.get_by_label("Height").input_value())
    assert abs(width / height - 0.8) < 0.01
    await page.screenshot(path=screenshot_path("editor-crop"))
    await editor.get_by_role("button", name="Apply crop").click()
    await editor.get_by_text(f"Saved as a new revision: Crop {width} \u00d7 {height}.").wait_for()
    await editor.get_by_role("button", name="Done").click()

    # The preview opens on the new revision, listed after the original.
    revisions = page.get_by_role("dialog", name=product["name"]).get_by_role("region", name="Revision history")
    current = revisions.locator("[aria-current='true']")
    await current.get_by_text(f"Crop {width} \u00d7 {height}").wait_for()
    await revisions.get_by_text("Original").wait_for()
    await page.screenshot(path=screenshot_path("assets-revision"))
