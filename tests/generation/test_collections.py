"""Flows and collections: saved studio sessions whose settings join the cascade, a collection generated as one
job with one hold and per-product items, and sections applied only to the products they match."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.generation.test_generation_jobs import TRIAL_CREDITS, _balance, _product
from tests.helpers import Browser, assert_problem, signup, worker_ctx
from workers.generation import generate_images


def _bubbles(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"bubbles": [{"type": kind, "value": value} for kind, value in pairs]}


async def test_a_saved_flow_generates_with_its_settings_and_remembers_its_job(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    product = await _product(browser, "Bottle")
    created = await browser.post(
        "/flows",
        json={
            "product_id": product,
            "name": "Summer patio",
            "settings": {**_bubbles(("mood", "Fresh")), "scene_type": "outdoor"},
        },
    )
    assert created.status_code == 201, created.text
    flow = created.json()
    assert (await browser.get("/flows", params={"product_id": product})).json()["items"][0]["id"] == flow["id"]

    started = (await browser.post(f"/flows/{flow['id']}/generate", json={"variants": 2})).json()
    assert started["credits_held"] == 2
    await generate_images(worker_ctx(app), started["job"]["id"])
    assets = (await browser.get("/assets", params={"job_id": started["job"]["id"]})).json()["items"]
    assert len(assets) == 2
    assert assets[0]["scene_type"] == "outdoor"
    assert assets[0]["settings"]["mood"] == [{"value": "Fresh", "source": "flow", "label": "Summer patio"}]
    assert (await browser.get(f"/flows/{flow['id']}")).json()["last_job_id"] == started["job"]["id"]

    renamed = await browser.patch(f"/flows/{flow['id']}", json={"name": "Autumn patio"})
    assert renamed.json()["name"] == "Autumn patio"
    bad = await browser.patch(f"/flows/{flow['id']}", json={"settings": {"bubbles": [{"type": "mood"}, {"type": 1}]}})
    assert_problem(bad, 422, "invalid_generation_settings")
    assert (await browser.delete(f"/flows/{flow['id']}")).status_code == 204
    assert len((await browser.get("/assets", params={"product_id": product})).json()["items"]) == 2


async def test_a_collection_is_one_job_and_sections_apply_only_where_they_match(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    chairs = (await browser.post("/categories", json={"name": "Chairs"})).json()
    chair = await _product(browser, "Oak chair")
    assert (await browser.patch(f"/products/{chair}", json={"category_ids": [chairs["id"]]})).status_code == 200
    lamp = await _product(browser, "Brass lamp")
    vase = await _product(browser, "Glass vase")

    created = await browser.post(
        "/collections",
        json={
            "name": "Spring drop",
            "settings": _bubbles(("style", "Scandinavian")),
            "sections": [
                {"name": "Seating", "category_ids": [chairs["id"]], "settings": _bubbles(("props", "Sheepskin throw"))},
                {"name": "Kitchen only", "scene_types": ["kitchen"], "settings": _bubbles(("background", "Tiles"))},
            ],
            "product_ids": [chair, lamp, vase],
        },
    )
    assert created.status_code == 201, created.text
    collection = created.json()
    assert [flow["product_id"] for flow in collection["flows"]] == [chair, lamp, vase]

    started = (await browser.post(f"/collections/{collection['id']}/generate", json={"variants": 1})).json()
    assert started["credits_held"] == 3
    assert [item["product_id"] for item in started["items"]] == [chair, lamp, vase]
    await generate_images(worker_ctx(app), started["job"]["id"])
    done = (await browser.get(f"/generations/{started['job']['id']}")).json()
    assert [item["status"] for item in done["items"]] == ["succeeded"] * 3
    assert await _balance(browser) == TRIAL_CREDITS - 3

    assets = {
        a["product_id"]: a
        for a in (await browser.get("/assets", params={"job_id": started["job"]["id"]})).json()["items"]
    }
    assert assets[chair]["settings"]["props"] == [
        {"value": "Sheepskin throw", "source": "collection_section", "label": "Spring drop · Seating"}
    ]
    assert assets[lamp]["settings"]["props"][0]["source"] == "style_preset", "the section is for chairs only"
    assert "background" not in assets[chair]["settings"], "the kitchen section does not match a studio scene"
    assert assets[vase]["settings"]["style"] == [
        {"value": "Scandinavian", "source": "collection", "label": "Spring drop"}
    ]
    assert (await browser.get(f"/collections/{collection['id']}")).json()["last_job_id"] == started["job"]["id"]

    trimmed = await browser.patch(f"/collections/{collection['id']}", json={"product_ids": [lamp, chair]})
    flows = trimmed.json()["flows"]
    assert sorted(flow["product_id"] for flow in flows) == sorted([chair, lamp])
    kept = {flow["product_id"]: flow["id"] for flow in collection["flows"]}
    assert {flow["id"] for flow in flows} == {kept[chair], kept[lamp]}, "kept products keep their flows"

    await browser.post("/collections", json={"name": "Empty for now"})
    listed = (await browser.get("/collections")).json()["items"]
    assert [(c["name"], c["product_count"]) for c in listed] == [("Empty for now", 0), ("Spring drop", 2)]
    assert listed[0]["last_job"] is None
    last = listed[1]["last_job"]
    assert (last["id"], last["status"], last["progress"]["done"]) == (started["job"]["id"], "succeeded", 3)


async def test_collection_errors(browser: Browser) -> None:
    await signup(browser)
    empty = (await browser.post("/collections", json={"name": "Empty"})).json()
    assert_problem(
        await browser.post(f"/collections/{empty['id']}/generate", json={}), 422, "invalid_generation_settings"
    )
    unknown_category = {
        "name": "X",
        "sections": [{"name": "S", "category_ids": ["00000000-0000-7000-8000-000000000000"]}],
    }
    assert_problem(await browser.post("/collections", json=unknown_category), 422, "invalid_generation_settings")
    missing = {"name": "X", "product_ids": ["00000000-0000-7000-8000-000000000000"]}
    assert_problem(await browser.post("/collections", json=missing), 404, "product_not_found")
    assert_problem(await browser.post("/generations", json={}), 422, "invalid_generation_settings")
    listed = (await browser.get("/collections")).json()["items"]
    assert [c["name"] for c in listed] == ["Empty"]
    assert (await browser.delete(f"/collections/{empty['id']}")).status_code == 204
    assert_problem(await browser.get(f"/collections/{empty['id']}"), 404, "collection_not_found")
