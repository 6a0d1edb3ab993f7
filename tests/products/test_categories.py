"""Categories: unique slug per workspace, optional parent without cycles, generation settings as a JSON object."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.helpers import Browser, assert_problem, make_browser, signup


async def _category(client: Browser, **fields: Any) -> dict[str, Any]:
    response = await client.post("/categories", json=fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_list_update_delete(browser: Browser) -> None:
    await signup(browser)
    seating = await _category(
        browser, name="Seating & Sofas", generation_settings={"bubbles": [{"type": "style", "preset": "Modern"}]}
    )
    assert seating["slug"] == "seating-sofas"
    assert seating["parent_id"] is None
    assert seating["product_count"] == 0
    assert seating["generation_settings"] == {"bubbles": [{"type": "style", "preset": "Modern"}]}
    armchairs = await _category(browser, name="Armchairs", parent_id=seating["id"])
    assert armchairs["parent_id"] == seating["id"]
    await browser.post("/products", json={"name": "Club chair", "category_ids": [armchairs["id"]]})

    listed = (await browser.get("/categories")).json()
    assert [c["name"] for c in listed["items"]] == ["Armchairs", "Seating & Sofas"]
    assert listed["items"][0]["product_count"] == 1

    renamed = await browser.patch(f"/categories/{armchairs['id']}", json={"name": "Lounge chairs", "slug": "lounge"})
    assert renamed.status_code == 200
    assert renamed.json()["slug"] == "lounge"
    assert renamed.json()["product_count"] == 1
    top = await browser.patch(f"/categories/{armchairs['id']}", json={"parent_id": None})
    assert top.json()["parent_id"] is None

    await browser.patch(f"/categories/{armchairs['id']}", json={"parent_id": seating["id"]})
    assert (await browser.delete(f"/categories/{seating['id']}")).status_code == 204
    assert (await browser.get(f"/categories/{armchairs['id']}")).json()["parent_id"] is None, "children move up"
    assert_problem(await browser.get(f"/categories/{seating['id']}"), 404, "category_not_found")


async def test_slugs_are_unique_per_workspace(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    first = await _category(browser, name="Lighting")
    second = await _category(browser, name="Lighting")
    assert second["slug"] == "lighting-2", "a slug made from the name finds a free one"
    body = assert_problem(await browser.post("/categories", json={"name": "Lamps", "slug": "lighting"}), 409)
    assert body["code"] == "category_slug_taken"
    assert body["errors"][0]["field"] == "slug"
    assert_problem(await browser.patch(f"/categories/{second['id']}", json={"slug": first["slug"]}), 409)
    assert_problem(await browser.post("/categories", json={"name": "Bad", "slug": "Not A Slug"}), 422)
    async with make_browser(app) as other:
        await signup(other)
        assert (await _category(other, name="Lighting"))["slug"] == "lighting", "another workspace is separate"


async def test_parents_cannot_form_a_cycle(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    a = await _category(browser, name="A")
    b = await _category(browser, name="B", parent_id=a["id"])
    c = await _category(browser, name="C", parent_id=b["id"])
    for category, parent in ((a, a), (a, b), (a, c), (b, c)):
        body = assert_problem(
            await browser.patch(f"/categories/{category['id']}", json={"parent_id": parent["id"]}), 422
        )
        assert body["code"] == "category_cycle"
        assert body["errors"][0]["field"] == "parent_id"
    assert (await browser.patch(f"/categories/{c['id']}", json={"parent_id": a["id"]})).status_code == 200
    async with make_browser(app) as other:
        await signup(other)
        foreign = await _category(other, name="Theirs")
    response = await browser.patch(f"/categories/{a['id']}", json={"parent_id": foreign["id"]})
    assert assert_problem(response, 422)["errors"][0]["field"] == "parent_id"
    assert_problem(await browser.post("/categories", json={"name": "X", "parent_id": foreign["id"]}), 422)


async def test_generation_settings_must_be_a_json_object(browser: Browser) -> None:
    await signup(browser)
    for bad in ([1, 2], "modern", 3, None):
        assert_problem(await browser.post("/categories", json={"name": "X", "generation_settings": bad}), 422)
    huge = {"custom": "x" * 30_000}
    assert_problem(await browser.post("/categories", json={"name": "X", "generation_settings": huge}), 422)
    category = await _category(browser, name="Rugs")
    assert_problem(await browser.patch(f"/categories/{category['id']}", json={"generation_settings": None}), 422)
    calm = {"bubbles": [{"type": "mood", "preset": "Calm"}], "by_scene_type": {"bedroom": {"quality": "2k"}}}
    updated = await browser.patch(f"/categories/{category['id']}", json={"generation_settings": calm})
    assert updated.json()["generation_settings"] == calm
    unknown = await browser.patch(f"/categories/{category['id']}", json={"generation_settings": {"mood": "Calm"}})
    assert_problem(unknown, 422)
