"""A merchant adds a product with a photo, opens the Studio's Video tab, animates the photo into a 3 s 720p clip (the
cost line says 5 credits), watches it render, plays it (the player's clock moves), previews and applies a trim, and
sees the new revision; the Assets page's Video filter then lists both clips with their lengths, and its preview
plays them (real SPA, real API, a real arq worker on the video queue running the built-in local renderer, headless
Chromium playing the MP4)."""

from __future__ import annotations

import re
from pathlib import Path

from api import demo_images
from tests.e2e.conftest import screenshot_path
from tests.helpers import unique_email

RENDER_TIMEOUT_MS = 180_000
TIMES = "\u00d7"  # the multiplication sign of "1280 x 720"
DASH = "\u2013"  # the en dash of "Trim 0.5-2.5 s"


async def _sign_up(page) -> None:
    await page.goto("/signup")
    await page.get_by_label("Your name").fill("Ines Atelier")
    await page.get_by_label("Work email").fill(unique_email("video"))
    await page.get_by_label("Password").fill("oak chairs by the window")
    await page.get_by_label("Workspace name (optional)").fill("Atelier Ines")
    await page.get_by_role("button", name="Create account").click()
    await page.get_by_role("heading", name="Welcome", exact=False).wait_for()


async def _loaded(page, image) -> None:
    await image.wait_for()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())


async def _until(page, condition: str, locator, wait_ms: float = 30_000) -> None:
    """Waits until `condition` (a JavaScript function of the element) holds for the element `locator` finds."""
    await page.wait_for_function(condition, arg=await locator.element_handle(), timeout=wait_ms)


async def _clock(scrubber) -> float:
    """Where the player's scrubber says the clip is, in seconds."""
    return float(await scrubber.get_attribute("aria-valuenow") or 0)


async def test_generate_play_and_trim_a_clip(page, video_worker, tmp_path: Path) -> None:
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

    # The Studio's Video tab: pick the product, its primary photo is the still.
    await page.goto("/studio")
    await page.get_by_role("navigation", name="Studio").get_by_role("link", name="Video").click()
    await page.wait_for_url("**/studio/video")
    await page.get_by_role("list", name="Products").get_by_role("button", name=re.compile("^Oak armchair")).click()
    await page.get_by_role("radio", name="Photo 1 (primary)").wait_for()
    side = page.get_by_role("complementary", name="Generate")
    cost = side.locator(".cost-line")
    await cost.get_by_text("This will use 5 credits").wait_for()
    assert "you have 10" in await cost.inner_text()

    # 1080p would cost 8; the clip is 720p, 3 s, 16:9, pushing in.
    resolution = page.get_by_role("group", name="Resolution")
    await resolution.get_by_text("1080p", exact=True).click()
    await cost.get_by_text("This will use 8 credits").wait_for()
    await resolution.get_by_text("720p", exact=True).click()
    await cost.get_by_text("This will use 5 credits").wait_for()
    await page.get_by_role("group", name="Length").get_by_text("3 s", exact=True).click()
    motions = page.get_by_role("group", name="Camera motion")
    assert await motions.get_by_role("radio", name=re.compile("^Push in")).is_checked()
    assert "Push in · 16:9 · 720p · 3 s · 24 fps · 1 clip" in await side.locator(".studio-summary-line").inner_text()
    await page.screenshot(path=screenshot_path("video-studio"), full_page=True)

    # Generate: the tile shimmers while the clip renders, then shows its poster.
    await side.get_by_role("button", name="Generate 1 clip").click()
    progress = page.get_by_role("region", name="Generation progress")
    await progress.wait_for()
    await progress.get_by_text(re.compile("Waiting to start 1 clip|0 of 1 clip ready")).wait_for()
    await side.screenshot(path=screenshot_path("video-progress"))
    tile = progress.get_by_role("img", name="Generated clip 1")
    await tile.wait_for(timeout=RENDER_TIMEOUT_MS)
    await _loaded(page, tile)
    await progress.get_by_text("1 clip ready · 5 credits used").wait_for(timeout=RENDER_TIMEOUT_MS)
    await cost.get_by_text("you have 5").wait_for(timeout=30_000)

    # The clip opens below; Chromium decodes the H.264 MP4 and the player's clock moves while it plays.
    clip = page.get_by_role("region", name="Clip", exact=True)
    player = clip.get_by_role("group", name=re.compile("^Video player: "))
    await player.wait_for(timeout=30_000)
    assert f"3 s · 1280 {TIMES} 720 · 24 fps · H.264 · no sound" in await clip.inner_text()
    video = player.locator("video")
    assert await page.evaluate("() => document.createElement('video').canPlayType('video/mp4; codecs=\"avc1.64001f\"')")
    await _until(page, "v => v.readyState >= 1 && Math.abs(v.duration - 3) < 0.05", video)
    scrubber = player.get_by_role("slider", name="Seek")
    assert await _clock(scrubber) == 0
    await player.get_by_role("button", name="Play").click()
    await _until(page, "v => !v.paused && v.currentTime > 0.5", video, wait_ms=15_000)
    assert await _clock(scrubber) > 0
    await _until(page, "s => Number(s.getAttribute('aria-valuenow')) > 0.5", scrubber, wait_ms=15_000)
    await player.get_by_role("button", name="Pause").click()
    await player.get_by_role("button", name="Play").wait_for()
    paused_at = await _clock(scrubber)
    assert 0.5 < paused_at <= 3.0
    # The keyboard: → moves a second on.
    await player.focus()
    await page.keyboard.press("Home")
    await page.keyboard.press("ArrowRight")
    await _until(page, "v => Math.abs(v.currentTime - 1) < 0.01", video)
    await page.screenshot(path=screenshot_path("video-player"), full_page=True)

    # Trim: keep 0.5 s to 2.5 s, preview that part (it plays and stops at its end), then apply.
    await clip.get_by_role("group", name="Video edits").get_by_role("button", name="Trim").click()
    await clip.get_by_role("group", name=re.compile("^Filmstrip")).wait_for()
    await clip.get_by_label("Start (seconds)").fill("0.5")
    await clip.get_by_label("End (seconds)").fill("2.5")
    await clip.get_by_text("Keeps 2 s, from 0.5 s to 2.5 s, of 3 s.").wait_for()
    assert await clip.get_by_role("slider", name="Trim start").get_attribute("aria-valuenow") == "0.5"
    assert await clip.get_by_role("slider", name="Trim end").get_attribute("aria-valuenow") == "2.5"
    preview = clip.get_by_role("group", name=re.compile(", trim preview$")).locator("video")
    await clip.get_by_role("button", name="Preview the selection").click()
    await _until(page, "v => !v.paused && v.currentTime >= 0.5", preview)
    await _until(page, "v => v.paused && Math.abs(v.currentTime - 2.5) < 0.01", preview, wait_ms=15_000)
    await page.screenshot(path=screenshot_path("video-trim"), full_page=True)
    await clip.get_by_role("button", name="Apply trim").click()
    await clip.get_by_text("Trimmed: this is the new revision.").wait_for(timeout=RENDER_TIMEOUT_MS)

    # The new revision is shown: 2 s long, listed after the original, and it plays.
    assert f"2 s · 1280 {TIMES} 720 · 24 fps · H.264 · no sound" in await clip.inner_text()
    revisions = clip.get_by_role("region", name="Revisions")
    await revisions.get_by_text(f"Trim 0.5{DASH}2.5 s").wait_for()
    assert await revisions.get_by_role("button").count() == 2
    current = revisions.locator("[aria-current='true']")
    assert f"Trim 0.5{DASH}2.5 s" in await current.inner_text()
    trimmed = clip.get_by_role("group", name=re.compile("^Video player: ")).locator("video")
    await _until(page, "v => v.readyState >= 1 && Math.abs(v.duration - 2) < 0.05", trimmed)
    await page.screenshot(path=screenshot_path("video-trimmed"), full_page=True)

    # The Assets page: the Video filter lists both clips, each marked with its length.
    await page.get_by_role("navigation").get_by_role("link", name="Assets", exact=True).click()
    await page.get_by_role("combobox", name="Type").select_option(label="Videos")
    await page.wait_for_url("**/assets?type=video")
    grid = page.get_by_role("list", name="Assets")
    await grid.get_by_role("listitem").nth(1).wait_for()
    assert await grid.get_by_role("listitem").count() == 2
    badges = await grid.locator(".video-badge").all_inner_texts()
    assert sorted(text.replace("Video,", "").strip() for text in badges) == ["0:02", "0:03"]
    await page.screenshot(path=screenshot_path("video-assets"), full_page=True)

    # The preview plays the clip too (the newest first: the trimmed one).
    await grid.get_by_role("button", name=re.compile("^Open ")).first.click()
    preview = page.get_by_role("dialog", name="Oak armchair")
    preview_player = preview.get_by_role("group", name=re.compile("^Video player: "))
    await preview_player.get_by_role("button", name="Play").click()
    await _until(page, "v => !v.paused && v.currentTime > 0.2", preview_player.locator("video"), wait_ms=15_000)
    assert "0:02.0" in await preview_player.get_by_role("slider", name="Seek").get_attribute("aria-valuetext")
    await page.screenshot(path=screenshot_path("video-preview"))
