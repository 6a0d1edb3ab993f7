"""A merchant adds a product with a photo, opens it in the Studio, sets a scene, sees what it will cost, generates,
watches the image arrive, and finds it in the results with a before-and-after view (real SPA, real API, a real arq
worker on the image queue running the built-in local provider, headless Chromium)."""

from __future__ import annotations

from pathlib import Path

from api import demo_images
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email


async def _sign_up(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Ines Atelier")
    await page.get_by_label("Work email").fill(unique_email("studio"))
    await page.get_by_label("Password").fill("oak chairs by the window")
    await page.get_by_label("Workspace name (optional)").fill("Atelier Ines")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()


async def _loaded(page, image) -> None:
    await image.wait_for()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())


async def test_generate_an_image_in_the_studio_and_compare_it(page, image_worker, tmp_path: Path) -> None:
    photo = tmp_path / "oak-armchair.png"
    photo.write_bytes(demo_images.product_shot(demo_images.armchair))

    await _sign_up(page)
    await page.goto("/products")
    await page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog", name="New product")
    await dialog.get_by_label("Name").fill("Oak armchair")
    await dialog.get_by_role("button", name="Create product").click()
    await page.get_by_role("heading", name="Oak armchair").wait_for()
    await page.get_by_label("Add photos").set_input_files(str(photo))
    await _loaded(page, page.get_by_role("img", name="Oak armchair, photo 1"))

    # The product page opens the Studio for this product.
    await page.get_by_role("link", name="Open in studio").click()
    await page.get_by_role("heading", name="Studio: Oak armchair").wait_for()
    side = page.get_by_role("complementary", name="Generate")
    cost = side.locator(".cost-line")
    await cost.get_by_text("This will use 1 credit").wait_for()
    assert "you have 10" in await cost.inner_text()
    await page.screenshot(path=screenshot_path("studio-top"))

    # A scene: living room, Scandinavian, golden hour, two palette colors; 4K would cost 2 credits an image.
    await page.get_by_role("group", name="Scene type").get_by_text("Living room", exact=True).click()
    await page.get_by_role("group", name="Style").get_by_role("button", name="Scandinavian").click()
    await page.get_by_role("group", name="Lighting").get_by_role("button", name="Golden hour").click()
    palette = page.get_by_role("group", name="Color palette")
    await palette.get_by_role("button", name="Sage green").click()
    await palette.get_by_role("button", name="Terracotta").click()
    quality = page.get_by_role("group", name="Quality")
    await quality.get_by_text("4K", exact=True).click()
    await cost.get_by_text("This will use 2 credits").wait_for()
    await quality.get_by_text("1K", exact=True).click()
    await page.get_by_role("group", name="Aspect ratio").get_by_text("4:3", exact=True).click()
    await cost.get_by_text("This will use 1 credit").wait_for()
    await page.get_by_label("Prompt").fill("a sunlit corner with a linen throw")
    await page.screenshot(path=screenshot_path("studio-settings"), full_page=True)

    # Generate: the tile shimmers, then turns into the image.
    await side.get_by_role("button", name="Generate 1 image").click()
    progress = page.get_by_role("region", name="Generation progress")
    await progress.wait_for()
    await side.screenshot(path=screenshot_path("studio-progress"))
    tile_image = progress.get_by_role("img", name="Generated image 1")
    await tile_image.wait_for(timeout=90_000)
    await _loaded(page, tile_image)
    await progress.get_by_text("1 image ready · 1 credit used").wait_for(timeout=30_000)

    # The result is in the product's gallery; the balance went down by what was delivered.
    results = page.get_by_role("list", name="Results")
    await results.get_by_role("button").first.wait_for(timeout=30_000)
    assert await results.get_by_role("button").count() == 1
    await _loaded(page, results.locator("img").first)
    await cost.get_by_text("you have 9").wait_for(timeout=30_000)
    await page.screenshot(path=screenshot_path("studio-generated"), full_page=True)

    # The lightbox: before/after with the product photo, and how the image was made.
    await results.get_by_role("button").first.click()
    lightbox = page.get_by_role("dialog", name="Oak armchair")
    await lightbox.get_by_role("slider", name="Compare with the original photo").wait_for()
    await _loaded(page, lightbox.get_by_role("img", name="Oak armchair, generated"))
    await _loaded(page, lightbox.get_by_role("img", name="Oak armchair, original photo"))
    settings = lightbox.get_by_role("list", name="Scene settings")
    await settings.get_by_text("Golden hour").wait_for()
    text = await settings.inner_text()
    assert "Style: Scandinavian — set in the Studio" in text
    assert "Color palette: Sage green — set in the Studio" in text
    details = await lightbox.inner_text()
    assert "Epox Studio" in details
    assert "1 credit" in details
    assert "1024 \u00d7 768" in details  # the multiplication sign
    await page.screenshot(path=screenshot_path("studio-lightbox"))
    await page.keyboard.press("Escape")
    await lightbox.wait_for(state="hidden")

    # The Assets page lists it too, filtered by product.
    await page.get_by_role("navigation").get_by_role("link", name="Assets", exact=True).click()
    assets = page.get_by_role("list", name="Assets")
    await assets.get_by_role("button").first.wait_for()
    await page.get_by_role("combobox", name="Product").select_option(label="Oak armchair")
    await assets.get_by_role("button", name="Open Oak armchair", exact=False).wait_for()
    await page.screenshot(path=screenshot_path("assets-page"), full_page=True)
