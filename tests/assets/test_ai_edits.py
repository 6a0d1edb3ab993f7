"""AI edits are jobs paid per the cost table through the ledger: held at the request, captured when the revision is
delivered, released when the provider refuses or fails. The local provider does what it honestly can (upscale,
background cut-out, colour and tone instructions) and refuses the rest with a reason."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from api.generation.providers.base import EditRequest, GeneratedImage, ProviderRejected, ProviderRetryableError
from api.generation.providers.local import LocalImageProvider
from api.models import Asset, ProviderCall
from tests.assets.helpers import balance, count, decode, gradient, make_asset, organization_id, verify_ledger
from tests.helpers import Browser, assert_problem, signup, worker_ctx
from workers.edits import edit_asset

TRIAL_CREDITS = 10


async def _start(client: Browser, asset_id: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/assets/{asset_id}/edits", json={"operation": operation, "params": params})
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def _run(app: FastAPI, client: Browser, started: dict[str, Any]) -> dict[str, Any]:
    await edit_asset(worker_ctx(app), started["job"]["id"])
    job: dict[str, Any] = (await client.get(f"/jobs/{started['job']['id']}")).json()
    return job


async def _delivered(app: FastAPI, client: Browser, job: dict[str, Any]) -> tuple[dict[str, Any], Image.Image]:
    assert job["status"] == "succeeded", job
    asset = (await client.get(f"/assets/{job['result']['asset_id']}")).json()
    key = asset["original_url"].split("/files/", 1)[1].split("?", 1)[0]
    return asset, decode(await app.state.storage.get(key))


async def test_upscale_to_2k_captures_one_credit(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient(400, 300))
    original = await app.state.storage.get(source.original_key)
    started = await _start(browser, source.id, "upscale", {"quality": "2k"})
    assert started["credits_held"] == 1
    assert started["job"]["kind"] == "upscale"
    assert await balance(browser) == TRIAL_CREDITS - 1

    job = await _run(app, browser, started)
    asset, image = await _delivered(app, browser, job)
    assert image.size == (2048, 1536)
    assert (asset["width"], asset["height"], asset["quality"]) == (2048, 1536, "2k")
    assert asset["parent_id"] == str(source.id)
    assert asset["credits_charged"] == 1
    assert asset["edit"] == {"operation": "upscale", "params": {"quality": "2k"}}
    assert await balance(browser) == TRIAL_CREDITS - 1
    assert await app.state.storage.get(source.original_key) == original
    assert await count(app, ProviderCall, ProviderCall.operation == "image.upscale") == 1
    entries = (await browser.get("/credits/entries", params={"job_id": started["job"]["id"]})).json()["items"]
    assert sorted(e["type"] for e in entries) == ["capture", "hold"]
    await verify_ledger(app)


async def test_upscale_to_4k_costs_two_and_a_large_image_is_refused_before_holding(
    app: FastAPI, browser: Browser
) -> None:
    await signup(browser)
    organization = await organization_id(browser)
    small = await make_asset(app, organization, gradient(400, 300))
    assert (await _start(browser, small.id, "upscale", {"quality": "4k"}))["credits_held"] == 2
    large = await make_asset(app, organization, gradient(2100, 40))
    refused = await browser.post(
        f"/assets/{large.id}/edits", json={"operation": "upscale", "params": {"quality": "2k"}}
    )
    assert assert_problem(refused, 422)["errors"][0]["field"] == "params.quality"
    assert await balance(browser) == TRIAL_CREDITS - 2


async def test_background_removal_gives_a_transparent_png_for_one_credit(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser))  # the studio bottle photo
    started = await _start(browser, source.id, "remove_background", {})
    assert started["job"]["kind"] == "background_removal"
    job = await _run(app, browser, started)
    asset, image = await _delivered(app, browser, job)
    assert asset["content_type"] == "image/png"
    assert image.mode == "RGBA"
    alpha = np.asarray(image.getchannel("A"))
    assert [alpha[0, 0], alpha[0, -1], alpha[-1, 0], alpha[-1, -1]] == [0, 0, 0, 0]
    assert alpha[170, 160] == 255, "the bottle stays"
    assert await balance(browser) == TRIAL_CREDITS - 1
    await verify_ledger(app)


@pytest.mark.parametrize("instruction", ["make it warmer", "black and white", "a bit brighter, please"])
async def test_instructions_the_local_provider_can_do_are_done(
    app: FastAPI, browser: Browser, instruction: str
) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient(200, 150))
    before = np.asarray(decode(await app.state.storage.get(source.original_key)).convert("RGB"), dtype=np.float32)
    job = await _run(app, browser, await _start(browser, source.id, "ai_edit", {"instruction": instruction}))
    asset, image = await _delivered(app, browser, job)
    after = np.asarray(image.convert("RGB"), dtype=np.float32)
    assert asset["edit"] == {"operation": "ai_edit", "params": {"instruction": instruction}}
    if "warmer" in instruction:
        assert after[..., 0].mean() > before[..., 0].mean()
        assert after[..., 2].mean() < before[..., 2].mean()
    elif "black" in instruction:
        assert np.abs(after[..., 0] - after[..., 1]).max() <= 1
        assert np.abs(after[..., 1] - after[..., 2]).max() <= 1
    else:
        assert after.mean() > before.mean() + 5
    assert await balance(browser) == TRIAL_CREDITS - 1
    await verify_ledger(app)


async def test_an_instruction_it_cannot_do_fails_with_the_reason_and_releases(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient())
    started = await _start(browser, source.id, "ai_edit", {"instruction": "make it warmer and add a dog"})
    assert await balance(browser) == TRIAL_CREDITS - 1
    job = await _run(app, browser, started)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "instruction_not_supported"
    assert "'add a dog'" in job["error"]["message"]
    assert "warmer or cooler" in job["error"]["message"], "it says what it can do"
    assert await balance(browser) == TRIAL_CREDITS
    assert await count(app, Asset) == 1
    entries = (await browser.get("/credits/entries", params={"job_id": started["job"]["id"]})).json()["items"]
    assert sorted(e["type"] for e in entries) == ["hold", "release"]
    await verify_ledger(app)


async def test_a_masked_instruction_changes_only_the_white_part(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient(200, 100))
    mask = Image.new("L", (200, 100), 0)
    mask.paste(255, (100, 0, 200, 100))
    buffer = io.BytesIO()
    mask.save(buffer, "PNG")
    params = {"instruction": "much darker", "mask": base64.b64encode(buffer.getvalue()).decode()}
    started = await _start(browser, source.id, "ai_edit", params)
    job = await _run(app, browser, started)
    asset, image = await _delivered(app, browser, job)
    assert asset["edit"]["params"] == {"instruction": "much darker", "mask": True}
    before = np.asarray(decode(await app.state.storage.get(source.original_key)).convert("RGB"), dtype=np.float32)
    after = np.asarray(image.convert("RGB"), dtype=np.float32)
    assert np.array_equal(after[:, :100], before[:, :100])
    assert after[:, 100:].mean() < before[:, 100:].mean() - 20
    assert await count(app, Asset) == 2


@pytest.mark.parametrize(
    "error", [lambda: ProviderRejected("refused"), lambda: ProviderRetryableError("busy", retry_after=0.01)]
)
async def test_a_provider_failure_releases_the_credits(
    app: FastAPI, browser: Browser, monkeypatch: pytest.MonkeyPatch, error: Any
) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient())

    async def failing(self: Any, request: EditRequest) -> GeneratedImage:
        raise error()

    monkeypatch.setattr(LocalImageProvider, "edit", failing)
    job = await _run(app, browser, await _start(browser, source.id, "upscale", {"quality": "4k"}))
    assert job["status"] == "failed"
    assert job["error"]["code"] in {"content_rejected", "provider_unavailable"}
    assert await balance(browser) == TRIAL_CREDITS
    assert await count(app, Asset) == 1
    assert await count(app, ProviderCall, ProviderCall.success.is_(False)) >= 1
    await verify_ledger(app)


async def test_an_edit_the_balance_cannot_pay_is_402_and_nothing_starts(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient())
    for _ in range(5):
        await _start(browser, source.id, "upscale", {"quality": "4k"})
    assert await balance(browser) == 0
    response = await browser.post(f"/assets/{source.id}/edits", json={"operation": "remove_background", "params": {}})
    problem = assert_problem(response, 402, "insufficient_credits")
    assert (problem["required"], problem["available"]) == (1, 0)
    assert len((await browser.get("/jobs")).json()["items"]) == 5


async def test_a_provider_without_edits_is_refused(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient())
    body = {"operation": "ai_edit", "params": {"instruction": "warmer"}, "provider": "gemini"}
    assert_problem(await browser.post(f"/assets/{source.id}/edits", json=body), 422, "provider_not_available")
    assert await balance(browser) == TRIAL_CREDITS
