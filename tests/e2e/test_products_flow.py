"""A merchant creates a product, uploads a photo to it, drops another photo to make a second product, and sees
both with their pictures in the catalog grid (real SPA, real API, headless Chromium)."""

from __future__ import annotations

from pathlib import Path

from api import demo_images
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email


async def _sign_up(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Noor Interiors")
    await page.get_by_label("Work email").fill(unique_email("catalog"))
    await page.get_by_label("Password").fill("linen curtains at dusk")
    await page.get_by_label("Workspace name (optional)").fill("Noor Home")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()


async def test_create_product_upload_photo_and_see_it_in_the_grid(page, tmp_path: Path) -> None:
    lamp = tmp_path / "brass-floor-lamp.png"
    lamp.write_bytes(demo_images.product_shot(demo_images.lamp))
    armchair = tmp_path / "mustard_armchair.png"
    armchair.write_bytes(demo_images.product_shot(demo_images.armchair))

    await _sign_up(page)
    await page.get_by_role("navigation").get_by_role("link", name="Products", exact=True).click()
    await page.get_by_text("No products yet").wait_for()
    await page.get_by_role("meter", name="Product slots").wait_for()

    # By hand: details first, then a photo on the product's page.
    await page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog", name="New product")
    await dialog.get_by_label("Name").fill("Brass floor lamp")
    await dialog.get_by_label("Price").fill("189.00")
    await dialog.get_by_role("button", name="Create product").click()
    await page.get_by_role("heading", name="Brass floor lamp").wait_for()
    await page.get_by_label("Add photos").set_input_files(str(lamp))
    photo = page.get_by_role("img", name="Brass floor lamp, photo 1")
    await photo.wait_for()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle())
    await page.get_by_text("Primary").first.wait_for()
    await page.screenshot(path=screenshot_path("product-detail"), full_page=True)

    # Dropped photos become products named after their files.
    await page.get_by_role("link", name="Products").first.click()
    await page.get_by_label("Drop product photos here").set_input_files(str(armchair))
    uploads = page.get_by_role("list", name="Uploads")
    await uploads.get_by_text("Done").wait_for()

    grid = page.get_by_role("list", name="Products")
    for name in ("Brass floor lamp", "Mustard armchair"):
        await grid.get_by_role("link", name=name).wait_for()
    images = grid.locator("img")
    assert await images.count() == 2
    for index in range(2):
        handle = await images.nth(index).element_handle()
        await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    assert "2 of 25 used" in await page.locator(".slot-meter").inner_text()
    await page.screenshot(path=screenshot_path("products-grid"), full_page=True)

    await page.get_by_role("button", name="Table").click()
    table = page.get_by_role("table", name="Products")
    await table.get_by_text("$189.00").wait_for()


async def test_categories_are_managed_and_assigned_with_a_primary(page) -> None:
    await _sign_up(page)
    await page.goto("/products/categories")
    form = page.get_by_role("form", name="New category")
    for name in ("Lighting", "Living room"):
        await form.get_by_label("Name").fill(name)
        await form.get_by_role("button", name="Add category").click()
        await page.get_by_role("table", name="Categories").get_by_text(name, exact=True).wait_for()
    await page.get_by_role("button", name="Edit Living room").click()
    dialog = page.get_by_role("dialog", name="Edit Living room")
    await dialog.get_by_label("Parent").select_option(label="Lighting")
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="hidden")
    await page.screenshot(path=screenshot_path("categories"), full_page=True)

    await page.goto("/products")
    await page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog", name="New product")
    await dialog.get_by_label("Name").fill("Arc floor lamp")
    await dialog.get_by_role("checkbox", name="Living room").check()
    await dialog.get_by_role("checkbox", name="Lighting").check()
    await dialog.get_by_role("radio", name="Primary category: Lighting").check()
    await dialog.get_by_role("button", name="Create product").click()
    await page.get_by_role("heading", name="Arc floor lamp").wait_for()
    details = page.get_by_role("form", name="Product details")
    assert await details.get_by_role("radio", name="Primary category: Lighting").is_checked()
    await page.goto("/products")
    await page.get_by_role("list", name="Products").get_by_text("Lighting · 0 images").wait_for()
