"""A merchant connects the sandbox Shopify store through the real OAuth redirects, browses its products, imports a
few, watches the import finish, and finds them with their photos in the catalog (real SPA, real API, a real arq
worker on the store queue, headless Chromium)."""

from __future__ import annotations

from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

PICKED = ("Oak Sofa", "Walnut Sofa", "Velvet Sofa", "Linen Sofa")
SHOP = "sandbox-shop.myshopify.com"


async def _sign_up(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Mara Okafor")
    await page.get_by_label("Work email").fill(unique_email("store"))
    await page.get_by_label("Password").fill("walnut shelves in the sun")
    await page.get_by_label("Workspace name (optional)").fill("Okafor Living")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()


async def _images_loaded(page, images) -> None:
    for index in range(await images.count()):
        handle = await images.nth(index).element_handle()
        await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)


async def test_connect_shopify_import_products_and_see_them_in_the_catalog(page, live_server: str, sync_worker) -> None:
    await _sign_up(page)
    await page.get_by_role("navigation").get_by_role("link", name="Store", exact=True).click()

    # Connect: the sandbox's install screen approves at once and sends the browser to the API's callback, which
    # sends it back to the Store page.
    form = page.get_by_role("form", name="Connect Shopify")
    await form.get_by_role("button", name="Use the sandbox shop").click()
    assert await form.get_by_label("Shop address").input_value() == SHOP
    await page.screenshot(path=screenshot_path("store-connect"), full_page=True)
    await form.get_by_role("button", name="Continue to Shopify").click()
    notice = page.locator(".store-notice")
    await notice.get_by_text("Store connected").wait_for()
    assert f"{SHOP} is connected" in await notice.inner_text()
    await page.wait_for_url(f"{live_server}/store")  # the callback's query is gone from the address bar
    connections = page.get_by_role("list", name="Connected stores")
    await connections.get_by_text(SHOP, exact=True).wait_for()
    await connections.get_by_text("Connected", exact=True).wait_for()

    # Browse the store's products (thumbnails come from the store) and pick a few.
    catalog = page.get_by_role("table", name=f"Products in {SHOP}")
    for title in PICKED:
        await catalog.get_by_role("checkbox", name=f"Select {title}", exact=True).check()
    await _images_loaded(page, catalog.locator("tbody tr").first.locator("img"))
    await page.get_by_text(f"{len(PICKED)} selected").wait_for()
    await page.get_by_role("button", name=f"Import selected ({len(PICKED)})").click()

    # The worker imports them; the page follows the job to its result.
    result = page.locator(".import-result")
    await result.get_by_text("Import finished").wait_for(timeout=60_000)
    summary = await result.inner_text()
    assert f"{len(PICKED)} products imported ({len(PICKED)} new)" in summary, summary
    assert f"{3 * len(PICKED)} photos added" in summary, summary
    for title in PICKED:
        row = catalog.locator("tr", has=page.get_by_text(title, exact=True))
        await row.get_by_role("link", name="Imported").wait_for()
    await connections.get_by_text("Not yet").wait_for(state="detached")  # the last import time shows up
    # The app header and sidebar stay put while the page scrolls: screenshots of the viewport, not the full page.
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=screenshot_path("store-imported"))
    await catalog.locator("tbody tr").nth(8).scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("store-catalog"))

    # The catalog shows the imported products with their photos.
    await result.get_by_role("link", name="View products").click()
    await page.wait_for_url("**/products?source=imported")
    grid = page.get_by_role("list", name="Products")
    for title in PICKED:
        await grid.get_by_role("link", name=title).wait_for()
    images = grid.locator("img")
    assert await images.count() == len(PICKED)
    await _images_loaded(page, images)
    assert f"{len(PICKED)} of " in await page.locator(".slot-meter").inner_text()
    await page.screenshot(path=screenshot_path("store-products-grid"), full_page=True)
