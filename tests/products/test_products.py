"""Products: CRUD, search, filters, keyset pagination, archive/restore, roles, and bodies that try to set what
only the server sets."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from tests.helpers import Browser, assert_problem, make_browser, on_plan, signup


async def _create(client: Browser, **fields: Any) -> dict[str, Any]:
    response = await client.post("/products", json={"name": "Velvet sofa", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_read_update_archive_restore(browser: Browser) -> None:
    await signup(browser)
    created = await _create(
        browser,
        description="Three-seat sofa in green velvet",
        sku="SOFA-GRN-3",
        price_minor=129900,
        currency="EUR",
        scene_types=["living_room"],
        generation_settings={"bubbles": [{"type": "style", "preset": "Mid-Century"}]},
    )
    assert created["source"] == "uploaded"
    assert created["archived"] is False
    assert created["images"] == []
    assert created["categories"] == []
    assert created["store_id"] is None

    fetched = (await browser.get(f"/products/{created['id']}")).json()
    assert fetched == created

    updated = await browser.patch(f"/products/{created['id']}", json={"name": "Velvet sofa, 3 seats", "sku": None})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Velvet sofa, 3 seats"
    assert updated.json()["sku"] is None
    assert updated.json()["description"] == "Three-seat sofa in green velvet", "fields not sent stay"

    archived = await browser.delete(f"/products/{created['id']}")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    listed = (await browser.get("/products")).json()
    assert listed["items"] == []
    archived_list = (await browser.get("/products", params={"archived": "true"})).json()
    assert [p["id"] for p in archived_list["items"]] == [created["id"]]

    restored = await browser.post(f"/products/{created['id']}/restore")
    assert restored.status_code == 200
    assert restored.json()["archived"] is False


async def test_price_needs_a_currency(browser: Browser) -> None:
    await signup(browser)
    body = assert_problem(await browser.post("/products", json={"name": "Lamp", "price_minor": 100}), 422)
    assert body["errors"][0]["field"] == "currency"
    product = await _create(browser, price_minor=100, currency="USD")
    response = await browser.patch(f"/products/{product['id']}", json={"currency": None})
    assert assert_problem(response, 422)["errors"][0]["field"] == "currency"


async def test_search_matches_name_sku_and_description(browser: Browser) -> None:
    await signup(browser)
    sofa = await _create(browser, name="Velvet sofa", sku="SOFA-1")
    lamp = await _create(browser, name="Arc lamp", description="Brushed brass floor lamp")
    rug = await _create(browser, name="Wool rug", sku="RUG_100%")

    async def search(query: str) -> set[str]:
        response = await browser.get("/products", params={"query": query})
        assert response.status_code == 200
        return {p["id"] for p in response.json()["items"]}

    assert await search("VELVET") == {sofa["id"]}
    assert await search("sofa-1") == {sofa["id"]}
    assert await search("brass") == {lamp["id"]}
    assert await search("100%") == {rug["id"]}
    assert await search("%") == {rug["id"]}, "LIKE wildcards are matched literally"
    assert await search("_") == {rug["id"]}
    assert await search("nothing like it") == set()
    assert len(await search("  ")) == 3


async def test_filters_by_category_and_source(browser: Browser) -> None:
    await signup(browser)
    seating = (await browser.post("/categories", json={"name": "Seating"})).json()
    sofa = await _create(browser, category_ids=[seating["id"]])
    await _create(browser, name="Lamp")

    in_seating = (await browser.get("/products", params={"category_id": seating["id"]})).json()["items"]
    assert [p["id"] for p in in_seating] == [sofa["id"]]
    assert len((await browser.get("/products", params={"source": "uploaded"})).json()["items"]) == 2
    assert (await browser.get("/products", params={"source": "imported"})).json()["items"] == []
    store = "00000000-0000-7000-8000-000000000001"
    assert (await browser.get("/products", params={"store_id": store})).json()["items"] == []
    assert_problem(await browser.get("/products", params={"source": "stolen"}), 422)


async def test_keyset_pagination_is_newest_first_and_complete(browser: Browser) -> None:
    await signup(browser)
    ids = [(await _create(browser, name=f"Chair {i}"))["id"] for i in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await browser.get("/products", params=params)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    assert_problem(await browser.get("/products", params={"cursor": "garbage"}), 422)


async def test_product_categories_have_one_primary(browser: Browser) -> None:
    await signup(browser)
    seating = (await browser.post("/categories", json={"name": "Seating"})).json()
    living = (await browser.post("/categories", json={"name": "Living room"})).json()
    product = await _create(browser, category_ids=[seating["id"], living["id"]])
    assert product["primary_category_id"] == seating["id"], "the first one by default"
    assert [c["is_primary"] for c in product["categories"]] == [True, False]

    moved = (await browser.patch(f"/products/{product['id']}", json={"primary_category_id": living["id"]})).json()
    assert moved["primary_category_id"] == living["id"]
    assert sum(c["is_primary"] for c in moved["categories"]) == 1

    only_seating = (await browser.patch(f"/products/{product['id']}", json={"category_ids": [seating["id"]]})).json()
    assert only_seating["primary_category_id"] == seating["id"]

    # Deleting the primary category promotes another one.
    both = (
        await browser.patch(
            f"/products/{product['id']}",
            json={"category_ids": [seating["id"], living["id"]], "primary_category_id": living["id"]},
        )
    ).json()
    assert both["primary_category_id"] == living["id"]
    assert (await browser.delete(f"/categories/{living['id']}")).status_code == 204
    after = (await browser.get(f"/products/{product['id']}")).json()
    assert after["primary_category_id"] == seating["id"]

    cleared = (await browser.patch(f"/products/{product['id']}", json={"category_ids": []})).json()
    assert cleared["categories"] == []
    assert cleared["primary_category_id"] is None


async def test_categories_of_another_workspace_cannot_be_attached(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    async with make_browser(app) as other:
        await signup(other)
        foreign = (await other.post("/categories", json={"name": "Theirs"})).json()
    response = await browser.post("/products", json={"name": "Sofa", "category_ids": [foreign["id"]]})
    assert assert_problem(response, 422)["errors"][0]["field"] == "category_ids"
    assert (await browser.get("/products")).json()["items"] == []


async def test_mass_assignment_is_refused_and_changes_nothing(browser: Browser) -> None:
    created = await signup(browser)
    product = await _create(browser)
    smuggled = {
        "organization_id": "00000000-0000-7000-8000-000000000009",
        "source": "imported",
        "archived": True,
        "archived_at": "2020-01-01T00:00:00Z",
        "store_id": "00000000-0000-7000-8000-000000000001",
        "store_connection_id": "00000000-0000-7000-8000-000000000001",
        "external_id": "gid://shopify/Product/1",
        "id": "00000000-0000-7000-8000-000000000002",
        "images": [],
        "created_at": "2020-01-01T00:00:00Z",
    }
    for name, value in smuggled.items():
        body = assert_problem(await browser.post("/products", json={"name": "X", name: value}), 422)
        assert body["errors"][0]["field"] == name
        assert_problem(await browser.patch(f"/products/{product['id']}", json={name: value}), 422)
    category = (await browser.post("/categories", json={"name": "Seating"})).json()
    for name in ("organization_id", "product_count", "id"):
        assert_problem(await browser.patch(f"/categories/{category['id']}", json={name: 3}), 422)
        assert_problem(await browser.post("/categories", json={"name": "Y", name: 3}), 422)
    assert (await browser.get(f"/products/{product['id']}")).json() == product
    assert len((await browser.get("/products")).json()["items"]) == 1
    assert (await browser.get("/me")).json()["organization"]["id"] == created["organization"]["id"]


async def test_viewers_read_members_write(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    await on_plan(browser)  # seats and API access are not what this test is about
    product = await _create(browser)
    viewer_key = (await browser.post("/organization/api-keys", json={"name": "ro", "role": "viewer"})).json()
    member_key = (await browser.post("/organization/api-keys", json={"name": "rw", "role": "member"})).json()
    async with make_browser(app) as viewer, make_browser(app) as member:
        viewer.headers["Authorization"] = f"Bearer {viewer_key['secret']}"
        member.headers["Authorization"] = f"Bearer {member_key['secret']}"
        assert (await viewer.get("/products")).status_code == 200
        assert (await viewer.get(f"/products/{product['id']}")).status_code == 200
        assert (await viewer.get("/products/slots")).status_code == 200
        assert (await viewer.get("/categories")).status_code == 200
        for method, url, body in (
            ("POST", "/products", {"name": "Nope"}),
            ("PATCH", f"/products/{product['id']}", {"name": "Nope"}),
            ("DELETE", f"/products/{product['id']}", None),
            ("POST", "/categories", {"name": "Nope"}),
        ):
            assert_problem(await viewer.request(method, url, json=body), 403, "insufficient_role")
        assert (await member.post("/products", json={"name": "Yes"})).status_code == 201
        assert (await member.post("/categories", json={"name": "Yes"})).status_code == 201
    async with make_browser(app) as anonymous:
        assert_problem(await anonymous.get("/products"), 401)


async def test_a_create_retried_with_its_idempotency_key_makes_one_product(browser: Browser) -> None:
    await signup(browser)
    headers = {"Idempotency-Key": "create-sofa-1"}
    first = await browser.post("/products", json={"name": "Velvet sofa", "sku": "S-1"}, headers=headers)
    again = await browser.post("/products", json={"sku": "S-1", "name": "Velvet sofa"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [p["id"] for p in (await browser.get("/products")).json()["items"]] == [first.json()["id"]]

    other = await browser.post("/products", json={"name": "Another sofa"}, headers=headers)
    assert_problem(other, 409, "idempotency_key_reused")
    slots = (await browser.get("/products/slots")).json()
    assert slots["used"] == 1


async def test_lookup_by_ids_includes_archived_and_nothing_foreign(app: FastAPI, browser: Browser) -> None:
    await signup(browser)
    kept, archived, _other = [(await browser.post("/products", json={"name": n})).json() for n in ("A", "B", "C")]
    assert (await browser.delete(f"/products/{archived['id']}")).status_code == 200
    async with make_browser(app) as stranger:
        await signup(stranger)
        foreign = (await stranger.post("/products", json={"name": "Theirs"})).json()
    wanted = [kept["id"], archived["id"], foreign["id"]]
    found = (await browser.get("/products", params={"id": wanted})).json()["items"]
    assert sorted(p["id"] for p in found) == sorted([kept["id"], archived["id"]])
    assert_problem(await browser.get("/products", params={"id": "not-a-uuid"}), 422)
    assert_problem(await browser.get("/products", params={"id": [kept["id"]] * 201}), 422)
