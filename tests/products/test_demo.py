"""The demo workspace gets six sample products with pictures drawn at seed time, once however often it runs."""

from __future__ import annotations

import io

from fastapi import FastAPI
from PIL import Image

from api.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_PRODUCTS, seed_demo
from tests.helpers import make_browser


async def test_demo_catalog_is_seeded_once_with_real_images(app: FastAPI) -> None:
    for run in range(2):
        async with app.state.sessionmaker() as session:
            login = await seed_demo(session, storage=app.state.storage, settings=app.state.settings)
            await session.commit()
        assert login.created is (run == 0)

    async with make_browser(app) as demo:
        assert (
            await demo.post("/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        ).status_code == 200
        products = (await demo.get("/products")).json()["items"]
        assert sorted(p["name"] for p in products) == sorted(p.name for p in DEMO_PRODUCTS)
        assert {len(p["images"]) for p in products} == {1}
        assert all(p["primary_category_id"] for p in products)
        assert (await demo.get("/products/slots")).json()["used"] == 6
        categories = (await demo.get("/categories")).json()["items"]
        assert [c["name"] for c in categories] == ["Decor", "Lighting", "Rugs", "Seating", "Tables"]
        sofa = next(p for p in products if "sofa" in p["name"])
        picture = Image.open(io.BytesIO((await demo.get(sofa["images"][0]["original_url"])).content))
        assert picture.size == (1000, 1000)
        assert len(picture.getcolors(1_000_000) or []) > 1000, "a shaded picture, not a flat fill"
