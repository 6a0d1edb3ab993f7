"""Instant edits: each makes a new asset whose parent is the edited one, with the right size, leaves the original's
stored bytes exactly as they were, and costs nothing; bad parameters are refused with 422 before anything is
stored."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from api.models import Asset
from tests.assets.helpers import balance, count, decode, gradient, make_asset, organization_id, verify_ledger
from tests.helpers import Browser, assert_problem, make_browser, signup

CASES: list[tuple[str, dict[str, Any], tuple[int, int]]] = [
    ("crop", {"x": 10, "y": 20, "width": 100, "height": 50}, (100, 50)),
    ("crop", {"aspect": "4:5"}, (192, 240)),
    ("crop", {"aspect": "16:9"}, (320, 180)),
    ("rotate", {"degrees": 90}, (240, 320)),
    ("rotate", {"degrees": 180}, (320, 240)),
    ("flip", {"direction": "horizontal"}, (320, 240)),
    ("resize", {"width": 160}, (160, 120)),
    ("resize", {"width": 100, "height": 100}, (100, 75)),
    ("adjust", {"exposure": 0.5, "contrast": 0.2, "warmth": -0.3, "sharpness": 0.5}, (320, 240)),
]


@pytest.mark.parametrize(("operation", "params", "size"), CASES)
async def test_an_instant_edit_makes_a_free_revision_and_leaves_the_original(
    app: FastAPI, browser: Browser, operation: str, params: dict[str, Any], size: tuple[int, int]
) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient(320, 240))
    stored_before = await app.state.storage.get(source.original_key)
    credits = await balance(browser)

    response = await browser.post(f"/assets/{source.id}/edits", json={"operation": operation, "params": params})
    assert response.status_code == 201, response.text
    revision = response.json()
    assert revision["parent_id"] == revision["parent_asset_id"] == str(source.id)
    assert (revision["width"], revision["height"]) == size
    assert revision["credits_charged"] == 0
    assert revision["edit"]["operation"] == operation
    assert "edit" not in revision["settings"], "the edit is reported beside the scene settings, not in them"
    assert revision["settings"]["style"][0]["value"] == "Modern"
    assert revision["product_id"] == (str(source.product_id) if source.product_id else None)

    result = decode(await app.state.storage.get(_key(revision)))
    assert result.size == size
    assert (
        hashlib.sha256(await app.state.storage.get(source.original_key)).digest()
        == hashlib.sha256(stored_before).digest()
    )
    assert await balance(browser) == credits
    original = (await browser.get(f"/assets/{source.id}")).json()
    assert (original["width"], original["height"], original["version"]) == (320, 240, 1)
    await verify_ledger(app)


def _key(revision: dict[str, Any]) -> str:
    return str(revision["original_url"]).split("/files/", 1)[1].split("?", 1)[0]


async def test_pixels_of_crop_rotate_and_flip_are_exact(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    data = gradient(320, 240)
    source = await make_asset(app, await organization_id(browser), data)
    pixels = np.asarray(decode(data))

    async def edit(operation: str, params: dict[str, Any]) -> np.ndarray[Any, Any]:
        response = await browser.post(f"/assets/{source.id}/edits", json={"operation": operation, "params": params})
        assert response.status_code == 201, response.text
        return np.asarray(decode(await app.state.storage.get(_key(response.json()))).convert("RGB"))

    assert np.array_equal(await edit("crop", {"x": 10, "y": 20, "width": 100, "height": 50}), pixels[20:70, 10:110])
    assert np.array_equal(await edit("rotate", {"degrees": 90}), np.rot90(pixels, k=-1))
    assert np.array_equal(await edit("flip", {"direction": "vertical"}), pixels[::-1])


async def test_edits_chain_into_revisions(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    root = await make_asset(app, await organization_id(browser), gradient())
    first = (
        await browser.post(f"/assets/{root.id}/edits", json={"operation": "rotate", "params": {"degrees": 90}})
    ).json()
    second = (
        await browser.post(f"/assets/{first['id']}/edits", json={"operation": "adjust", "params": {"brightness": 0.1}})
    ).json()
    sibling = (
        await browser.post(f"/assets/{root.id}/edits", json={"operation": "flip", "params": {"direction": "vertical"}})
    ).json()
    chain = (await browser.get(f"/assets/{second['id']}/revisions")).json()
    assert chain["root_id"] == str(root.id)
    assert [item["id"] for item in chain["items"]] == [str(root.id), first["id"], second["id"], sibling["id"]]
    assert [item["parent_id"] for item in chain["items"]] == [None, str(root.id), first["id"], str(root.id)]

    download = await browser.get(f"/assets/{second['id']}/download", params={"format": "webp"})
    assert download.status_code == 307
    assert "/files/" in download.headers["location"]
    assert (await browser.get(download.headers["location"])).headers["content-type"] == "image/webp"


BAD: list[tuple[str, dict[str, Any], str]] = [
    ("crop", {"x": 300, "y": 0, "width": 100, "height": 100}, "params"),
    ("crop", {"x": -1, "y": 0, "width": 10, "height": 10}, "params"),
    ("crop", {"x": 0, "y": 0, "width": 2, "height": 2}, "params.width"),
    ("crop", {"x": 0, "y": 0}, "params"),
    ("crop", {"aspect": "5:7"}, "params.aspect"),
    ("resize", {"width": 640}, "params.width"),
    ("resize", {}, "params"),
    ("rotate", {"degrees": 45}, "params.degrees"),
    ("flip", {"direction": "diagonal"}, "params.direction"),
    ("adjust", {"exposure": 40}, "params.exposure"),
    ("adjust", {"saturation": -7}, "params.saturation"),
    ("adjust", {"brightness": "NaN"}, "params.brightness"),
    ("adjust", {}, "params"),
    ("adjust", {"gamma": 2}, "params.gamma"),
    ("upscale", {"quality": "8k"}, "params.quality"),
    ("ai_edit", {"instruction": ""}, "params.instruction"),
    ("ai_edit", {"instruction": "warmer", "mask": "not base64!"}, "params.mask"),
]


@pytest.mark.parametrize(("operation", "params", "field"), BAD)
async def test_bad_edit_parameters_are_422_and_store_nothing(
    app: FastAPI, browser: Browser, operation: str, params: dict[str, Any], field: str
) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient(320, 240))
    credits = await balance(browser)
    response = await browser.post(f"/assets/{source.id}/edits", json={"operation": operation, "params": params})
    problem = assert_problem(response, 422)
    assert problem["errors"][0]["field"] == field, problem
    assert await count(app, Asset) == 1
    assert await balance(browser) == credits


async def test_unknown_operations_and_foreign_assets_are_refused(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    source = await make_asset(app, await organization_id(browser), gradient())
    assert_problem(await browser.post(f"/assets/{source.id}/edits", json={"operation": "explode", "params": {}}), 422)
    async with make_browser(app) as stranger:
        await signup(stranger)
        edit = {"operation": "rotate", "params": {"degrees": 90}}
        assert_problem(await stranger.post(f"/assets/{source.id}/edits", json=edit), 404, "asset_not_found")
        assert_problem(await stranger.get(f"/assets/{source.id}/revisions"), 404)


def test_the_adjusted_image_keeps_its_alpha() -> None:
    from api.assets import editor

    rgba = Image.new("RGBA", (4, 4), (100, 150, 200, 0))
    rgba.putpixel((1, 1), (100, 150, 200, 255))
    out = editor.adjust(rgba, editor.Adjustments(brightness=0.2))
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0
    assert out.getpixel((1, 1)) == (151, 201, 251, 255)
