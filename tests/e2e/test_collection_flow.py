"""A merchant drops two product photos, gathers both products in a collection with one shared look in the Studio,
sees what generating it will cost, generates, watches each product's status turn to delivered and sees its images
(real SPA, real API, a real arq worker on the image queue running the built-in local provider, headless Chromium)."""

from __future__ import annotations

from pathlib import Path

from api import demo_images
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email


async def _sign_up(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Mara Collections")
    await page.get_by_label("Work email").fill(unique_email("collection"))
    await page.get_by_label("Password").fill("two chairs and a lamp")
    await page.get_by_label("Workspace name (optional)").fill("Mara Home")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()


async def _loaded(page, image) -> None:
    await image.wait_for()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())


async def test_generate_a_collection_and_watch_each_product(page, image_worker, tmp_path: Path) -> None:
    armchair = tmp_path / "oak_armchair.png"
    armchair.write_bytes(demo_images.product_shot(demo_images.armchair))
    lamp = tmp_path / "brass_floor_lamp.png"
    lamp.write_bytes(demo_images.product_shot(demo_images.lamp))

    await _sign_up(page)
    # Two photos dropped: two products, named after their files.
    await page.get_by_role("navigation").get_by_role("link", name="Products", exact=True).click()
    await page.get_by_label("Drop product photos here").set_input_files([str(armchair), str(lamp)])
    uploads = page.get_by_role("list", name="Uploads")
    await uploads.get_by_text("Done").nth(1).wait_for(timeout=30_000)

    # The Studio's Collections tab: none yet.
    await page.get_by_role("navigation").get_by_role("link", name="Studio", exact=True).click()
    await page.get_by_role("navigation", name="Studio").get_by_role("link", name="Collections").click()
    await page.get_by_text("No collections yet").wait_for()
    await page.get_by_role("link", name="New collection").first.click()
    await page.get_by_role("heading", name="New collection").wait_for()

    # Name, both products, one look for both.
    await page.get_by_label("Name", exact=True).fill("Autumn living room")
    picker = page.get_by_role("list", name="Products to add")
    for name in ("Oak armchair", "Brass floor lamp"):
        await picker.get_by_role("checkbox", name=name).check()
    chosen = page.get_by_role("list", name="Chosen products")
    await chosen.get_by_text("Brass floor lamp").wait_for()
    assert await chosen.get_by_role("listitem").count() == 2
    look = page.locator("section.card", has=page.get_by_role("heading", name="Shared look"))
    await look.get_by_role("group", name="Scene type").get_by_text("Living room", exact=True).click()
    await look.get_by_role("group", name="Style").get_by_role("button", name="Scandinavian").click()
    await look.get_by_role("group", name="Lighting").get_by_role("button", name="Golden hour").click()
    await page.screenshot(path=screenshot_path("collection-editor"), full_page=True)
    await page.get_by_role("button", name="Create collection").click()

    # The collection: both products, not generated yet, and what generating will cost.
    await page.get_by_role("heading", name="Autumn living room").wait_for()
    products = page.get_by_role("list", name="Products in this collection")
    names = ("Oak armchair", "Brass floor lamp")
    rows = {name: products.get_by_role("listitem", name=name, exact=True) for name in names}
    for row in rows.values():
        await row.get_by_text("Not generated yet.").wait_for()
        # Each product's photo, from one lookup of the collection's products (GET /products?id=…&id=…).
        await _loaded(page, row.locator(".thumb img"))
    side = page.get_by_role("complementary", name="Generate")
    cost = side.locator(".cost-line")
    await cost.get_by_text("This will use 2 credits").wait_for()
    assert "you have 10" in await cost.inner_text()
    await page.screenshot(path=screenshot_path("collection-detail"), full_page=True)

    # Generate: each product goes from queued or generating to delivered, with its image.
    await side.get_by_role("button", name="Generate 2 images").click()
    summary = page.get_by_role("region", name="Run progress")
    await summary.wait_for()
    for name, row in rows.items():
        await row.locator(".badge", has_text="Delivered").wait_for(timeout=90_000)
        images = row.get_by_role("list", name=f"Images of {name}")
        await _loaded(page, images.get_by_role("img", name="Generated image 1"))
        assert "1 image delivered" in await row.inner_text()
    await summary.get_by_text("2 images delivered · 2 credits used").wait_for(timeout=30_000)
    await cost.get_by_text("you have 8").wait_for(timeout=30_000)
    await page.screenshot(path=screenshot_path("collection-generated"), full_page=True)

    # An image opens large, with the product it shows.
    await rows["Oak armchair"].get_by_role("button", name="Image 1 of 1: ready. Open it").click()
    lightbox = page.get_by_role("dialog", name="Oak armchair")
    await _loaded(page, lightbox.get_by_role("img", name="Oak armchair, generated"))
    await page.keyboard.press("Escape")
    await lightbox.wait_for(state="hidden")

    # The list says how the last run went.
    await page.locator(".breadcrumb").get_by_role("link", name="Collections").click()
    table = page.get_by_role("table", name="Collections")
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name="Autumn living room"))
    await row.get_by_text("Delivered").wait_for()
    assert "2 images" in await row.inner_text()
