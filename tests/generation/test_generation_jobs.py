"""Generation jobs pay per delivered image: the hold, one capture per stored asset, releases for failures and
cancels, exactly-once delivery across a killed worker, and clear refusals before anything is held."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI
from PIL import Image, ImageDraw
from sqlalchemy import func, select, text, update

from api.credits.service import CreditLedgerService
from api.generation.providers.base import GeneratedImage, ImageRequest, ProviderRejected, ProviderRetryableError
from api.generation.providers.local import LocalImageProvider
from api.models import Asset, CreditHold, HoldState, Job, JobStatus, ProviderCall
from tests.helpers import Browser, assert_problem, make_browser, signup, worker_ctx
from workers.generation import generate_images
from workers.jobs import reconcile_jobs

TRIAL_CREDITS = 10


def product_photo(color: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A studio shot: a rounded bottle-like shape on a plain white background."""
    image = Image.new("RGB", (320, 320), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((120, 60, 200, 280), radius=30, fill=color)
    draw.rectangle((145, 30, 175, 70), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def _product(client: Browser, name: str, *, photo: bool = True) -> str:
    response = await client.post("/products", json={"name": name})
    assert response.status_code == 201, response.text
    product_id = str(response.json()["id"])
    if photo:
        files = {"file": ("bottle.png", product_photo(), "image/png")}
        uploaded = await client.post(f"/products/{product_id}/images", files=files)
        assert uploaded.status_code == 201, uploaded.text
    return product_id


async def _generate(client: Browser, product_ids: list[str], **body: Any) -> dict[str, Any]:
    response = await client.post("/generations", json={"product_ids": product_ids, **body})
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


async def _balance(client: Browser) -> int:
    return int((await client.get("/credits/balance")).json()["available"])


async def _count(app: FastAPI, model: type, *where: object) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


async def _verify(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        _, differences = await CreditLedgerService(session).verify()
    assert differences == []


def failing_on(positions: set[int], error: Callable[[], Exception]) -> Callable[[Any, ImageRequest], Awaitable[Any]]:
    """The local provider, except that the items at `positions` (by variant/seed order) fail with `error`."""
    real = LocalImageProvider.generate
    seen: list[int] = []

    async def generate(self: Any, request: ImageRequest) -> GeneratedImage:
        seen.append(request.seed)
        if len(seen) - 1 in positions:
            raise error()
        return await real(self, request)

    return generate


async def test_three_products_two_variants_deliver_six_assets_for_six_credits(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    products = [await _product(browser, f"Bottle {i}") for i in range(3)]
    settings = {"scene_type": "living_room", "bubbles": [{"type": "style", "preset": "Modern"}]}
    quote = await browser.post(
        "/generations/quote", json={"product_ids": products, "variants": 2, "settings": settings}
    )
    assert quote.json()["credits"] == 6
    assert quote.json()["available"] == TRIAL_CREDITS
    started = await _generate(browser, products, variants=2, settings=settings)
    assert started["credits_held"] == 6
    assert [item["status"] for item in started["items"]] == ["pending"] * 6
    assert await _balance(browser) == TRIAL_CREDITS - 6, "the quote is held at once"

    await generate_images(worker_ctx(app), started["job"]["id"])

    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["job"]["status"] == "succeeded"
    assert done["job"]["result"] == {"delivered": 6, "failed": 0, "credits_charged": 6}
    assert [item["status"] for item in done["items"]] == ["succeeded"] * 6
    assert await _balance(browser) == TRIAL_CREDITS - 6
    assets = (await browser.get("/assets", params={"job_id": started["job"]["id"]})).json()["items"]
    assert len(assets) == 6
    asset = (await browser.get(f"/assets/{assets[0]['id']}")).json()
    assert (asset["width"], asset["height"]) == (1024, 1024)
    assert asset["provider"] == "local"
    assert asset["credits_charged"] == 1
    assert asset["settings"]["style"] == [{"value": "Modern", "source": "flow", "label": "This request"}]
    assert asset["settings"]["lighting"][0]["source"] == "style_preset"
    assert "Interior style: Modern." in asset["prompt"]
    preview = await browser.get(asset["preview_url"])
    assert preview.status_code == 200
    assert preview.headers["content-type"] == "image/webp"
    assert await _count(app, ProviderCall, ProviderCall.success.is_(True)) == 6
    await _verify(app)


async def test_two_failed_images_of_six_are_released_with_their_reasons(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    products = [await _product(browser, f"Bottle {i}") for i in range(3)]
    monkeypatch.setattr(app.state.settings, "generation_concurrency", 1)  # items in order, so "which" is stable
    monkeypatch.setattr(
        LocalImageProvider, "generate", failing_on({1, 4}, lambda: ProviderRejected("The scene was refused."))
    )
    started = await _generate(browser, products, variants=2)
    await generate_images(worker_ctx(app), started["job"]["id"])

    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    statuses = [item["status"] for item in done["items"]]
    assert statuses == ["succeeded", "failed", "succeeded", "succeeded", "failed", "succeeded"]
    failed = [item for item in done["items"] if item["status"] == "failed"]
    assert {(item["error_code"], item["error_message"]) for item in failed} == {
        ("content_rejected", "The scene was refused.")
    }
    assert done["job"]["result"] == {"delivered": 4, "failed": 2, "credits_charged": 4}
    assert await _balance(browser) == TRIAL_CREDITS - 4
    assert await _count(app, Asset) == 4
    entries = (await browser.get("/credits/entries", params={"limit": 50})).json()["items"]
    assert (
        sorted(e["type"] for e in entries if e["type"] in {"capture", "release"}) == ["capture"] * 4 + ["release"] * 2
    )
    await _verify(app)


async def test_retryable_errors_are_retried_and_then_succeed(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    monkeypatch.setattr(
        LocalImageProvider, "generate", failing_on({0, 1}, lambda: ProviderRetryableError("busy", retry_after=0.01))
    )
    started = await _generate(browser, [product])
    await generate_images(worker_ctx(app), started["job"]["id"])
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert done["items"][0]["status"] == "succeeded"
    assert await _count(app, ProviderCall, ProviderCall.success.is_(False)) == 2
    assert await _balance(browser) == TRIAL_CREDITS - 1


async def test_the_same_request_five_times_with_one_key_is_one_job(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    body = {"product_ids": [product], "variants": 2}
    responses = [
        await browser.post("/generations", json=body, headers={"Idempotency-Key": "studio-click-1"}) for _ in range(5)
    ]
    assert {r.status_code for r in responses} == {202}
    assert len({r.json()["job"]["id"] for r in responses}) == 1
    assert await _count(app, Job) == 1
    assert await _balance(browser) == TRIAL_CREDITS - 2


async def test_cancel_mid_job_releases_what_was_not_delivered(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    monkeypatch.setattr(app.state.settings, "generation_concurrency", 1)
    started = await _generate(browser, [product], variants=4)
    job_id = started["job"]["id"]
    real = LocalImageProvider.generate
    calls = 0

    async def cancel_after_first(self: Any, request: ImageRequest) -> GeneratedImage:
        nonlocal calls
        calls += 1
        if calls == 2:  # the first image is delivered; the merchant cancels while the second renders
            assert (await browser.post(f"/jobs/{job_id}/cancel")).status_code == 200
        return await real(self, request)

    monkeypatch.setattr(LocalImageProvider, "generate", cancel_after_first)
    await generate_images(worker_ctx(app), job_id)

    done = (await browser.get(f"/generations/{job_id}")).json()
    assert done["job"]["status"] == "canceled"
    assert [item["status"] for item in done["items"]] == ["succeeded", "canceled", "canceled", "canceled"]
    assert await _count(app, Asset) == 1
    assert await _balance(browser) == TRIAL_CREDITS - 1
    async with app.state.sessionmaker() as session:
        hold = await session.scalar(select(CreditHold))
        assert hold is not None
        assert hold.state != HoldState.open
        assert (hold.captured, hold.released) == (1, 3)
    await _verify(app)


async def test_a_worker_killed_mid_job_delivers_each_item_once(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    products = [await _product(browser, f"Bottle {i}") for i in range(2)]
    started = await _generate(browser, products, variants=2)
    job_id = started["job"]["id"]
    ctx = worker_ctx(app)
    attempt = asyncio.create_task(generate_images(ctx, job_id))
    while await _count(app, Asset) < 1:  # noqa: ASYNC110 - polling the database, not an in-process event
        await asyncio.sleep(0.02)
    attempt.cancel()
    with pytest.raises(asyncio.CancelledError):
        await attempt
    delivered_before = await _count(app, Asset)

    async with app.state.sessionmaker() as session, session.begin():
        await session.execute(
            update(Job).where(Job.id == uuid.UUID(job_id)).values(deadline_at=func.now() - text("interval '1 second'"))
        )
    assert await reconcile_jobs(ctx) == 1
    await generate_images(ctx, job_id)

    done = (await browser.get(f"/generations/{job_id}")).json()
    assert done["job"]["status"] == "succeeded"
    assert 1 <= delivered_before <= 4
    assert await _count(app, Asset) == 4
    assert len({item["asset_id"] for item in done["items"]}) == 4
    assert await _balance(browser) == TRIAL_CREDITS - 4
    await _verify(app)


async def test_a_job_whose_worker_never_returns_is_failed_and_its_hold_released(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    started = await _generate(browser, [product], variants=3)
    job_id = uuid.UUID(started["job"]["id"])
    async with app.state.sessionmaker() as session, session.begin():  # every attempt started and died
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.running, attempts=3, deadline_at=func.now() - text("interval '1 second'"))
        )
    assert await reconcile_jobs(worker_ctx(app)) == 1
    done = (await browser.get(f"/generations/{job_id}")).json()
    assert done["job"]["status"] == "failed"
    assert {item["status"] for item in done["items"]} == {"failed"}
    assert await _balance(browser) == TRIAL_CREDITS
    await _verify(app)


async def test_bad_requests_are_refused_before_anything_is_held(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    bare = await _product(browser, "No photo yet", photo=False)
    async with make_browser(app) as other:
        await signup(other)
        theirs = await _product(other, "Their bottle")

    assert_problem(await browser.post("/generations", json={"product_ids": [theirs]}), 404, "product_not_found")
    assert_problem(await browser.post("/generations", json={"product_ids": [bare]}), 422, "product_without_images")
    for variants in (0, 5):
        assert_problem(await browser.post("/generations", json={"product_ids": [product], "variants": variants}), 422)
    long_prompt = {"product_ids": [product], "settings": {"prompt": "x" * 1001}}
    assert_problem(await browser.post("/generations", json=long_prompt), 422)
    unknown = await browser.post("/generations", json={"product_ids": [product], "provider": "dall-e-9"})
    assert_problem(unknown, 422, "provider_not_available")
    ratio = await browser.post("/generations", json={"product_ids": [product], "settings": {"aspect_ratio": "5:1"}})
    assert_problem(ratio, 422, "unsupported_option")
    twice = [{"type": "style", "preset": "Modern"}, {"type": "style", "value": "Art deco"}]
    settings = await browser.post("/generations", json={"product_ids": [product], "settings": {"bubbles": twice}})
    assert_problem(settings, 422, "invalid_generation_settings")
    unknown_bubble = {"product_ids": [product], "settings": {"bubbles": [{"type": "colour", "value": "red"}]}}
    assert_problem(await browser.post("/generations", json=unknown_bubble), 422)
    second = await _product(browser, "Second bottle")
    too_much = {"product_ids": [product, second], "variants": 4, "settings": {"quality": "4k"}}  # 16 credits of 10
    broke = await browser.post("/generations", json=too_much)
    problem = assert_problem(broke, 402, "insufficient_credits")
    assert (problem["required"], problem["available"]) == (16, TRIAL_CREDITS)
    assert await _count(app, Job) == 0
    assert await _balance(browser) == TRIAL_CREDITS


async def test_options_list_scene_types_bubbles_and_providers(browser: Browser) -> None:
    await signup(browser)
    options = (await browser.get("/generation/options")).json()
    assert {"studio", "living_room"} <= {s["value"] for s in options["scene_types"]}
    assert len(options["bubbles"]) == 10
    style = next(b for b in options["bubbles"] if b["type"] == "style")
    assert "Scandinavian" in style["presets"]
    assert style["additive"] is False
    assert options["providers"][0]["name"] == "local"
    assert options["aspect_ratios"] == ["1:1", "4:5", "3:4", "4:3", "2:3", "3:2", "9:16", "16:9", "21:9"]


async def test_workspace_defaults_are_the_first_level_of_the_cascade(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    defaults = {
        "settings": {"bubbles": [{"type": "mood", "preset": "Cozy"}], "aspect_ratio": "4:5", "quality": "2k"},
        "provider": "local",
    }
    saved = await browser.put("/generation/defaults", json=defaults)
    assert saved.status_code == 200, saved.text
    assert saved.json()["settings"]["aspect_ratio"] == "4:5"
    bad = await browser.put("/generation/defaults", json={"settings": {"bubbles": [{"type": "mood"}, 3]}})
    assert_problem(bad, 422, "invalid_generation_settings")

    product = await _product(browser, "Bottle")
    started = await _generate(browser, [product], settings={"bubbles": [{"type": "mood", "value": "Sunny"}]})
    [item] = started["items"]
    assert item["credits"] == 1
    await generate_images(worker_ctx(app), started["job"]["id"])
    [asset] = (await browser.get("/assets", params={"product_id": product})).json()["items"]
    assert (asset["width"], asset["height"], asset["quality"]) == (1640, 2048, "2k")
    assert asset["settings"]["mood"] == [{"value": "Sunny", "source": "flow", "label": "This request"}]
    assert asset["settings"]["aspect_ratio"][0]["source"] == "organization"
