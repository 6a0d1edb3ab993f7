"""The sandbox shop's catalog: 60 deterministic furniture products, 3 generated images each, in collections.

Everything is derived from the product's index, so two runs (and two processes) see the same shop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

PRODUCT_COUNT = 60
IMAGES_PER_PRODUCT = 3
PRODUCT_ID_BASE = 8_100_000_000
MEDIA_ID_BASE = 3_100_000_000
COLLECTION_ID_BASE = 4_100_000_000

_MATERIALS = ("Oak", "Walnut", "Velvet", "Linen", "Rattan", "Marble", "Steel", "Ceramic", "Leather", "Bouclé")
_ITEMS = ("Sofa", "Armchair", "Coffee Table", "Floor Lamp", "Dining Chair", "Bookshelf")
_COLLECTIONS = (
    ("living-room", "Living room"),
    ("dining", "Dining"),
    ("lighting", "Lighting"),
    ("storage", "Storage"),
    ("bestsellers", "Bestsellers"),
)
_ITEM_COLLECTIONS = {
    "Sofa": "living-room",
    "Armchair": "living-room",
    "Coffee Table": "living-room",
    "Floor Lamp": "lighting",
    "Dining Chair": "dining",
    "Bookshelf": "storage",
}


@dataclass(frozen=True)
class SampleCollection:
    number: int
    handle: str
    title: str

    @property
    def gid(self) -> str:
        return f"gid://shopify/Collection/{COLLECTION_ID_BASE + self.number}"


@dataclass(frozen=True)
class SampleProduct:
    number: int  # 0..59
    title: str
    handle: str
    description_html: str
    sku: str
    price: str  # Shopify's Money scalar: a decimal string
    collection_handles: tuple[str, ...]

    @property
    def legacy_id(self) -> int:
        return PRODUCT_ID_BASE + self.number

    @property
    def gid(self) -> str:
        return f"gid://shopify/Product/{self.legacy_id}"

    def media_gid(self, position: int) -> str:
        return f"gid://shopify/MediaImage/{MEDIA_ID_BASE + self.number * 10 + position}"


COLLECTIONS = tuple(SampleCollection(i, handle, title) for i, (handle, title) in enumerate(_COLLECTIONS))


def _product(number: int) -> SampleProduct:
    material = _MATERIALS[number % len(_MATERIALS)]
    item = _ITEMS[number // len(_MATERIALS) % len(_ITEMS)]
    title = f"{material} {item}"
    handle = title.lower().replace(" ", "-").replace("é", "e")
    collections = (_ITEM_COLLECTIONS[item], *(("bestsellers",) if number % 4 == 0 else ()))
    return SampleProduct(
        number=number,
        title=title,
        handle=handle,
        description_html=f"<p>A {material.lower()} {item.lower()} from the Epox sample shop.</p>",
        sku=f"EPX-{number:03d}",
        price=f"{49 + number * 7}.00",
        collection_handles=collections,
    )


PRODUCTS = tuple(_product(i) for i in range(PRODUCT_COUNT))


@lru_cache(maxsize=256)
def product_image(number: int, position: int) -> bytes:
    """A PNG for one product image: a colour field and a simple silhouette, distinct per product and position."""
    hue = (number * 37 + position * 91) % 256
    image = Image.new("RGB", (320, 320), (hue, 200 - hue % 120, 120 + position * 40))
    draw = ImageDraw.Draw(image)
    inset = 40 + position * 20
    draw.rectangle((inset, inset + 40, 320 - inset, 320 - inset), fill=(40 + number % 60, 40, 40))
    draw.text((12, 12), f"{number}-{position}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
