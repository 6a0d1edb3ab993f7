"""What every store platform (Shopify, WooCommerce) offers the rest of the app, in one shape: a product as the
catalog wants it, pages of them behind an opaque cursor, a count, and webhook cleanup. The import job, the
remote catalog browser and disconnect only speak this; each platform module translates its own API into it.
"""

from __future__ import annotations

import asyncio
import enum
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
_TAGS = re.compile(r"<[^>]+>")


class StoreApiError(Exception):
    """The store refused or failed; `transient` says whether trying again later may help."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None, status: int = 0):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.status = status


class StoreUnauthorized(StoreApiError):
    def __init__(self, message: str = "The store refused our credentials.") -> None:
        super().__init__(message, transient=False, status=401)


class RemoteProductNotFound(StoreApiError):
    """The product is gone from the store (deleted there): nothing can be published to it."""

    def __init__(self, message: str = "The product no longer exists in the store.") -> None:
        super().__init__(message, transient=False, status=404)


class MediaRejected(StoreApiError):
    """The store refused the image itself (unreadable, wrong type, too large): trying again cannot help."""

    def __init__(self, message: str = "The store rejected the image.") -> None:
        super().__init__(message, transient=False, status=422)


@dataclass(frozen=True)
class RemoteImage:
    external_id: str
    url: str


@dataclass(frozen=True)
class RemoteProduct:
    external_id: str
    title: str
    description: str
    sku: str | None
    price_minor: int | None
    currency: str | None
    url: str | None
    images: list[RemoteImage]
    collections: list[tuple[str, str, str]]  # (external id, handle, title): collections or categories

    @property
    def price(self) -> str | None:
        return f"{Decimal(self.price_minor) / 100:.2f}" if self.price_minor is not None else None


@dataclass(frozen=True)
class ProductPage:
    products: list[RemoteProduct]
    next_cursor: str | None


class MediaState(enum.StrEnum):
    processing = "processing"  # uploaded, the store is still working on it
    ready = "ready"
    failed = "failed"


@dataclass(frozen=True)
class RemoteMedia:
    """One image on a store product, as the sync worker needs it: enough to find ours (by marker) and its state."""

    external_id: str
    alt: str | None
    url: str | None
    state: MediaState = MediaState.ready
    error: str | None = None
    name: str | None = None  # WooCommerce's attachment title

    def carries(self, marker: str) -> bool:
        return any(marker in (text or "") for text in (self.alt, self.url, self.name))


@dataclass(frozen=True)
class MediaUpload:
    """An image to add to a store product. `marker` (derived from the asset id) is put in the file name and, where
    the store shows nothing else before processing, in the alt text, so a later attempt recognizes the image as
    ours and never adds it twice. Shopify takes the bytes (`load`); WooCommerce downloads `source_url` itself."""

    marker: str
    filename: str
    content_type: str
    size: int
    alt: str
    load: Callable[[], Awaitable[bytes]]
    source_url: Callable[[], str]
    position: int | None = None  # 1-based place among the product's images; None appends


# Saves the client's progress through a multi-step upload (committed before the next step starts).
Checkpoint = Callable[[dict[str, Any]], Awaitable[None]]


class StoreClient(Protocol):
    async def count_products(self, external_ids: Sequence[str] | None) -> int: ...

    async def product_page(
        self, *, limit: int, cursor: str | None, external_ids: Sequence[str] | None = None
    ) -> ProductPage: ...

    async def remove_webhooks(self, webhook_ids: Mapping[str, Any]) -> None: ...

    # --- publishing (workers/publish.py); callers serialize per remote product ---------------------------------

    async def product_media(self, external_product_id: str) -> list[RemoteMedia]:
        """The product's images; raises `RemoteProductNotFound` when the product is gone."""
        ...

    async def add_media(
        self, external_product_id: str, upload: MediaUpload, state: dict[str, Any], checkpoint: Checkpoint
    ) -> str | None:
        """Add the image; resumes from `state` (what earlier attempts saved through `checkpoint`). Returns the new
        media id, or None when the store does not say (the caller then finds it by its marker)."""
        ...

    async def media_status(self, media_ids: Sequence[str]) -> list[RemoteMedia]:
        """Where the store is with these media (Shopify processes uploads; WooCommerce's are ready at once)."""
        ...

    async def remove_media(self, external_product_id: str, media_id: str) -> bool:
        """Remove one image from the product; False when it was not there (already removed)."""
        ...


def plain_text(html: str | None) -> str:
    return _TAGS.sub("", html or "").strip()


def price_minor_units(price: Any) -> int | None:
    """Stores send prices as decimal strings; the catalog keeps integer minor units (2 decimals)."""
    if price is None or price == "":
        return None
    try:
        return int((Decimal(str(price)) * 100).to_integral_value())
    except InvalidOperation:
        return None


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int = 4, max_wait: float = 30.0) -> T:
    """`call`, waiting out throttling (at least the store's Retry-After) and transient failures a few times.
    A wait longer than `max_wait` is not slept here: the error goes up so a job can retry later instead."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except StoreApiError as exc:
            if not exc.transient or attempt == attempts:
                raise
            wait = exc.retry_after if exc.retry_after is not None else 0.5 * 2 ** (attempt - 1)
            if wait > max_wait:
                raise
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
