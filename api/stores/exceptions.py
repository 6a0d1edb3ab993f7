from __future__ import annotations

from api.core.errors import BadRequest, Conflict, EpoxError, InvalidInput, NotFound


class StoreNotFound(NotFound):
    code, title = "store_not_found", "Store not found"


class StoreAlreadyConnected(Conflict):
    code, title = "store_already_connected", "This store is already connected"


class StoreNotActive(Conflict):
    code, title = "store_not_active", "The store is not connected"


class InvalidShopDomain(InvalidInput):
    code = "invalid_shop_domain"

    def __init__(self) -> None:
        super().__init__("shop", "Use the shop's myshopify.com domain, e.g. my-store.myshopify.com.")


class InvalidSiteUrl(InvalidInput):
    code = "invalid_site_url"

    def __init__(self, reason: str) -> None:
        super().__init__("site_url", reason)


class InvalidImportRequest(InvalidInput):
    code = "invalid_import_request"


class StoreRequestFailed(EpoxError):
    status, code, title = 502, "store_request_failed", "The store did not answer"


class StoreNotConfigured(EpoxError):
    status, code, title = 503, "store_not_configured", "Store connections are not configured"


class StoreConnectFailed(BadRequest):
    """The OAuth callback could not be trusted or completed; `reason` goes back to the SPA."""

    code, title = "store_connect_failed", "The store could not be connected"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
