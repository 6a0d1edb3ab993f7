"""What every store platform (Shopify, WooCommerce) offers the rest of the app, in one shape: a product as the
catalog wants it, pages of them behind an opaque cursor, a count, and webhook cleanup. The import job, the
remote catalog browser and disconnect only speak this; each platform module translates its own API into it.
"""

from __future__ import annotations

import asyncio
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


class StoreClient(Protocol):
    async def count_products(self, external_ids: Sequence[str] | None) -> int: ...

    async def product_page(
        self, *, limit: int, cursor: str | None, external_ids: Sequence[str] | None = None
    ) -> ProductPage: ...

    async def remove_webhooks(self, webhook_ids: Mapping[str, Any]) -> None: ...


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
